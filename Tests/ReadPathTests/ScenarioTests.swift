import RunModel
import APDU
import CardLayout
import CardTransport
import Measurement
import ReadPath
import SimulatedCard
import Testing

@Suite("Scenarios against the simulated card in-process")
struct ScenarioTests {
    @Test("the PIN path runs every step, and its token, certificate and signature all check out")
    func pinPathSucceeds() throws {
        var engine = try makeEngine(.pin)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let checked = engine.checkResults()
        #expect(checked == nil)
        // 1571-byte certificate: a 4-byte header, then 6 × 256 + 31 bytes.
        #expect(engine.objectBytes.count == 1571)
        #expect(engine.signature.count == 256)
        #expect(
            engine.kinds == [
                .selectApplication, .selectFile, .readToken, .selectFile, .queryRetries, .verify, .selectFile,
                .computeSignature, .selectFile, .readHeader, .readChunk, .readChunk, .readChunk, .readChunk, .readChunk,
                .readChunk, .readChunk,
            ])
    }

    @Test("the visual path reads only the certificate, without any VERIFY")
    func visualPathNeedsNoPIN() throws {
        var engine = try makeEngine(.visual, pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let checked = engine.checkResults()
        #expect(checked == nil)
        #expect(!engine.kinds.contains(.verify) && !engine.kinds.contains(.queryRetries))
    }

    @Test("the text path verifies the text PIN and decodes the four fields")
    func textPathSucceeds() throws {
        var engine = try makeEngine(.text)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let checked = engine.checkResults()
        #expect(checked == nil)
        #expect(engine.objectBytes.starts(with: [0xFF, 0x20]))
    }

    @Test("phases come in order, do not overlap, and add up to the iteration within the clock reads between them")
    func phasesAreContiguous() throws {
        var engine = try makeEngine(.pin)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let phases = engine.recorder.phases
        #expect(
            phases.map(\.phase)
                == [Phase.connect, .select, .verifyPIN, .sign, .readCertificate, .disconnect].map(\.rawValue))
        for (earlier, later) in zip(phases, phases.dropFirst()) {
            #expect(earlier.endNanoseconds <= later.startNanoseconds)
        }
        let total = phases.last!.endNanoseconds - phases.first!.startNanoseconds
        let sum = phases.reduce(UInt64(0)) { $0 + $1.durationNanoseconds }
        #expect(sum <= total)
        // Between phases there are only clock reads and bookkeeping: well under 50 µs in all.
        #expect(total - sum < 50_000)
        // Every APDU lies inside its phase.
        for apdu in engine.recorder.apdus {
            let phase = try #require(phases.first { $0.phase == apdu.phase })
            #expect(phase.startNanoseconds <= apdu.startNanoseconds && apdu.endNanoseconds <= phase.endNanoseconds)
        }
    }

    @Test(
        "iterations repeat: the engine reuses its storage and the card stays usable",
        arguments: [PowerAction.leave, .unpower])
    func iterationsRepeat(power: PowerAction) throws {
        var engine = try makeEngine(.pin)
        for _ in 0..<5 {
            let outcome = engine.runIteration(powerAfter: power)
            #expect(outcome == nil)
            let checked = engine.checkResults()
            #expect(checked == nil)
        }
        #expect(engine.transport.channel.card.base.tries(.jpkiAuthentication) == 3)
    }
}

