import Foundation
import History
import Results
import RunModel
import Testing

@Suite struct IterationCodingTests {
    static let examples: [IterationResult] = {
        var list = Fixture.poolRun().iterations
        // An APDU that starts before the previous one ended (a negative gap), one without a
        // response, a phase not in the labels, a zero-length iteration.
        var odd = Fixture.iteration(9, mode: .cold, total: 12)
        odd.apdus[2].startOffsetNanoseconds = odd.apdus[1].startOffsetNanoseconds
        odd.apdus[3].statusWord = APDUTiming.noStatusWord
        odd.phases.append(PhaseTiming(phase: "一時停止", startOffsetNanoseconds: 0, durationNanoseconds: 0))
        list.append(odd)
        list.append(
            IterationResult(
                reader: 3, index: 1 << 40, mode: .warm, warmup: true, startOffsetNanoseconds: .max, totalNanoseconds: 0,
                phases: [], apdus: []))
        return list
    }()

    @Test("every iteration decodes back to exactly what was encoded")
    func roundTrip() throws {
        for iteration in Self.examples {
            let row = IterationCoding.encode(iteration, labels: Fixture.labels)
            let decoded = try IterationCoding.decode(row, labels: Fixture.labels)
            #expect(decoded == iteration)
        }
    }

    @Test("an iteration's record is under a fifth of its JSON line")
    func compact() throws {
        let iteration = Fixture.iteration(1)
        let record = IterationCoding.encode(iteration, labels: Fixture.labels).record
        let json = try JSONEncoder().encode(iteration)
        #expect(record.count * 5 < json.count)
    }

    @Test("every prefix of a record is refused, never misread")
    func dripFed() throws {
        for iteration in Self.examples {
            let row = IterationCoding.encode(iteration, labels: Fixture.labels)
            for length in 0..<row.record.count {
                var cut = row
                cut.record = Array(row.record.prefix(length))
                #expect(throws: HistoryError(.badRecord, "")) {
                    try IterationCoding.decode(cut, labels: Fixture.labels)
                }
            }
        }
    }

    @Test("trailing bytes, an unknown version, an unknown mode and a phase outside the labels are refused")
    func malformed() throws {
        let row = IterationCoding.encode(Fixture.iteration(2), labels: Fixture.labels)
        var trailing = row
        trailing.record.append(0)
        var version = row
        version.record[0] = 9
        var mode = row
        mode.mode = 2
        var okColumn = row
        okColumn.ok = false
        for bad in [trailing, version, mode, okColumn] {
            #expect(throws: HistoryError(.badRecord, "")) { try IterationCoding.decode(bad, labels: Fixture.labels) }
        }
        let fewer = SampleLabels(phases: ["connect"], apduKinds: Fixture.labels.apduKinds, steps: Fixture.labels.steps)
        #expect(throws: HistoryError(.badRecord, "")) { try IterationCoding.decode(row, labels: fewer) }
    }
}
