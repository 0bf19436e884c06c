import Testing
import Traces

/// Inputs the fuzzer found (Fuzz/Regressions/import-*): imports that trapped, or that gave a
/// trace the loader then refused. An import either fails with its line or yields a trace that can
/// be written and loaded back.
@Suite("Imports of hostile logs")
struct ImportFindingsTests {
    /// Writes `trace` and loads it again.
    static func reloads(_ trace: Trace) throws -> Trace {
        var writer = TraceWriter(header: trace.header)
        try writer.write(trace)
        return try Trace(parsing: writer.writtenBytes)
    }

    @Test("pcsc-spy timestamps far apart are refused at their line instead of overflowing into nanoseconds")
    func pcscSpyFarTimestamps() throws {
        func log(entry: String, exit: String, second: String = "1") -> String {
            """
            1@>|\(entry)|0|SCardTransmit
            1@0x01
            1@0x04
            1@00 A4 04 0C
            1@0x02
            1@90 00
            1@<|\(exit)|0|SCardTransmit|0x00000000
            1@>|\(second)|0|SCardTransmit
            1@0x01
            1@0x05
            1@00 B0 00 00 00
            1@0x02
            1@90 00
            1@<|\(second)|5|SCardTransmit|0x00000000

            """
        }
        #expect(try TraceImport.pcscSpy(log(entry: "1", exit: "1")).exchangeCount == 2)
        // An exit 2^40 seconds after its entry: a duration of ~10^21 ns did not fit 64 bits.
        let long = #expect(throws: TraceError.self) { try TraceImport.pcscSpy(log(entry: "1", exit: "1099511627775")) }
        #expect(long?.code == .outOfRange && long?.line == 7)
        // A call 2^40 seconds after the first: its time did not fit either.
        let late = #expect(throws: TraceError.self) {
            try TraceImport.pcscSpy(log(entry: "1", exit: "1", second: "1099511627775"))
        }
        #expect(late?.code == .outOfRange && late?.line == 14)
    }

    @Test("an apdu4j timing comment of 19 digits is refused at its line instead of overflowing into nanoseconds")
    func apdu4jHugeDuration() throws {
        let error = #expect(throws: TraceError.self) {
            try TraceImport.apdu4j("00A4040C\n# 1209999999999999ms\n9000\n")
        }
        #expect(error?.code == .outOfRange && error?.line == 2)
        let hour = try TraceImport.apdu4j("00A4040C\n# 3600000ms\n9000\n")
        #expect(try Self.reloads(hour).events[0].duration == 3_600_000_000_000)
    }

    @Test("an apdu4j ATR longer than 33 bytes is refused at its line, not written into an unloadable trace")
    func apdu4jLongATR() throws {
        let dump = "# ATR: " + String(repeating: "3B", count: 37) + "\n00A4040C\n# 1ms\n9000\n"
        let error = #expect(throws: TraceError.self) { try TraceImport.apdu4j(dump) }
        #expect(error?.code == .importFormat && error?.line == 1)
        let fine = try TraceImport.apdu4j("# ATR: " + String(repeating: "3B", count: 33) + "\n00A4040C\n# 1ms\n9000\n")
        #expect(try Self.reloads(fine).header.atr.count == 33)
    }
}
