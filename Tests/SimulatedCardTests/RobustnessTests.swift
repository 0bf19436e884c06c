import SimulatedCard
import Testing

/// The card must answer anything a reader can send: never trap, always end with SW1 SW2, and never
/// attach data to an error.
@Suite("Robustness")
struct RobustnessTests {
    /// Checks one answer's shape; returns a problem or nil.
    static func problem(with bytes: [UInt8]) -> String? {
        guard bytes.count >= 2 else { return "\(bytes.count) bytes, no status word" }
        guard bytes.count <= responseCapacity else { return "\(bytes.count) bytes, more than the buffer" }
        let sw1 = bytes[bytes.count - 2]
        let isError = (0x64...0x6F).contains(sw1) || sw1 == 0x63
        if isError && bytes.count != 2 { return "error SW \(sw1) with \(bytes.count - 2) data bytes" }
        guard sw1 == 0x90 || sw1 == 0x62 || sw1 == 0x63 || (0x64...0x6F).contains(sw1) else {
            return "SW1 \(sw1) is not a status ISO/IEC 7816-4 allows"
        }
        return nil
    }

    /// Valid commands of every kind the model handles, short and extended.
    static let validCommands: [[UInt8]] = [
        Command.selectApplication(Command.jpkiAID), Command.selectApplication(Command.textAID, p2: 0x00, le: 256),
        Command.selectFile(0x000A), Command.readBinary(offset: 0, le: 256), Command.readBinary(offset: 0x0100, le: 7),
        Command.readBinary(offset: 0, le: 1571, extended: true), Command.verify("1234"), Command.verify(nil),
        Command.computeSignature([UInt8](repeating: 0x30, count: 51)),
        Command.build(ins: 0xB2, p1: 0x01, p2: 0x0C, le: 256),
        Command.build(
            cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80, data: [UInt8](repeating: 0x30, count: 51), le: 65536,
            extended: true),
    ]

    @Test("every prefix of a valid command gets a well-formed answer on every profile", arguments: CardProfile.builtIn)
    func everyPrefix(profile: CardProfile) throws {
        var card = try freshCard(profile)
        // Put the card in a state where reads, PINs and keys are reachable.
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        for command in Self.validCommands {
            for length in 0...command.count {
                let bytes = card.rawResponse(Array(command.prefix(length)))
                if let problem = Self.problem(with: bytes) {
                    Issue.record("prefix \(length) of \(command.prefix(8))…: \(problem)")
                }
                if length < 4 { #expect(bytes == [0x67, 0x00], "prefix \(length) shorter than a header") }
            }
        }
    }

    @Test(
        "seeded random byte strings never crash the card and always get a well-formed answer",
        arguments: CardProfile.builtIn)
    func randomBytes(profile: CardProfile) throws {
        var generator = SeededGenerator(seed: 0x5EED_0000 &+ UInt64(profile.name.utf8.count))
        var card = try freshCard(profile)
        let instructions: [UInt8] = [0xA4, 0xB0, 0x20, 0x2A, 0xB2, 0xC0, 0x84]
        var problems = 0
        for round in 0..<20_000 {
            var command: [UInt8]
            switch round % 4 {
            case 0:
                // Pure noise of any short length.
                let count = Int.random(in: 0...300, using: &generator)
                command = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1:
                // A plausible header with a random body, so the deeper handlers see odd input.
                let cla: UInt8 = Bool.random(using: &generator) ? 0x00 : 0x80
                let ins = instructions.randomElement(using: &generator)!
                let count = Int.random(in: 0...270, using: &generator)
                command = [
                    cla, ins, UInt8.random(in: 0...255, using: &generator),
                    UInt8.random(in: 0...255, using: &generator),
                ]
                command += (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 2:
                // A valid command with one byte flipped.
                command = Self.validCommands.randomElement(using: &generator)!
                let index = Int.random(in: 0..<command.count, using: &generator)
                command[index] ^= UInt8.random(in: 1...255, using: &generator)
            default:
                // Well-formed commands with random parameters, to walk the card through states.
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: command = Command.selectApplication(Command.allAIDs.randomElement(using: &generator)!)
                case 1: command = Command.selectFile(UInt16.random(in: 0...0x20, using: &generator))
                case 2:
                    command = Command.readBinary(
                        offset: Int.random(in: 0...0x7FFF, using: &generator),
                        le: Int.random(in: 1...256, using: &generator),
                        extended: Bool.random(using: &generator))
                case 3:
                    command = Command.verify(
                        Bool.random(using: &generator) ? nil : String(Int.random(in: 0...9999, using: &generator)))
                default:
                    command = Command.computeSignature(
                        (0..<51).map { _ in UInt8.random(in: 0...255, using: &generator) })
                }
            }
            let bytes = card.rawResponse(command)
            if let problem = Self.problem(with: bytes) {
                problems += 1
                if problems <= 5 { Issue.record("round \(round), command \(command.prefix(12))…: \(problem)") }
            }
            if round % 997 == 0 {
                card.powerOff()
                card.powerOn()
            }
        }
        #expect(problems == 0)
        #expect(card.commandCount == 20_000)
    }

    @Test("chained commands (CLA bit 5) are refused with 6884 and change nothing")
    func chainingRefused() throws {
        var card = try freshCard()
        let chained = Command.build(cla: 0x10, ins: 0xA4, p1: 0x04, p2: 0x0C, data: Command.jpkiAID)
        #expect(card.send(chained) == .status(0x6884))
        #expect(card.send(Command.selectFile(0x000A)) == .status(0x6A82))
    }
}
