import CardIdentity
import Foundation
import Results

// MARK: - Result bundles fit to publish

/// A set of runs with everything that identifies a host, a user or a card unit taken out, for
/// sharing: the start of a public per-model latency table. Other users import it (`history
/// import`) and compare their own readers against it; `report` and `compare` read it as they
/// read a result file. The format is in docs/history.md.
///
/// What stays: reader models (names without serials, model keys, USB ids and release, CCID
/// capabilities), card source, ATR and interface, OS, kernel, CPU, pcsc-lite and OpenSSL
/// versions, run options, host calibration figures, every sample.
///
/// What goes, wherever it appears (keys dropped, and their values scrubbed from every other
/// string, failure messages included): serial numbers (reader USB serials and the serials pcsc-lite
/// puts in reader names), PC/SC channel ids and USB bus, address and port paths, the
/// reader-matching evidence (it quotes serials and paths), calibration file paths, and the host
/// name, user name and home folder of the machine that exports.
public enum ResultBundle {
    /// The bundle's format name.
    public static let formatName = "readerbench-bundle"
    /// The version this build writes and reads.
    public static let currentVersion = 1
    /// Keys removed wherever they occur.
    static let removedKeys: Set<String> = ["serialNumber", "channel", "location", "bus", "address", "evidence", "file"]

    /// What the exporting machine calls itself: scrubbed from every string.
    public struct Identifiers: Sendable {
        public var hostName: String?
        public var userName: String?
        public var homeDirectory: String?

        public init(hostName: String?, userName: String?, homeDirectory: String?) {
            self.hostName = hostName
            self.userName = userName
            self.homeDirectory = homeDirectory
        }

        /// This machine's.
        public static func current() -> Identifiers {
            let environment = ProcessInfo.processInfo.environment
            return Identifiers(
                hostName: ProcessInfo.processInfo.hostName, userName: environment["USER"] ?? environment["LOGNAME"],
                homeDirectory: environment["HOME"])
        }
    }

    /// The bundle of `runs`, anonymized, as JSON bytes.
    public static func anonymized(
        _ runs: [ResultFile], toolVersion: String, identifiers: Identifiers = .current()
    ) throws(HistoryError) -> [UInt8] {
        var documents: [Any] = []
        for file in runs {
            let document = try jsonObject(file)
            let secrets = sensitiveStrings(in: file, identifiers: identifiers)
            documents.append(scrub(document, secrets: secrets))
        }
        let bundle: [String: Any] = [
            "format": formatName, "version": currentVersion, "anonymized": true,
            "tool": ["name": "readerbench", "version": toolVersion],
            "removed": [
                "serial numbers", "PC/SC channel ids", "USB bus, address and port paths", "reader-matching evidence",
                "calibration file paths", "host name", "user name", "home folder",
            ],
            "runs": documents,
        ]
        do {
            return Array(
                try JSONSerialization.data(withJSONObject: bundle, options: [.sortedKeys, .withoutEscapingSlashes]))
                + [0x0A]
        } catch {
            throw HistoryError(.databaseError, "cannot write the bundle: \(error)")
        }
    }

