import CardTransport
import PCSC
import RigSupport
import VPCD

// MARK: - Cards the PC/SC tests serve

/// Answers READ BINARY (`00 B0 P1 P2 Le`, Le ≥ 2) with Le bytes that name the command: P1 P2
/// first, then the low byte of offset+2, offset+3, …, and `9000`. Every offset gets a different
/// answer, so a response delivered to the wrong command, or truncated, shows.
///
/// On the command numbered `removeOnCommand` (from 1) it leaves the field without answering
/// (`CardAction.remove`), as a card pulled from the reader mid-command.
struct OffsetEchoCard: VirtualCard, Sendable {
    var atr: [UInt8] = ScriptedCard.myNumberCardContactlessATR
    var removeOnCommand: Int?
    private(set) var commandCount = 0

    init(removeOnCommand: Int? = nil) {
        self.removeOnCommand = removeOnCommand
    }

    /// The response data the card gives to READ BINARY at `offset` for `length` bytes.
    static func expectedData(offset: Int, length: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: offset >> 8), UInt8(truncatingIfNeeded: offset)]
            + (2..<max(2, length)).map { UInt8(truncatingIfNeeded: offset + $0) }
    }

    mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        commandCount += 1
        if commandCount == removeOnCommand { return .remove }
        guard command.count == 5, command[0] == 0x00, command[1] == 0xB0, command[4] >= 2 else {
            response.append(0x6D)
            response.append(0x00)
            return .respond
        }
        let offset = Int(command[2]) << 8 | Int(command[3])
        response.append(command[2])
        response.append(command[3])
        for index in 2..<Int(command[4]) { response.append(UInt8(truncatingIfNeeded: offset + index)) }
        response.append(0x90)
        response.append(0x00)
        return .respond
    }
}

// MARK: - Serving a card for one test

/// A card served in-process on a vpcd slot for one test, with the reader's name and a way to end it.
struct ServedCard<Card: VirtualCard & Sendable> {
    let reader: String
    let thread: VPCDCardThread<Card>

    /// Serves `card` on `slot` (after checking that pcscd lists the reader and that the slot is empty)
    /// and waits until PC/SC reports it present.
    init(_ card: Card, slot: Int) throws {
        reader = Rig.readers[slot]
        try Rig.requireReader(reader)
        // A card the previous test served here may still count as present until pcscd's next presence
        // poll; connecting then would reach the old card's closed link.
        let context = try PCSCContext()
        guard try ReaderWatch.waitUntil(reader, present: false, context: context) else {
            throw Rig.Unavailable(description: "\(reader) still holds a card from someone else; the slot is not free")
        }
        let configuration = VPCDServerConfiguration(endpoint: .slot(slot), giveUpConnectingAfter: .seconds(5))
        thread = try VPCDCardThread(card: card, configuration: configuration)
        guard try ReaderWatch.waitUntil(reader, present: true, context: context) else {
            thread.stop()
            let outcome = thread.join().outcome
            throw Rig.Unavailable(description: "the served card never showed up in \(reader) (server: \(outcome))")
        }
    }

    /// Takes the card out of the reader and gives back what the server left.
    @discardableResult
    func remove() -> VPCDCardThread<Card>.Result {
        thread.stop()
        return thread.join()
    }
}

// MARK: - Watching readers through PC/SC

enum ReaderWatch {
    /// Waits with `SCardGetStatusChange` until `reader` reports a card present (or absent);
    /// false when that did not happen within `limit`. vpcd polls presence every 400 ms.
    static func waitUntil(
        _ reader: String, present: Bool, context: borrowing PCSCContext, limit: Duration = .seconds(5)
    ) throws(PCSCError) -> Bool {
        var states = [ReaderState(name: reader)]
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var timeout = Duration.zero
        while true {
            if try context.waitForChange(&states, timeout: timeout) {
                if states[0].eventState.contains(.present) == present { return true }
                states[0].acknowledge()
            }
            let remaining = deadline - clock.now
            if remaining <= .zero { return false }
            timeout = remaining
        }
    }
}

/// What a `Result` holds, or nil; for comparing outcomes in `#expect`.
extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
