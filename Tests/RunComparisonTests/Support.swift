import RunModel
import Foundation
import Results
import RunComparison

// MARK: - Fixtures

/// The committed real result files (Fixtures/README.md says how they were made).
enum Fixture {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    static let runA = path("in-process-pin-200-a.json")
    static let runB = path("in-process-pin-200-b.json")
    static let trace = path("trace-instant-pin-20.json")

    static let documentA = try! SeriesDocument.load(runA)

    /// A document whose every sample is the fixture's times `factor`, under another name.
    static func scaled(_ document: SeriesDocument, by factor: Double, name: String) -> SeriesDocument {
        var copy = document
        copy.name = name
        copy.readers = document.readers.map { reader in
            var reader = reader
            reader.series = reader.series.map { Series(key: $0.key, samples: $0.samples.map { $0 * factor }) }
            return reader
        }
        return copy
    }

    /// A context like the fixture's, changed by `change`.
    static func context(_ change: (inout RunContext) -> Void = { _ in }) -> RunContext {
        var context = documentA.context
        change(&context)
        return context
    }
}

/// A result file built in memory, for the cases no committed file shows (failures, warmups).
enum SmallRun {
    static let labels = SampleLabels(
        phases: ["select", "sign"], apduKinds: ["SELECT", "SIGN"], steps: ["select", "sign"])

    static func header(source: CardInfo.Source = .pcsc, modes: [IterationMode] = [.warm]) -> ResultHeader {
        ResultHeader(
            tool: ToolInfo(version: "0.1.0"), createdAt: "2026-01-01T00:00:00Z",
            run: RunOptions(
                scenario: "pin", iterations: 3, warmup: 1, modes: modes, intervalMilliseconds: 0,
                timeoutMilliseconds: 10_000, readStrategy: ReadStrategy(headerLength: .four, chunking: .exact)),
            environment: Environment(os: "Debian", kernel: "6.1", machine: "x86_64", cpu: "CPU", cpuCount: 2),
            readers: [
                ReaderRecord(
                    id: 0,
                    reader: ReaderInfo(name: "Reader A", identity: nil, modelKey: "usb:1234:5678 fw=1.00", atr: nil),
                    card: CardInfo(source: source, measures: "test"))
            ],
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: 10),
            labels: labels)
    }

    /// An iteration of two exchanges (SELECT `select` ns, SIGN `sign` ns).
    static func iteration(
        _ index: Int, mode: IterationMode = .warm, warmup: Bool = false, select: UInt64, sign: UInt64,
        failure: Failure? = nil
    ) -> IterationResult {
        IterationResult(
            index: index, mode: mode, warmup: warmup, startOffsetNanoseconds: 0, totalNanoseconds: select + sign,
            failure: failure,
            phases: [
                PhaseTiming(phase: "select", startOffsetNanoseconds: 0, durationNanoseconds: select),
                PhaseTiming(phase: "sign", startOffsetNanoseconds: select, durationNanoseconds: sign),
            ],
            apdus: [
                APDUTiming(
                    step: 0, kind: 0, phase: 0, startOffsetNanoseconds: 0, durationNanoseconds: select,
                    statusWord: 0x9000, roundTrips: 1),
                APDUTiming(
                    step: 1, kind: 1, phase: 1, startOffsetNanoseconds: select, durationNanoseconds: sign,
                    statusWord: failure == nil ? 0x9000 : -1, roundTrips: 1),
            ])
    }
}