@Suite("Read strategies")
struct ReadStrategyTests {
    @Test(
        "every header length and chunking reads the whole certificate",
        arguments: [ReadStrategy.HeaderLength.four, .seven], [ReadStrategy.Chunking.blocks256, .exact])
    func shortStrategies(header: ReadStrategy.HeaderLength, chunking: ReadStrategy.Chunking) throws {
        var engine = try makeEngine(.visual, strategy: ReadStrategy(headerLength: header, chunking: chunking), pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let checked = engine.checkResults()
        #expect(checked == nil)
        #expect(engine.objectBytes.count == 1571)
        let reads = engine.recorder.apdus.filter { $0.kind == APDUKind.readChunk.rawValue }
        // 1571 − header bytes in chunks of 256.
        #expect(reads.count == (1571 - header.rawValue + 255) / 256)
    }

    @Test("one extended-length read fetches the rest on a card that takes extended APDUs")
    func extendedRead() throws {
        var engine = try makeEngine(
            .visual, strategy: ReadStrategy(headerLength: .four, chunking: .extended), card: .contactlessExtended,
            pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let checked = engine.checkResults()
        #expect(checked == nil)
        #expect(engine.kinds.filter { $0 == .readChunk }.count == 1)
    }

    @Test("an extended read on a short-only card fails with the card's 6700, named in the failure")
    func extendedReadOnShortCard() throws {
        var engine = try makeEngine(.visual, strategy: ReadStrategy(headerLength: .four, chunking: .extended), pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.cause == .statusWord)
        #expect(failure.message.contains("6700"))
        #expect(failure.stopsRun == nil)
    }

    @Test("GET RESPONSE and wrong-Le transport rules are followed and counted as extra round trips")
    func transportFaults() throws {
        for fault in [CardFault.getResponse(chunk: 100), .wrongLe] {
            var engine = try makeEngine(.pin, faults: [fault])
            let outcome = engine.runIteration(powerAfter: .leave)
            #expect(outcome == nil, "\(fault)")
            let checked = engine.checkResults()
            #expect(checked == nil, "\(fault)")
            #expect(engine.recorder.apdus.contains { $0.roundTrips > 1 }, "\(fault)")
        }
    }
}

@Suite("PIN safety")
struct PINSafetyTests {
    @Test("a wrong PIN stops the run after one VERIFY and says how many tries are left")
    func wrongPINStops() throws {
        var engine = try makeEngine(.pin, pin: "9999")
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.stopsRun == .pinStopped)
        #expect(failure.message.contains("2 tries left"))
        #expect(engine.kinds.filter { $0 == .verify }.count == 1)
        #expect(engine.transport.channel.card.base.tries(.jpkiAuthentication) == 2)
        #expect(!failure.message.contains("9999"))
    }

    @Test("below the floor, VERIFY is never sent and the card keeps its tries")
    func floorRefuses() throws {
        var engine = try makeEngine(.pin, tries: 2)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.stopsRun == .pinStopped)
        #expect(failure.message.contains("2 tries left") && failure.message.contains("floor of 3"))
        #expect(!engine.kinds.contains(.verify))
        #expect(engine.transport.channel.card.base.tries(.jpkiAuthentication) == 2)
    }

    @Test("a lowered floor lets a card with fewer tries be verified, and a right PIN restores them")
    func loweredFloorAllows() throws {
        var engine = try makeEngine(.pin, pinFloor: 2, tries: 2)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        #expect(engine.transport.channel.card.base.tries(.jpkiAuthentication) == 3)
    }

    @Test("a blocked PIN is reported and left alone")
    func blockedPIN() throws {
        var engine = try makeEngine(.text, pinFloor: 0, tries: 0)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.stopsRun == .pinStopped)
        #expect(!engine.kinds.contains(.verify))
    }

    @Test("without a PIN the run stops before VERIFY")
    func missingPIN() throws {
        var engine = try makeEngine(.pin, pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.stopsRun == .pinStopped)
        #expect(!engine.kinds.contains(.verify))
    }

    @Test("the PIN's description never shows the PIN")
    func secretPINHidesItself() {
        let pin = SecretPIN(Array("1234".utf8))
        #expect("\(pin)" == "<PIN redacted>" && String(reflecting: pin) == "<PIN redacted>")
    }
}

@Suite("Checks and failures")
struct CheckTests {
    @Test("a signature that does not match the certificate's key fails the check")
    func signatureMismatch() throws {
        var identity = CardIdentityMaterial.synthetic
        identity.authenticationKeyPKCS8 = identity.signatureKeyPKCS8
        var engine = try makeEngine(.pin, identity: identity)
        let outcome = engine.runIteration(powerAfter: .leave)
        #expect(outcome == nil)
        let checked = engine.checkResults()
        let failure = try #require(checked)
        #expect(failure.cause == .checkFailed && failure.message.contains("does not verify"))
    }

    @Test("a mute card fails the iteration as a timeout that stops the run")
    func muteCardTimesOut() throws {
        var engine = try makeEngine(.visual, faults: [.muteOn(2)], pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.cause == .timeout && failure.stopsRun == .timeout)
    }

    @Test("an unexpected status word fails the iteration, names the step, and the next iteration runs")
    func unexpectedStatusWord() throws {
        var engine = try makeEngine(.visual, faults: [.statusOn(2, .noPreciseDiagnosis)], pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.cause == .statusWord && failure.step == "SELECT EF 000A" && failure.message.contains("6F00"))
        let next = engine.runIteration(powerAfter: .leave)
        #expect(next == nil)
    }

    @Test("a card that leaves mid-read fails the iteration as card-removed, and the run may go on")
    func cardRemoved() throws {
        var engine = try makeEngine(.visual, faults: [.removeAfter(3)], pin: nil)
        let outcome = engine.runIteration(powerAfter: .leave)
        let failure = try #require(outcome)
        #expect(failure.cause == .cardRemoved && failure.message.contains("removed"))
        #expect(failure.stopsRun == nil)
    }
}
