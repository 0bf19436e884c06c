import RunModel
import CardTransport
import Measurement
import ReadPath
import SimulatedCard
import Simulator
import Testing

/// The hostile faults in-process: each ends the iteration with a classified failure that names
/// what the card did, and the engine stays usable for the next iteration. (EndToEndTests runs the
/// same faults through pcscd and vpcd.)
@Suite("Hostile cards in-process")
struct HostileCardTests {
    @Test(
        "answers that break the transport rules fail the iteration as protocol violations at the read",
        arguments: [
            (CardFault.longAnswer, "with 20 data bytes; its Le asked for at most 4"),
            (.hugeAnswer, "more than the 65536 an APDU can carry"),
            (.endless61XX, "kept answering 61XX after 512 GET RESPONSE"),
            (.wrongLeLoop, "again after the resend with Le 5"),
            (.emptyAnswer, "with 0 bytes; a response needs SW1 SW2"),
            (.oneByteStatus, "with 1 byte; a response needs SW1 SW2"),
        ])
    func protocolViolations(fault: CardFault, message: String) throws {
        var engine = try makeEngine(.visual, faults: [fault], pin: nil)
        for _ in 0..<2 {
            let outcome = engine.runIteration(powerAfter: .leave)
            let failure = try #require(outcome)
            #expect(failure.cause == .protocolViolation, "\(failure)")
            #expect(failure.step == "READ certificate")
            #expect(failure.message.contains(message), "\(failure.message)")
            #expect(failure.stopsRun == nil)
            #expect(failure.apduIndex == engine.recorder.apdus.count - 1)
        }
    }

    @Test("an ATR whose format byte lies about its length fails the check after an otherwise good iteration")
    func lyingATR() throws {
        var engine = try makeEngine(.visual, faults: [.lyingATR], pin: nil)
        #expect(engine.runIteration(powerAfter: .leave) == nil)
        let checked = engine.checkResults()
        let failure = try #require(checked)
        #expect(failure.cause == .checkFailed && failure.step == "connect")
        #expect(failure.message.contains("answer to reset is malformed: T0 declares 15 historical byte(s)"))
    }

    @Test("a certificate nested 10,000 deep is refused by size when read in chunks")
    func deepCertificateChunked() throws {
        var engine = try makeEngine(.visual, faults: [.deepCertificate], pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.cause == .checkFailed && failure.step == "READ certificate")
        #expect(failure.message.contains("more than READ BINARY can address with header 4, chunks exact"))
    }

    @Test(
        "a certificate nested 10,000 deep, read whole with one extended READ BINARY, fails the DER check at the depth limit"
    )
    func deepCertificateExtended() throws {
        var engine = try makeEngine(
            .visual, strategy: ReadStrategy(chunking: .extended), card: .contact, faults: [.deepCertificate], pin: nil)
        #expect(engine.runIteration(powerAfter: .leave) == nil)
        #expect(engine.objectBytes == CardFault.deepCertificateContent)
        let checked = engine.checkResults()
        let failure = try #require(checked)
        #expect(failure.cause == .checkFailed)
        #expect(failure.message.contains("nesting is deeper than the limit of 32 levels"), "\(failure.message)")
    }

    @Test("a signature shorter than the key's is named with both lengths")
    func shortSignature() throws {
        var engine = try makeEngine(.pin, faults: [.signatureLength(255)])
        #expect(engine.runIteration(powerAfter: .leave) == nil)
        let checked = engine.checkResults()
        let failure = try #require(checked)
        #expect(failure.cause == .checkFailed && failure.step == "COMPUTE DIGITAL SIGNATURE")
        #expect(
            failure.message.contains(
                "the signature is 255 bytes; the certificate's 2048-bit key makes 256-byte signatures"))
    }

    @Test("a signature longer than Le 256 is a protocol violation at the sign step")
    func longSignature() throws {
        var engine = try makeEngine(.pin, faults: [.signatureLength(300)])
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.cause == .protocolViolation && failure.step == "COMPUTE DIGITAL SIGNATURE")
    }

    @Test("an answer after the timeout fails the iteration as a timeout, and the run may go on")
    func lateAnswer() throws {
        let configuration = SimulatorConfiguration(faults: [.late(milliseconds: 30)])
        var engine = ReadPathEngine(channel: try makeInProcessChannel(configuration), scenario: .visual)
        engine.exchangeTimeoutNanoseconds = 10_000_000
        for _ in 0..<2 {
            let outcome = engine.runIteration(powerAfter: .leave)
            let failure = try #require(outcome)
            #expect(failure.cause == .timeout && failure.stopsRun == nil)
            #expect(failure.step == "SELECT jpki AP")
            #expect(failure.message.contains("past the 10 ms timeout"))
        }
    }
}
