import SimulatedCard
import Testing

/// SELECT and the command-level checks every card must make before it looks at a command.
@Suite("SELECT and command checks")
struct SelectTests {
    @Test("SELECT by AID with P2 0C answers a bare 9000 for every application", arguments: Command.allAIDs)
    func selectEveryApplication(aid: [UInt8]) throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(aid)) == .ok)
    }

    /// The model returns no FCI: the reference only reports that the FCI form gets 9000 on real
    /// cards ([P]), not what the FCI holds, so the model answers 9000 without data rather than
    /// inventing a template.
    @Test("SELECT by AID with P2 00 and Le 00 (FCI form) answers 9000 without FCI data", arguments: Command.allAIDs)
    func selectWithFCIForm(aid: [UInt8]) throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(aid, p2: 0x00, le: 256)) == .ok)
        // And the application really is selected: one of its EFs can be selected afterwards.
        let ef: UInt16 =
            aid == Command.jpkiAID ? 0x000A : aid == Command.textAID ? 0x0011 : aid == Command.visualAID ? 0x0013 : 0
        if ef != 0 { #expect(card.send(Command.selectFile(ef)) == .ok) }
    }

    @Test("SELECT of an unknown AID, or a truncated or extended known AID, answers 6A82")
    func unknownApplication() throws {
        var card = try freshCard()
        let unknown: [UInt8] = [0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10]
        #expect(card.send(Command.selectApplication(unknown)) == .status(0x6A82))
        #expect(card.send(Command.selectApplication(Array(Command.jpkiAID.dropLast()))) == .status(0x6A82))
        #expect(card.send(Command.selectApplication(Command.jpkiAID + [0x00])) == .status(0x6A82))
        // SELECT by AID with no AID at all.
        #expect(try card.send(hex: "00 A4 04 0C") == .status(0x6A82))
    }

    @Test("SELECT EF before any application is selected answers 6A82")
    func selectFileWithoutApplication() throws {
        var card = try freshCard()
        #expect(card.send(Command.selectFile(0x000A)) == .status(0x6A82))
    }

    @Test("SELECT of an EF the application does not hold answers 6A82, and one of another application's EFs too")
    func unknownFile() throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(Command.jpkiAID)) == .ok)
        #expect(card.send(Command.selectFile(0x1234)) == .status(0x6A82))
        // 0011 is the text AP's PIN, not a JPKI file.
        #expect(card.send(Command.selectFile(0x0011)) == .status(0x6A82))
        #expect(card.send(Command.selectApplication(Command.textAID)) == .ok)
        // 000A is the JPKI authentication certificate, not a text-AP file.
        #expect(card.send(Command.selectFile(0x000A)) == .status(0x6A82))
    }

    @Test("a failed SELECT EF keeps the file selected before it")
    func failedSelectKeepsCurrentFile() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0006)
        #expect(card.send(Command.selectFile(0x7777)) == .status(0x6A82))
        let token = card.send(Command.readBinary(offset: 0, le: 32))
        #expect(token.sw == 0x9000)
        #expect(token.data.prefix(15) == Array("JPKIAPICCTOKEN2".utf8)[...])
    }

    @Test("SELECT with a P1 other than 04 or 02 answers 6A86", arguments: [0x00, 0x01, 0x03, 0x08, 0xFF] as [UInt8])
    func wrongP1(p1: UInt8) throws {
        var card = try freshCard()
        #expect(card.send(Command.build(ins: 0xA4, p1: p1, p2: 0x0C, data: Command.jpkiAID)) == .status(0x6A86))
    }

    @Test("SELECT EF with Lc other than 2 answers 6700")
    func wrongLcForSelectFile() throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(Command.jpkiAID)) == .ok)
        #expect(try card.send(hex: "00 A4 02 0C 01 0A") == .status(0x6700))
        #expect(try card.send(hex: "00 A4 02 0C 03 00 00 0A") == .status(0x6700))
        #expect(try card.send(hex: "00 A4 02 0C") == .status(0x6700))
        // Lc that disagrees with the bytes sent is a malformed command: also 6700.
        #expect(try card.send(hex: "00 A4 02 0C 02 00") == .status(0x6700))
        // The same EF with a correct Lc (and an Le) is found.
        #expect(try card.send(hex: "00 A4 02 0C 02 00 0A 00") == .ok)
    }

    @Test(
        "an instruction the card does not know answers 6D00",
        arguments: [0x00, 0x84, 0xCA, 0xD6, 0xE2, 0x24] as [UInt8])
    func unknownInstruction(ins: UInt8) throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(Command.jpkiAID)) == .ok)
        #expect(card.send(Command.build(ins: ins, p1: 0, p2: 0, le: 256)) == .status(0x6D00))
    }

    @Test("a class byte other than 00 or 80 answers 6E00", arguments: [0x01, 0x04, 0x0C, 0x40, 0xA0, 0xFF] as [UInt8])
    func wrongClass(cla: UInt8) throws {
        var card = try freshCard()
        #expect(
            card.send(Command.build(cla: cla, ins: 0xA4, p1: 0x04, p2: 0x0C, data: Command.jpkiAID)) == .status(0x6E00))
        // Nothing was selected by the refused command.
        #expect(card.send(Command.selectFile(0x000A)) == .status(0x6A82))
    }

    @Test("commands shorter than a header answer 6700")
    func tooShort() throws {
        var card = try freshCard()
        for command in [[], [0x00], [0x00, 0xA4], [0x00, 0xA4, 0x04]] as [[UInt8]] {
            #expect(card.send(command) == .status(0x6700))
        }
    }

    @Test("the card counts every command it answers")
    func commandCount() throws {
        var card = try freshCard()
        _ = card.send(Command.selectApplication(Command.jpkiAID))
        _ = card.send([0x00])
        _ = card.send(Command.selectFile(0x9999))
        #expect(card.commandCount == 3)
    }

    @Test("the four built-in card profiles have the names, ATRs and length support the reference describes")
    func profiles() {
        #expect(CardProfile.builtIn.map(\.name) == ["contactless", "contactless-extended", "contact", "contact-short"])
        #expect(
            CardProfile.contactless.atr == [
                0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
            ])
        #expect(CardProfile.contactlessExtended.atr == CardProfile.contactless.atr)
        #expect(!CardProfile.contactless.extendedLength && CardProfile.contactlessExtended.extendedLength)
        #expect(CardProfile.contact.extendedLength && !CardProfile.contactShort.extendedLength)
        #expect(CardProfile.contact.interface == .contact && CardProfile.contactShort.interface == .contact)
        for profile in CardProfile.builtIn {
            #expect(CardProfile.named(profile.name) == profile)
            #expect(profile.atr.first == 0x3B)
            #expect(!profile.summary.isEmpty)
        }
        #expect(CardProfile.named("contactless-fast") == nil)
    }

    @Test("the default PINs follow the card's rules and bad ones are explained")
    func pinRules() {
        #expect(CardPINs().validationProblem() == nil)
        #expect(CardPINs(authentication: "123").validationProblem() != nil)
        #expect(CardPINs(authentication: "12a4").validationProblem() != nil)
        #expect(CardPINs(text: "12345").validationProblem() != nil)
        #expect(CardPINs(signature: "ABC12").validationProblem() != nil)
        #expect(CardPINs(signature: "abc123").validationProblem() != nil)
        #expect(CardPINs(signature: String(repeating: "A", count: 17)).validationProblem() != nil)
        #expect(CardPINs(signature: String(repeating: "Z9", count: 8)).validationProblem() == nil)
    }
}
