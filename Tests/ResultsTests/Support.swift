import RunModel
import CardIdentity
import Foundation
import Results

// MARK: - Fixtures

/// Values shared by the tests: a plausible header and iterations with known numbers.
enum Fixture {
    static let labels = SampleLabels(
        phases: ["select", "read-certificate", "verify-pin", "sign"],
        apduKinds: ["SELECT", "READ BINARY", "VERIFY", "COMPUTE DIGITAL SIGNATURE"],
        steps: ["select-jpki", "select-cert", "read-header", "read-rest", "select-pin", "verify", "select-key", "sign"])

    static func header(card: CardInfo = CardInfo(source: .pcsc, measures: "round trips to a real card")) -> ResultHeader
    {
        ResultHeader(
            tool: ToolInfo(version: "0.1.0"), createdAt: "2025-11-22T02:27:00Z",
            run: RunOptions(
                scenario: "jpki-sign", iterations: 50, warmup: 3, modes: [.warm, .cold], intervalMilliseconds: 100,
                timeoutMilliseconds: 5_000, readStrategy: ReadStrategy(headerLength: .four, chunking: .blocks256),
                readerRequested: "SONY", modelRequested: nil, pinFloor: 2),
            environment: Environment(
                os: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1.0", machine: "x86_64", cpu: "AMD EPYC", cpuCount: 2,
                pcscLiteVersion: "2.0.0"),
            readers: [
                ReaderRecord(
                    id: 0,
                    reader: ReaderInfo(
                        identity: ReaderIdentity(name: "Sony FeliCa Port/PaSoRi 4.0 (0123456) 00 00"),
                        atr: ATRDescription([
                            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
                        ])),
                    card: card)
            ],
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: 812.5), labels: labels)
    }

    /// An iteration whose every APDU takes `apduNanoseconds` (one per step, kinds and phases
    /// following the scenario) and whose total is `total`.
    static func iteration(
        _ index: Int, mode: IterationMode = .warm, warmup: Bool = false, total: UInt64 = 80_000_000,
        apduNanoseconds: UInt64 = 1_000_000, failure: Failure? = nil
    ) -> IterationResult {
        let kinds = [0, 0, 1, 1, 0, 2, 0, 3]
        let phases = [0, 0, 1, 1, 2, 2, 3, 3]
        let apdus = (0..<8).map { step in
            APDUTiming(
                step: step, kind: kinds[step], phase: phases[step], startOffsetNanoseconds: UInt64(step) * 2_000_000,
                durationNanoseconds: apduNanoseconds, statusWord: 0x9000, roundTrips: step == 3 ? 2 : 1)
        }
        let phaseTimings = labels.phases.indices.map { phase in
            PhaseTiming(
                phase: labels.phases[phase], startOffsetNanoseconds: UInt64(phase) * 4_000_000,
                durationNanoseconds: total / 4)
        }
        return IterationResult(
            index: index, mode: mode, warmup: warmup, startOffsetNanoseconds: UInt64(index) * 100_000_000,
            totalNanoseconds: total, failure: failure, phases: phaseTimings, apdus: apdus)
    }
}

// MARK: - Temporary files

/// A fresh directory under the system's temporary directory, removed when dropped.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ResultsTests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Round-trips a value through JSON the way the files do.
func roundTrip<T: Codable>(_ value: T) throws -> T {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try JSONDecoder().decode(T.self, from: encoder.encode(value))
}
