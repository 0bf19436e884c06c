import APDU
import CardLayout
import CardTransport
import SimulatedCard
import Testing

// MARK: - Parsing

@Suite("Fault texts")
struct FaultParsingTests {
    @Test(
        "each fault parses from its text form and prints back the same text",
        arguments: [
            ("remove-after:3", CardFault.removeAfter(3)), ("mute", .muteOn(nil)), ("mute-on:2", .muteOn(2)),
            ("get-response:16", .getResponse(chunk: 16)), ("get-response:256", .getResponse(chunk: 256)),
            ("get-response:1", .getResponse(chunk: 1)), ("wrong-le", .wrongLe),
            ("status-on:3=6F00", .statusOn(3, StatusWord(rawValue: 0x6F00))),
            ("status-on:12=63C1", .statusOn(12, StatusWord(rawValue: 0x63C1))),
            ("status-on:1=0900", .statusOn(1, StatusWord(rawValue: 0x0900))),
            ("slow:2.5", .slow(2.5)), ("reset-after:4", .resetAfter(4)),
        ])
    func roundTrip(text: String, fault: CardFault) throws {
        let parsed = try CardFault(parsing: text)
        #expect(parsed == fault)
        #expect(parsed.description == text)
    }

    @Test("forms with defaults or other spellings parse to the same fault and print in the canonical form")
    func canonicalForms() throws {
        #expect(try CardFault(parsing: "get-response") == .getResponse(chunk: 256))
        #expect(try CardFault(parsing: "status-on:3=6f00") == .statusOn(3, StatusWord(rawValue: 0x6F00)))
        #expect(try CardFault(parsing: "slow:3") == .slow(3))
        // Whatever the text, the printed form reads back to the same fault.
        for text in ["get-response", "status-on:3=6f00", "slow:3", "slow:0.5", "status-on:7=0001"] {
            let fault = try CardFault(parsing: text)
            #expect(try CardFault(parsing: fault.description) == fault, "\(text) → \(fault)")
        }
    }

    @Test(
        "texts that are not faults are refused with FaultParseError naming the text and a reason",
        arguments: [
            "", "explode", "remove-after", "remove-after:", "remove-after:0", "remove-after:x", "remove-after:-2",
            "mute-on", "mute-on:0", "mute:3", "wrong-le:2", "get-response:0", "get-response:257",
            "get-response:abc", "get-response:", "status-on", "status-on:3", "status-on:3=6F", "status-on:0=6F00",
            "status-on:3=ZZZZ", "status-on:3=+FFF", "status-on:3=6F000", "slow", "slow:0", "slow:-1", "slow:nan",
            "slow:inf", "slow:x", "reset-after:0", "reset-after", "REMOVE-AFTER:3",
        ])
    func refused(text: String) {
        do {
            let fault = try CardFault(parsing: text)
            Issue.record("'\(text)' parsed as \(fault)")
        } catch {
            #expect(error.text == text)
            #expect(!error.reason.isEmpty)
            #expect(error.description.contains(text))
            #expect(error.description.contains(error.reason))
        }
    }

    @Test("an unknown fault's reason lists every kind")
    func unknownKindListsKinds() {
        do {
            _ = try CardFault(parsing: "explode:1")
            Issue.record("parsed")
        } catch {
            let kinds = CardFault.names + ["remove-after:N", "get-response", "wrong-le", "late:MS", "deep-certificate"]
            for kind in kinds {
                #expect(error.reason.contains(kind))
            }
        }
    }

    @Test("slow factors multiply and other faults leave the factor at 1")
    func slowFactor() throws {
        let card = try freshCard()
        #expect(FaultyCard(card, faults: []).slowFactor == 1)
        #expect(FaultyCard(card, faults: [.wrongLe, .removeAfter(2)]).slowFactor == 1)
        #expect(FaultyCard(card, faults: [.slow(2), .slow(1.5)]).slowFactor == 3)
    }
}

// MARK: - Behaviour

@Suite("FaultyCard")
struct FaultyCardTests {
    typealias Card = FaultyCard<MyNumberCard>

    static func card(_ faults: [CardFault], profile: CardProfile = .contactless) throws -> Card {
        FaultyCard(try freshCard(profile), faults: faults)
    }

