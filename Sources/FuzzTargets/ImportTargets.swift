import Traces

/// The importers of other tools' logs. Whatever a log says, an import either fails with a line
/// number or yields a trace that survives being written and loaded again: a trace someone
/// imported must replay.
enum ImportTargets {
    static let pcscSpy = target(
        "import-pcsc-spy", "pcsc-spy raw logs", { text throws(TraceError) in try TraceImport.pcscSpy(text) })
    static let apdu4j = target(
        "import-apdu4j", "apdu4j dumps", { text throws(TraceError) in try TraceImport.apdu4j(text) })
    static let scriptor = target(
        "import-scriptor", "scriptor scripts and output",
        { text throws(TraceError) in try TraceImport.scriptor(text, acceptMissingResponses: true) })

    private static func target(
        _ name: String, _ what: String, _ importer: @escaping @Sendable (String) throws(TraceError) -> Trace
    ) -> FuzzTarget {
        FuzzTarget(
            name: name,
            summary: "\(what): an import fails with a reason or gives a trace that writes to a file that loads back as "
                + "the same trace (and the same bytes when written again); format detection never traps"
        ) { bytes throws(PropertyViolation) in
            let check = Checker(target: name)
            let text = String(decoding: array(bytes), as: UTF8.self)
            _ = TraceImport.detectFormat(text)
            let trace: Trace
            do throws(TraceError) { trace = try importer(text) } catch {
                try check.expect(!error.reason.isEmpty, "an import error without a reason")
                return
            }
            try TraceTargets.roundTrip(trace, check)
        }
    }
}
