import RunModel
import Foundation
import Results
import Testing

@Suite("CSV samples")
struct CSVSampleWriterTests {
    @Test("the file starts with the header line and has one row per APDU with names resolved")
    func rowsAndHeader() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("samples.csv")
        let writer = try CSVSampleWriter(path: path, labels: Fixture.labels)
        try writer.append(Fixture.iteration(0, warmup: true))
        var failed = Fixture.iteration(
            1, mode: .cold, failure: Failure(cause: .pcsc, step: "read-rest", apdu: 3, message: "removed"))
        failed.apdus.removeLast(4)
        failed.apdus[3].statusWord = APDUTiming.noStatusWord
        try writer.append(failed)
        try writer.close()

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == CSVSampleWriter.header)
        #expect(lines.count == 1 + 8 + 4 + 1)  // header, rows, and the empty string after the last line break
        #expect(lines.last == "")
        #expect(lines[1] == "0,0,warm,true,select-jpki,SELECT,select,0,1000000,9000,1,true")
        #expect(lines[4] == "0,0,warm,true,read-rest,READ BINARY,read-certificate,6000000,1000000,9000,2,true")
        #expect(lines[12] == "0,1,cold,false,read-rest,READ BINARY,read-certificate,6000000,1000000,,2,false")
        #expect(
            lines.dropFirst().dropLast().allSatisfy {
                $0.split(separator: ",", omittingEmptySubsequences: false).count == 12
            })
    }

    @Test("names holding commas or quotes are quoted, and status words keep four hex digits")
    func quoting() {
        let labels = SampleLabels(phases: ["p"], apduKinds: ["GET \"DATA\""], steps: ["a,b"])
        let row = APDUTiming(
            step: 0, kind: 0, phase: 0, startOffsetNanoseconds: 1, durationNanoseconds: 2, statusWord: 0x0123,
            roundTrips: 1)
        let iteration = IterationResult(
            index: 4, mode: .warm, warmup: false, startOffsetNanoseconds: 0, totalNanoseconds: 2, phases: [],
            apdus: [row])
        #expect(
            CSVSampleWriter.row(row, of: iteration, labels: labels)
                == "0,4,warm,false,\"a,b\",\"GET \"\"DATA\"\"\",p,1,2,0123,1,true")
    }

    @Test("an existing CSV file is not overwritten unless asked")
    func refusesToOverwrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("samples.csv")
        _ = try CSVSampleWriter(path: path, labels: Fixture.labels)
        let error = #expect(throws: ResultsError.self) { try CSVSampleWriter(path: path, labels: Fixture.labels) }
        #expect(error?.code == .alreadyExists)
        _ = try CSVSampleWriter(path: path, labels: Fixture.labels, replacingExisting: true)
    }
}