    /// The runs of a bundle; nil when `bytes` are not a bundle (a plain result file, say).
    public static func runs(in bytes: [UInt8], path: String) throws(HistoryError) -> [ResultFile]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            object["format"] as? String == formatName
        else { return nil }
        guard let version = object["version"] as? Int, version == currentVersion else {
            throw HistoryError(
                .cannotImport,
                "\(path): bundle version \(object["version"] ?? "missing"); this build reads \(currentVersion)")
        }
        guard let documents = object["runs"] as? [Any] else {
            throw HistoryError(.cannotImport, "\(path): the bundle has no \"runs\" list")
        }
        var files: [ResultFile] = []
        for (index, document) in documents.enumerated() {
            do {
                let data = try JSONSerialization.data(withJSONObject: document)
                files.append(try ResultFile.parse(Array(data), path: "\(path) runs[\(index)]"))
            } catch let error as ResultsError {
                throw HistoryError(.cannotImport, error.description)
            } catch {
                throw HistoryError(.cannotImport, "\(path) runs[\(index)]: \(error)")
            }
        }
        return files
    }

    // MARK: - Building the document

    /// A result file as the JSON object its file would hold.
    static func jsonObject(_ file: ResultFile) throws(HistoryError) -> [String: Any] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard var document = try JSONSerialization.jsonObject(with: encoder.encode(file.header)) as? [String: Any]
            else { throw HistoryError(.databaseError, "the header did not encode as an object") }
            let known = Set(file.header.readers.map(\.id))
            var announced = Set<Int>()
            var lines: [Any] = []
            for iteration in file.iterations {
                if !known.contains(iteration.reader) && !announced.contains(iteration.reader),
                    let record = file.readers.first(where: { $0.id == iteration.reader })
                {
                    lines.append(["readerJoined": try JSONSerialization.jsonObject(with: encoder.encode(record))])
                    announced.insert(iteration.reader)
                }
                lines.append(try JSONSerialization.jsonObject(with: encoder.encode(iteration)))
            }
            for record in file.readers where !known.contains(record.id) && !announced.contains(record.id) {
                lines.append(["readerJoined": try JSONSerialization.jsonObject(with: encoder.encode(record))])
            }
            document["iterations"] = lines
            if let summary = file.summary {
                document["summary"] = try JSONSerialization.jsonObject(with: encoder.encode(summary))
            }
            document["complete"] = file.complete
            return document
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(.databaseError, "cannot encode the run: \(error)")
        }
    }

    // MARK: - Scrubbing

    /// Strings to take out of every value, each with what replaces it.
    static func sensitiveStrings(in file: ResultFile, identifiers: Identifiers) -> [(String, String, wholeWord: Bool)] {
        var serials = Set<String>()
        var paths = Set<String>()
        for record in file.readers {
            let reader = record.reader
            for serial in [
                reader.identity?.serialNumber, reader.identity?.nameParts.serialNumber, reader.usb?.serialNumber,
                ReaderName(reader.name).serialNumber,
            ] {
                if let serial, serial.count >= 2 { serials.insert(serial) }
            }
            if let location = reader.usb?.location, location.count >= 3 { paths.insert(location) }
        }
        if let file = file.header.calibration?.file { paths.insert(file) }
        var replacements: [(String, String, wholeWord: Bool)] = []
        // Longest first, so a serial inside a path goes with the path.
        for path in paths.sorted(by: { $0.count > $1.count }) { replacements.append((path, "[removed]", false)) }
        for serial in serials.sorted(by: { $0.count > $1.count }) {
            replacements.append((" (\(serial))", "", false))
            replacements.append((serial, "[serial removed]", false))
        }
        if let home = identifiers.homeDirectory, home.count > 1 { replacements.append((home, "~", false)) }
        if let host = identifiers.hostName, host.count >= 2, host != "localhost" {
            replacements.append((host, "[host]", true))
        }
        if let user = identifiers.userName, user.count >= 2 { replacements.append((user, "[user]", true)) }
        return replacements
    }

    static func scrub(_ value: Any, secrets: [(String, String, wholeWord: Bool)]) -> Any {
        switch value {
        case let object as [String: Any]:
            var result: [String: Any] = [:]
            for (key, item) in object where !removedKeys.contains(key) { result[key] = scrub(item, secrets: secrets) }
            return result
        case let array as [Any]:
            return array.map { scrub($0, secrets: secrets) }
        case let text as String:
            var result = text
            for (secret, replacement, wholeWord) in secrets {
                result =
                    wholeWord
                    ? result.replacingWord(secret, with: replacement) : result.replacingAll(secret, with: replacement)
            }
            return result
        default:
            return value
        }
    }
}

extension String {
    /// Occurrences of `word` not inside a longer run of letters and digits.
    func replacingWord(_ word: String, with replacement: String) -> String {
        let characters = Array(self)
        let target = Array(word)
        guard !target.isEmpty, characters.count >= target.count else { return self }
        var result = ""
        var index = 0
        func isWordCharacter(_ position: Int) -> Bool {
            position >= 0 && position < characters.count
                && (characters[position].isLetter || characters[position].isNumber)
        }
        while index < characters.count {
            if index + target.count <= characters.count, Array(characters[index..<index + target.count]) == target,
                !isWordCharacter(index - 1), !isWordCharacter(index + target.count)
            {
                result += replacement
                index += target.count
            } else {
                result.append(characters[index])
                index += 1
            }
        }
        return result
    }
}
