import CardTiming
import Foundation
import Testing

/// The data files under `Sources/CardTiming/Profiles/` and how profiles are found and checked.
@Suite("Timing profile files")
struct ProfileLoadingTests {
    /// The profile files in the source tree: the source of truth the bundle is copied from, so a
    /// file the bundle loader silently skipped would still be tested here.
    static func profileFiles() throws -> [URL] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CardTiming/Profiles")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// A scratch directory of this test's own.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cardtiming-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("every profile file loads, validates, is named for its file, is modelled and says what it imitates")
    func everyFileLoads() throws {
        let files = try Self.profileFiles()
        #expect(files.count >= 5)
        for url in files {
            let profile = try TimingProfiles.load(url)
            #expect(profile.name == url.deletingPathExtension().lastPathComponent)
            #expect(profile.validationProblem() == nil, "\(url.lastPathComponent)")
            #expect(profile.modelled, "\(url.lastPathComponent) must say modelled: true")
            #expect(profile.imitates.count > 40, "\(url.lastPathComponent) must say what it imitates")
            #expect(profile.imitates.contains("MODELLED"), "\(url.lastPathComponent) must say it is not a measurement")
            #expect(profile.transfer != nil, "\(url.lastPathComponent) models a link")
            // The file says modelled: true itself; the default of the Swift initialiser does not count.
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains("\"modelled\": true"))
        }
    }

    @Test("the built-in list holds instant, fixed-2ms and every profile file, sorted by name, each once")
    func builtInListsEveryFile() throws {
        let names = TimingProfiles.builtIn().map(\.name)
        let fileNames = try Self.profileFiles().map { $0.deletingPathExtension().lastPathComponent }
        #expect(Set(names) == Set(fileNames + ["instant", "fixed-2ms"]))
        #expect(names == names.sorted())
        #expect(names.count == Set(names).count)
        for profile in TimingProfiles.builtIn() {
            #expect(profile.modelled)
            #expect(!profile.imitates.isEmpty)
            #expect(try TimingProfiles.named(profile.name) == profile)
        }
    }

    @Test("the built-in file profiles imitate the links the reference describes")
    func fileProfilesMatchReference() throws {
        let bitRates: [String: Double] = ["contactless-106k": 106, "contactless-212k": 212, "contactless-424k": 424]
        for (name, kbps) in bitRates {
            let transfer = try #require(try TimingProfiles.named(name).transfer)
            #expect(transfer.link == .contactless)
            #expect(transfer.bitRateKbps == kbps)
            // FSC 256 from the card's ATR.
            #expect(transfer.frameSize == 256)
        }
        let contactDefault = try #require(try TimingProfiles.named("contact-default").transfer)
        #expect(contactDefault.link == .contact)
        // 4 MHz / 372 = 10752 bit/s, as limits.md says for an ATR without TA1.
        #expect(abs(contactDefault.bitsPerSecond - 10752.688) < 0.01)
        let contactFast = try #require(try TimingProfiles.named("contact-fast").transfer)
        #expect(abs(contactFast.bitsPerSecond - 4 * 10752.688) < 0.04)
    }

    @Test("instant and fixed-2ms are the calibration profiles")
    func calibrationProfiles() {
        #expect(TimingProfile.instant.name == "instant")
        #expect(TimingProfile.fixed2ms.name == "fixed-2ms")
        #expect(TimingProfile.fixed2ms.fixedMicroseconds == 2000)
        #expect(TimingProfile.fixed2ms.transfer == nil && TimingProfile.fixed2ms.jitter == nil)
        #expect(TimingProfile.instant.validationProblem() == nil && TimingProfile.fixed2ms.validationProblem() == nil)
    }

    @Test("a malformed profile file gives a LoadError naming the file")
    func malformedFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("broken-profile.json")
        try Data(#"{ "name": "broken", "imitates": "#.utf8).write(to: url)
        do {
            _ = try TimingProfiles.named(url.path)
            Issue.record("a truncated file loaded")
        } catch {
            #expect(error.description.contains("broken-profile.json"))
        }
        // load(_:) says the same.
        let error = #expect(throws: TimingProfiles.LoadError.self) { try TimingProfiles.load(url) }
        #expect(error?.description.contains("broken-profile.json") == true)
    }

    @Test("a profile file with impossible numbers gives a LoadError naming the file and the problem")
    func invalidNumbers() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, String)] = [
            (#""fixedMicroseconds": -1, "processingMicroseconds": {}, "slowFactor": 1"#, "negative"),
            (#""fixedMicroseconds": 0, "processingMicroseconds": {"ZZ": 1}, "slowFactor": 1"#, "ZZ"),
            (#""fixedMicroseconds": 0, "processingMicroseconds": {}, "slowFactor": 0"#, "slowFactor"),
            (
                #""fixedMicroseconds": 0, "processingMicroseconds": {}, "slowFactor": 1, "transfer": {"link": "contactless", "bitRateKbps": 0, "bitsPerCharacter": 10, "frameSize": 256, "perFrameOverheadMicroseconds": 0, "exchangeOverheadMicroseconds": 0}"#,
                "bit rate"
            ),
            (
                #""fixedMicroseconds": 0, "processingMicroseconds": {}, "slowFactor": 1, "transfer": {"link": "contact", "fi": 0, "di": 1, "clockMHz": 4, "bitsPerCharacter": 11, "frameSize": 258, "perFrameOverheadMicroseconds": 0, "exchangeOverheadMicroseconds": 0}"#,
                "bit rate"
            ),
            (
                #""fixedMicroseconds": 0, "processingMicroseconds": {}, "slowFactor": 1, "transfer": {"link": "contactless", "bitRateKbps": 106, "bitsPerCharacter": 10, "frameSize": 3, "perFrameOverheadMicroseconds": 0, "exchangeOverheadMicroseconds": 0}"#,
                "frameSize"
            ),
            (
                #""fixedMicroseconds": 0, "processingMicroseconds": {}, "slowFactor": 1, "jitter": {"distribution": "normal", "microseconds": -5, "seed": 1}"#,
                "jitter"
            ),
        ]
        for (index, (body, word)) in cases.enumerated() {
            let url = directory.appendingPathComponent("invalid-\(index).json")
            let json =
                #"{ "name": "bad", "imitates": "x", "modelled": true, "defaultProcessingMicroseconds": 0, "# + body
                + " }"
            try Data(json.utf8).write(to: url)
            do {
                let profile = try TimingProfiles.named(url.path)
                Issue.record("invalid-\(index).json loaded as \(profile)")
            } catch {
                #expect(error.description.contains("invalid-\(index).json"), "\(error)")
                #expect(error.description.contains(word), "\(error)")
            }
        }
    }

    @Test("a profile path that does not exist gives a LoadError naming it")
    func missingFile() {
        do {
            _ = try TimingProfiles.named("/nonexistent/readerbench/nothing-here.json")
            Issue.record("loaded")
        } catch {
            #expect(error.description.contains("nothing-here.json"))
        }
    }

    @Test("an unknown profile name lists every built-in profile")
    func unknownName() {
        do {
            _ = try TimingProfiles.named("contactless-848k")
            Issue.record("loaded")
        } catch {
            #expect(error.description.contains("contactless-848k"))
            for profile in TimingProfiles.builtIn() {
                #expect(error.description.contains(profile.name))
            }
        }
    }

    @Test("a profile survives a JSON round trip unchanged")
    func codableRoundTrip() throws {
        for profile in TimingProfiles.builtIn() {
            let data = try JSONEncoder().encode(profile)
            #expect(try JSONDecoder().decode(TimingProfile.self, from: data) == profile)
        }
    }
}
