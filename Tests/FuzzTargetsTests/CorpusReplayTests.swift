import Foundation
import FuzzTargets
import Testing

/// Every committed input goes through its harness on every test run: the seed corpora (which the
/// properties must accept) and every input a fuzzer ever crashed on or caught in a wrong answer
/// (Fuzz/Regressions, one folder per target, each file named for what it found).
@Suite("Fuzz corpora and regressions")
struct CorpusReplayTests {
    static let fuzz = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func files(_ kind: String, _ target: String) -> [URL] {
        let folder = fuzz.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map {
            folder.appendingPathComponent($0)
        }
    }

    @Test("every target has seeds", arguments: FuzzTarget.all.map(\.name))
    func seeded(name: String) {
        #expect(!Self.files("Corpus", name).isEmpty, "Fuzz/Corpus/\(name) is empty")
    }

    @Test("every seed and every regression input passes its harness", arguments: FuzzTarget.all.map(\.name))
    func replay(name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        for file in Self.files("Corpus", name) + Self.files("Regressions", name) {
            let bytes = try [UInt8](Data(contentsOf: file))
            do { try target.run(bytes.span) } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test("no corpus or regression folder belongs to a target that does not exist")
    func foldersMatchTargets() throws {
        let names = Set(FuzzTarget.all.map(\.name))
        for kind in ["Corpus", "Regressions"] {
            let folder = Self.fuzz.appendingPathComponent(kind)
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            where !entry.hasPrefix(".") {
                #expect(names.contains(entry) || entry == "README.md", "Fuzz/\(kind)/\(entry) names no target")
            }
        }
    }

    @Test("target names are unique and every summary says what is checked")
    func registry() {
        let names = FuzzTarget.all.map(\.name)
        #expect(Set(names).count == names.count)
        for target in FuzzTarget.all { #expect(target.summary.count > 40, "\(target.name)") }
    }
}

@Suite("scripts/fuzz")
struct FuzzScriptTests {
    @Test("its target list is FuzzTarget.all, in order")
    func targetsInStep() throws {
        let script = try String(
            contentsOf: CorpusReplayTests.fuzz.deletingLastPathComponent().appendingPathComponent("scripts/fuzz"),
            encoding: .utf8)
        let start = try #require(script.range(of: "TARGETS=(")).upperBound
        let end = try #require(script[start...].firstIndex(of: ")"))
        let names = script[start..<end].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        #expect(names == FuzzTarget.all.map(\.name))
    }
}
