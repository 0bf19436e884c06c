import RunModel
import CardIdentity
import Foundation
import Measurement
import Results
import Testing

@Suite("Result model coding")
struct ModelCodingTests {
    @Test("a header with a simulated card survives a JSON round trip")
    func headerRoundTrip() throws {
        let card = CardInfo(
            source: .simulatedVPCD, measures: "round trips through pcscd to a simulated card; card time is modelled",
            simulated: SimulationInfo(
                cardProfile: "mynumber-2020", timingProfile: "typical", imitates: "My Number Card"))
        let header = Fixture.header(card: card)
        #expect(try roundTrip(header) == header)
        #expect(header.format == "readerbench-result" && header.version == 2)
    }

    @Test("every iteration field, a failure included, survives a JSON round trip")
    func iterationRoundTrip() throws {
        let failure = Failure(cause: .statusWord, step: "verify", apdu: 5, message: "VERIFY answered 63C2")
        let iteration = Fixture.iteration(7, mode: .cold, warmup: true, failure: failure)
        #expect(try roundTrip(iteration) == iteration)
        #expect(try roundTrip(Fixture.iteration(8)) == Fixture.iteration(8))
    }

    @Test("an APDU row is written as an array of seven integers in the documented order")
    func apduRowIsAnArray() throws {
        let row = APDUTiming(
            step: 3, kind: 1, phase: 1, startOffsetNanoseconds: 4_000, durationNanoseconds: 900_000, statusWord: 0x9000,
            roundTrips: 2)
        let text = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        #expect(text == "[3,1,1,4000,900000,36864,2]")
        #expect(try roundTrip(row) == row)
        let noResponse = APDUTiming(
            step: 0, kind: 0, phase: 0, startOffsetNanoseconds: 0, durationNanoseconds: 5, statusWord: -1, roundTrips: 1
        )
        #expect(try roundTrip(noResponse) == noResponse)
        #expect(!noResponse.hasResponse)
    }

    @Test("APDU rows of the wrong length or with an impossible status word are rejected")
    func malformedRowsAreRejected() {
        for text in ["[1,2,3,4,5,6]", "[1,2,3,4,5,6,7,8]", "[]", "[0,0,0,0,0,65536,1]", "[0,0,0,0,0,-2,1]"] {
            #expect(throws: DecodingError.self, "\(text)") {
                try JSONDecoder().decode(APDUTiming.self, from: Data(text.utf8))
            }
        }
    }

    @Test("an iteration whose ok flag disagrees with its failure is rejected")
    func okMustMatchFailure() throws {
        let encoded = try JSONEncoder().encode(Fixture.iteration(1))
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object["ok"] = false
        let tampered = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IterationResult.self, from: tampered) }
    }

    @Test("the wire names are the documented ones")
    func wireNames() throws {
        let causes = Failure.Cause.allCases.map(\.rawValue)
        // Version 1 knew the first five of each; version 2 added the rest.
        #expect(
            causes == [
                "pcsc", "status-word", "check-failed", "timeout", "cancelled", "card-removed", "reader-gone",
                "service-gone", "protocol-violation", "replay-mismatch",
            ])
        let reasons = RunSummary.StopReason.allCases.map(\.rawValue)
        #expect(
            reasons == [
                "completed", "interrupted", "pin-stopped", "timeout", "error", "reader-gone", "card-not-returned",
            ])
        #expect(ReadStrategy.Chunking.blocks256.rawValue == "256")
        let sources: [CardInfo.Source] = [.pcsc, .simulatedVPCD, .simulatedInProcess, .virtualReader, .trace]
        #expect(sources.map(\.rawValue) == ["pcsc", "simulated-vpcd", "simulated-in-process", "vpcd", "trace"])
        let strategy = String(
            decoding: try JSONEncoder().encode(ReadStrategy(headerLength: .seven, chunking: .exact)), as: UTF8.self)
        #expect(strategy.contains("\"headerLength\":7"))
    }

    @Test("a run summary with both modes survives a JSON round trip")
    func summaryRoundTrip() throws {
        var aggregator = RunAggregator(labels: Fixture.labels)
        for index in 0..<10 {
            aggregator.add(
                Fixture.iteration(index, mode: index % 2 == 0 ? .warm : .cold, total: UInt64(index + 1) * 1_000_000))
        }
        aggregator.add(Fixture.iteration(10, failure: Failure(cause: .timeout, message: "over 5 s")))
        let summary = aggregator.summary(stopReason: .interrupted, note: "stopped by the user")
        #expect(try roundTrip(summary) == summary)
        #expect(summary.readers.first?[.cold]?.iterations == 5)
    }

    @Test("the environment survives a JSON round trip, absent fields included")
    func environmentRoundTrip() throws {
        let environment = Environment(os: nil, kernel: "6.1.0-28-amd64", machine: "aarch64", cpu: nil, cpuCount: 4)
        #expect(try roundTrip(environment) == environment)
    }
}
