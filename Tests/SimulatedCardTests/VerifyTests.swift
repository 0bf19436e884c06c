import CardLayout
import CardTransport
import SimulatedCard
import Testing

/// VERIFY, try counters and the security state's lifetime.
@Suite("VERIFY and try counters")
struct VerifyTests {
    /// A card with the JPKI AP and the authentication PIN EF selected.
    static func cardAtAuthPIN() throws -> MyNumberCard {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0018)
        return card
    }

    @Test("the right authentication PIN answers 9000 and the retry query then answers 9000")
    func rightPIN() throws {
        var card = try Self.cardAtAuthPIN()
        #expect(card.send(Command.verify(nil)) == .status(0x63C3))
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.verify(nil)) == .ok)
        #expect(card.tries(.jpkiAuthentication) == 3)
    }

    @Test("wrong PINs count down 63C2, 63C1, 63C0; then even the right PIN answers 6984")
    func wrongPINsBlock() throws {
        var card = try Self.cardAtAuthPIN()
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        #expect(card.send(Command.verify(nil)) == .status(0x63C2))
        #expect(card.send(Command.verify("9999")) == .status(0x63C1))
        #expect(card.send(Command.verify("1235")) == .status(0x63C0))
        #expect(card.tries(.jpkiAuthentication) == 0)
        #expect(card.send(Command.verify("1234")) == .status(0x6984))
        #expect(card.send(Command.verify("0000")) == .status(0x6984))
        #expect(card.send(Command.verify(nil)) == .status(0x63C0))
        // Blocked means nothing was verified: the key stays closed.
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(card.send(Command.computeSignature([UInt8](repeating: 1, count: 51))) == .status(0x6982))
    }

    @Test("a PIN of the wrong length counts as a wrong PIN")
    func wrongLengthPIN() throws {
        var card = try Self.cardAtAuthPIN()
        #expect(card.send(Command.verify("12345")) == .status(0x63C2))
        #expect(card.send(Command.verify("123")) == .status(0x63C1))
    }

    @Test("the right PIN restores the full count after wrong tries")
    func rightPINResetsCounter() throws {
        var card = try Self.cardAtAuthPIN()
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.tries(.jpkiAuthentication) == 3)
        // A wrong PIN after a right one drops the verified state.
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        #expect(card.send(Command.verify(nil)) == .status(0x63C2))
    }

    @Test("re-selecting the JPKI AP clears the verified state but not the try counter")
    func reselectClears() throws {
        var card = try Self.cardAtAuthPIN()
        #expect(card.send(Command.verify("1234")) == .ok)
        // Selecting another EF of the same AP keeps it: the key can be used.
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(card.send(Command.computeSignature([UInt8](repeating: 1, count: 51))).sw == 0x9000)
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify(nil)) == .status(0x63C3))
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(card.send(Command.computeSignature([UInt8](repeating: 1, count: 51))) == .status(0x6982))

        #expect(card.send(Command.selectFile(0x0018)) == .ok)
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify(nil)) == .status(0x63C2))
    }

    @Test("power off, power on and reset clear the selection and the verified state")
    func powerClears() throws {
        for event in ["off", "on", "reset"] {
            var card = try Self.cardAtAuthPIN()
            #expect(card.send(Command.verify("1234")) == .ok)
            #expect(card.send(Command.selectFile(0x0017)) == .ok)
            switch event {
            case "off":
                card.powerOff()
                card.powerOn()
            case "on": card.powerOn()
            default: card.reset()
            }
            // Nothing is selected any more: no current file for the key to come from.
            #expect(
                card.send(Command.computeSignature([UInt8](repeating: 1, count: 51))) == .status(0x6986), "\(event)")
            #expect(card.send(Command.selectFile(0x0017)) == .status(0x6A82), "\(event): no application selected")
            // clearVolatileState is what they share.
            var other = try Self.cardAtAuthPIN()
            #expect(other.send(Command.verify("1234")) == .ok)
            other.clearVolatileState()
            #expect(other.send(Command.verify(nil)) == .status(0x6986))
        }
    }

    @Test("try counters survive power cycles")
    func triesSurvivePower() throws {
        var card = try Self.cardAtAuthPIN()
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        card.powerOff()
        card.powerOn()
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify(nil)) == .status(0x63C2))
        #expect(card.send(Command.verify("0000")) == .status(0x63C1))
        #expect(card.send(Command.verify("0000")) == .status(0x63C0))
        card.reset()
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .status(0x6984))
        #expect(card.tries(.jpkiAuthentication) == 0)
    }

    @Test("the signature PIN counts 5 tries and blocks on the fifth wrong one")
    func signaturePINFiveTries() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x001B)
        #expect(card.send(Command.verify(nil)) == .status(0x63C5))
        for left in (0...4).reversed() {
            #expect(card.send(Command.verify("WRONG1")) == .status(0x63C0 | UInt16(left)))
        }
        #expect(card.send(Command.verify("ABC123")) == .status(0x6984))
        #expect(card.tries(.jpkiSignature) == 0)
        // The authentication PIN is a separate counter.
        #expect(card.tries(.jpkiAuthentication) == 3)
    }

    @Test("the signature PIN is case-sensitive ASCII as sent")
    func signaturePINExact() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x001B)
        #expect(card.send(Command.verify("abc123")) == .status(0x63C4))
        #expect(card.send(Command.verify("ABC123")) == .ok)
    }

    @Test("setTries starts a card from a given count, clamped to 0…maximum")
    func setTries() throws {
        var card = try Self.cardAtAuthPIN()
        card.setTries(.jpkiAuthentication, 1)
        #expect(card.send(Command.verify(nil)) == .status(0x63C1))
        #expect(card.send(Command.verify("0000")) == .status(0x63C0))
        card.setTries(.jpkiAuthentication, 99)
        #expect(card.tries(.jpkiAuthentication) == 3)
        card.setTries(.jpkiSignature, 99)
        #expect(card.tries(.jpkiSignature) == 5)
        card.setTries(.text, -4)
        #expect(card.tries(.text) == 0)
    }

    @Test("custom PINs given to the card are the ones it checks")
    func customPINs() throws {
        var card = try MyNumberCard(pins: CardPINs(authentication: "4321", text: "8765", signature: "ZZZ999"))
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .status(0x63C2))
        #expect(card.send(Command.verify("4321")) == .ok)
        card.open(Command.jpkiAID, 0x001B)
        #expect(card.send(Command.verify("ZZZ999")) == .ok)
        card.open(Command.textAID, 0x0011)
        #expect(card.send(Command.verify("8765")) == .ok)
    }

    @Test("VERIFY without a PIN EF selected answers 6986 and with wrong P1/P2 6A86")
    func verifyRefusals() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x000A)
        #expect(card.send(Command.verify("1234")) == .status(0x6986))
        #expect(card.send(Command.selectFile(0x0018)) == .ok)
        #expect(card.send(Command.build(ins: 0x20, p1: 0x00, p2: 0x81, data: Array("1234".utf8))) == .status(0x6A86))
        #expect(card.send(Command.build(ins: 0x20, p1: 0x01, p2: 0x80, data: Array("1234".utf8))) == .status(0x6A86))
        // Refused commands cost no try.
        #expect(card.tries(.jpkiAuthentication) == 3)
    }
}