    @Test("without faults it passes every answer through unchanged")
    func transparent() throws {
        var faulty = try Self.card([])
        var plain = try freshCard()
        let commands = [
            Command.selectApplication(Command.jpkiAID), Command.selectFile(0x000A),
            Command.readBinary(offset: 0, le: 256),
            Command.readBinary(offset: 1700, le: 200), [0x00, 0xFF], Command.selectFile(0x0018), Command.verify("0000"),
        ]
        for command in commands {
            let (action, bytes) = exchange(&faulty, command)
            #expect(action == .respond)
            #expect(bytes == plain.rawResponse(command))
        }
        #expect(faulty.commandCount == commands.count)
        #expect(faulty.atr == CardProfile.contactless.atr)
    }

    @Test("remove-after:N answers N commands, then every later one removes the card with no bytes")
    func removeAfter() throws {
        var card = try Self.card([.removeAfter(2)])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)) == (.respond, [0x90, 0x00]))
        #expect(exchange(&card, Command.selectFile(0x000A)) == (.respond, [0x90, 0x00]))
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 4)) == (.remove, []))
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 4)) == (.remove, []))
        // The base card never saw the refused commands.
        #expect(card.base.commandCount == 2)
    }

    @Test("mute-on:N silences only command N; mute silences all")
    func mute() throws {
        var card = try Self.card([.muteOn(2)])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).action == .respond)
        #expect(exchange(&card, Command.selectFile(0x000A)) == (.mute, []))
        #expect(exchange(&card, Command.selectFile(0x000A)) == (.respond, [0x90, 0x00]))
        var muted = try Self.card([.muteOn(nil)])
        for _ in 0..<3 { #expect(exchange(&muted, Command.selectApplication(Command.jpkiAID)) == (.mute, [])) }
    }

    @Test("status-on:N=SW answers command N with SW alone, and the card never sees that command")
    func statusOn() throws {
        var card = try Self.card([.statusOn(3, StatusWord(rawValue: 0x6F00))])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x0018)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.verify("0000")) == (.respond, [0x6F, 0x00]))
        #expect(card.base.tries(.jpkiAuthentication) == 3)
        #expect(exchange(&card, Command.verify("0000")).bytes == [0x63, 0xC2])
    }

    /// Reads with GET RESPONSE until the card has nothing more, returning the data and final SW.
    static func drain(_ card: inout Card, first: [UInt8], chunk: Int) -> (data: [UInt8], sw: UInt16, exchanges: Int) {
        var reply = answer(of: first) ?? Answer(sw: 0)
        var data = reply.data
        var exchanges = 0
        while reply.sw >> 8 == 0x61, exchanges < 1000 {
            let available = Int(reply.sw & 0xFF) == 0 ? 256 : Int(reply.sw & 0xFF)
            #expect(available <= chunk)
            let (action, bytes) = exchange(&card, Command.build(ins: 0xC0, p1: 0, p2: 0, le: available))
            #expect(action == .respond)
            reply = answer(of: bytes) ?? Answer(sw: 0)
            #expect(reply.data.count == available)
            data += reply.data
            exchanges += 1
        }
        return (data, reply.sw, exchanges)
    }

    @Test(
        "get-response:K turns answers with data into 61XX and GET RESPONSE pieces that reassemble with the final SW",
        arguments: [1, 7, 100, 256])
    func getResponse(chunk: Int) throws {
        var card = try Self.card([.getResponse(chunk: chunk)])
        var plain = try freshCard()
        for command in [Command.selectApplication(Command.jpkiAID), Command.selectFile(0x000A)] {
            #expect(exchange(&card, command).bytes == [0x90, 0x00])
            _ = plain.send(command)
        }
        // A whole 256-byte chunk (final 9000), and a short read at the end of the EF (final 6282).
        for read in [Command.readBinary(offset: 0, le: 256), Command.readBinary(offset: 1790, le: 7)] {
            let expected = plain.send(read)
            let first = exchange(&card, read)
            #expect(first.action == .respond)
            #expect(first.bytes.count == 2)
            #expect(first.bytes[0] == 0x61)
            let drained = Self.drain(&card, first: first.bytes, chunk: chunk)
            #expect(drained.data == expected.data)
            #expect(drained.sw == expected.sw)
            #expect(drained.exchanges == (expected.data.count + chunk - 1) / chunk)
        }
        // Answers without data are not touched.
        #expect(exchange(&card, Command.selectFile(0x0018)).bytes == [0x90, 0x00])
    }

    @Test("a command other than GET RESPONSE discards the data a get-response card held back")
    func getResponseDiscardedByOtherCommand() throws {
        var card = try Self.card([.getResponse(chunk: 16)])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x0006)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 32)).bytes == [0x61, 0x10])
        // The reader gives up on the token and selects another file instead.
        #expect(exchange(&card, Command.selectFile(0x000A)).bytes == [0x90, 0x00])
        let stale = exchange(&card, Command.build(ins: 0xC0, p1: 0, p2: 0, le: 16))
        #expect(stale.bytes.count == 2, "GET RESPONSE must not return the abandoned token bytes: \(stale.bytes)")
    }

    @Test("wrong-le answers 6CXX with the data's length, then the data when the command comes again with Le = XX")
    func wrongLe() throws {
        var card = try Self.card([.wrongLe])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x0006)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 256)) == (.respond, [0x6C, 0x20]))
        let resend = exchange(&card, Command.readBinary(offset: 0, le: 0x20))
        let token = Array("JPKIAPICCTOKEN2".utf8) + [UInt8](repeating: 0x20, count: 17)
        #expect(resend == (.respond, token + [0x90, 0x00]))
        // A 256-byte answer is announced as 6C00.
        #expect(exchange(&card, Command.selectFile(0x000A)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 256)).bytes == [0x6C, 0x00])
        let full = exchange(&card, Command.readBinary(offset: 0, le: 256))
        #expect(full.bytes.count == 258)
        #expect(Array(full.bytes.prefix(256)) == Array(SyntheticIdentity.authCertificate.prefix(256)))
        // Commands without Le or without data pass through.
        #expect(exchange(&card, Command.selectFile(0x0018)).bytes == [0x90, 0x00])
    }

    @Test("wrong-le gives a held answer only to the same command sent again, never to a different one")
    func wrongLeHeldAnswerIsForTheSameCommand() throws {
        var card = try Self.card([.wrongLe])
        let token = Array("JPKIAPICCTOKEN2".utf8) + [UInt8](repeating: 0x20, count: 17)
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x0006)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 256)).bytes == [0x6C, 0x20])
        // The reader does not resend; it selects the certificate and reads 32 bytes of it.
        #expect(exchange(&card, Command.selectFile(0x000A)).bytes == [0x90, 0x00])
        let first = exchange(&card, Command.readBinary(offset: 0, le: 0x20))
        #expect(Array(first.bytes.dropLast(2)) != token, "the certificate read got the token's held bytes")
        #expect(first.bytes == [0x6C, 0x20])
        // Same Le, other offset: not the held command either.
        let other = exchange(&card, Command.readBinary(offset: 0x20, le: 0x20))
        #expect(other.bytes == [0x6C, 0x20])
        let resend = exchange(&card, Command.readBinary(offset: 0x20, le: 0x20))
        #expect(resend.bytes == Array(SyntheticIdentity.authCertificate[0x20..<0x40]) + [0x90, 0x00])
    }

    @Test("reset-after:N answers command N, then the card loses its volatile state and leaves (respondThenRemove)")
    func resetAfter() throws {
        var card = try Self.card([.resetAfter(3)])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x0018)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.verify("1234")) == (.respondThenRemove, [0x90, 0x00]))
        // Nothing is selected or verified after the reset.
        #expect(exchange(&card, Command.verify(nil)) == (.respond, [0x69, 0x86]))
        #expect(exchange(&card, Command.selectFile(0x0017)).bytes == [0x6A, 0x82])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x0017)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.computeSignature([UInt8](repeating: 1, count: 51))).bytes == [0x69, 0x82])
        // It happens once, not on every later command.
        #expect(card.commandCount == 8)
    }

    @Test("reset-after:N fires on command N even when another fault shapes that command's answer")
    func resetAfterWithGetResponse() throws {
        var card = try Self.card([.getResponse(chunk: 64), .resetAfter(3)])
        #expect(exchange(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(exchange(&card, Command.selectFile(0x000A)).bytes == [0x90, 0x00])
        let third = exchange(&card, Command.readBinary(offset: 0, le: 256))
        #expect(third.action == .respondThenRemove)
        // The card lost power, so there is nothing left to fetch and no file selected.
        #expect(exchange(&card, Command.build(ins: 0xC0, p1: 0, p2: 0, le: 64)).bytes.count == 2)
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 4)).bytes == [0x69, 0x86])
    }

    @Test("power events drop data held for GET RESPONSE")
    func powerDropsHeldData() throws {
        var card = try Self.card([.getResponse(chunk: 16)])
        _ = exchange(&card, Command.selectApplication(Command.jpkiAID))
        _ = exchange(&card, Command.selectFile(0x0006))
        #expect(exchange(&card, Command.readBinary(offset: 0, le: 32)).bytes == [0x61, 0x10])
        card.reset()
        #expect(exchange(&card, Command.build(ins: 0xC0, p1: 0, p2: 0, le: 16)).bytes.count == 2)
    }
}
