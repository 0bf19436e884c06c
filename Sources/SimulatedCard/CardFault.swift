import APDU
import CardTransport

/// A misbehaviour the simulated card can be told to show, so the harness and the PC/SC layer can
/// be tested against what real cards and readers do on a bad day.
///
/// Written on the command line as `--fault KIND[:ARG]`; commands are counted from 1 on each
/// served card.
public enum CardFault: Sendable, Hashable, CustomStringConvertible {
    /// `remove-after:N`: the card answers N commands, then leaves the field on the next.
    case removeAfter(Int)
    /// `remove-every:N`: every Nth command since the card was last put back, the card leaves the
    /// field mid-exchange (put back by the simulator after its reinsertion delay): a clerk who
    /// lifts the card again and again.
    case removeEvery(Int)
    /// `leave-every:N`: after answering every Nth command since the card was last put back, the
    /// card leaves the field (and is put back after the simulator's reinsertion delay): a clerk
    /// tapping the card once per check, for tap trials.
    case leaveEvery(Int)
    /// `mute-on:N`: command N gets no answer (the reader times out); `mute` mutes every command.
    case muteOn(Int?)
    /// `get-response[:K]`: answers carrying data come back as `61XX`, to be fetched with GET
    /// RESPONSE in pieces of at most K bytes (default 256).
    case getResponse(chunk: Int)
    /// `wrong-le`: every answer carrying data comes first as `6CXX` (XX = its length), as a
    /// T=0 card answers a missing or wrong Le; the command sent again with Le = XX gets the data.
    case wrongLe
    /// `status-on:N=SW`: command N is answered with status word SW and no data.
    case statusOn(Int, StatusWord)
    /// `slow:F`: the timing profile's delays are multiplied by F (applied by the timing model).
    case slow(Double)
    /// `reset-after:N`: after answering command N the card loses power (its volatile state is
    /// gone) and leaves the field; the reader sees the card removed and inserted again.
    case resetAfter(Int)

    // MARK: Hostile cards
    // A card is input the harness does not control. These break the rules on purpose; each must
    // end the iteration with a classified failure, never crash, hang or bloat the harness. Unless
    // said otherwise they shape only answers that carry data (READ BINARY, the signature), so an
    // iteration gets past its SELECTs and fails where it reads.

    /// `long-answer`: 16 data bytes more than the command's Le asked for.
    case longAnswer
    /// `huge-answer`: an answer that never ends: Le bytes and `61 00`, then 256 bytes and `61 00`
    /// for every GET RESPONSE, past the 65,538 bytes (65,536 data bytes and SW1 SW2) an answer
    /// may have.
    case hugeAnswer
    /// `endless-61xx`: `61 10`, and `61 10` again with no data for every GET RESPONSE.
    case endless61XX
    /// `wrong-le-loop`: `6CXX`, and for the resend with Le XX another `6CXX` with another length,
    /// forever.
    case wrongLeLoop
    /// `empty-answer`: an answer of zero bytes (behind vpcd the server closes the link, which
    /// pcscd passes on as a transmit that returned no bytes, and the card comes back at once).
    case emptyAnswer
    /// `one-byte-sw`: the answer is SW1 alone, one byte.
    case oneByteStatus
    /// `lying-atr`: the ATR's format byte T0 announces 15 historical bytes, but only 5 bytes
    /// follow the interface bytes. pcscd accepts it (TD2 offers T=1); ReaderBench must not.
    case lyingATR
    /// `deep-certificate`: the JPKI certificate EFs hold a SEQUENCE nested 10,000 levels deep
    /// (about 40 KB; read it whole with `--chunks extended` on a card that takes extended APDUs).
    case deepCertificate
    /// `signature-length:N`: COMPUTE DIGITAL SIGNATURE answers N bytes (0…65,533) instead of the
    /// key's 256.
    case signatureLength(Int)
    /// `late:MS`: every answer leaves MS milliseconds late (applied by the timing model, like
    /// `slow`): with `--timeout` below MS the card answers after the timeout.
    case late(milliseconds: Int)

    /// Reads `KIND[:ARG]`.
    ///
    /// Every argument is checked: a fault that takes none refuses one (`mute:3` is not read as
    /// `mute`), and a number that does not parse is an error, never a default.
    public init(parsing text: String) throws(FaultParseError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let kind = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1] : nil
        func count(_ s: String?) throws(FaultParseError) -> Int {
            guard let s, let n = Int(s), n >= 1 else { throw FaultParseError(text: text, reason: "needs a command number ≥ 1") }
            return n
        }
        func none() throws(FaultParseError) {
            if argument != nil { throw FaultParseError(text: text, reason: "\(kind) takes no argument") }
        }
        switch kind {
        case "remove-after": self = .removeAfter(try count(argument))
        case "remove-every": self = .removeEvery(try count(argument))
        case "leave-every": self = .leaveEvery(try count(argument))
        case "mute":
            try none()
            self = .muteOn(nil)
        case "mute-on": self = .muteOn(try count(argument))
        case "get-response":
            let chunk: Int
            if let argument {
                guard let k = Int(argument), (1...256).contains(k) else {
                    throw FaultParseError(text: text, reason: "chunk must be a number 1…256")
                }
                chunk = k
            } else {
                chunk = 256
            }
            self = .getResponse(chunk: chunk)
        case "wrong-le":
            try none()
            self = .wrongLe
        case "status-on":
            let pieces = (argument ?? "").split(separator: "=", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2, let n = Int(pieces[0]), n >= 1, pieces[1].utf8.count == 4,
                pieces[1].utf8.allSatisfy({ Self.isHexDigit($0) }), let raw = UInt16(pieces[1], radix: 16)
            else { throw FaultParseError(text: text, reason: "write it as status-on:N=SW, e.g. status-on:3=6F00") }
            self = .statusOn(n, StatusWord(rawValue: raw))
        case "slow":
            guard let factor = argument.flatMap({ Double($0) }), factor > 0, factor.isFinite else {
                throw FaultParseError(text: text, reason: "needs a positive, finite factor, e.g. slow:3")
            }
            self = .slow(factor)
        case "reset-after": self = .resetAfter(try count(argument))
        case "long-answer":
            try none()
            self = .longAnswer
        case "huge-answer":
            try none()
            self = .hugeAnswer
        case "endless-61xx":
            try none()
            self = .endless61XX
        case "wrong-le-loop":
            try none()
            self = .wrongLeLoop
        case "empty-answer":
            try none()
            self = .emptyAnswer
        case "one-byte-sw":
            try none()
            self = .oneByteStatus
        case "lying-atr":
            try none()
            self = .lyingATR
        case "deep-certificate":
            try none()
            self = .deepCertificate
        case "signature-length":
            guard let argument, let n = Int(argument), (0...HostileAnswers.maximumDataCount).contains(n) else {
                throw FaultParseError(text: text, reason: "needs a byte count 0…\(HostileAnswers.maximumDataCount)")
            }
            self = .signatureLength(n)
        case "late":
            guard let argument, let ms = Int(argument), (1...3_600_000).contains(ms) else {
                throw FaultParseError(text: text, reason: "needs milliseconds 1…3600000, e.g. late:1500")
            }
            self = .late(milliseconds: ms)
        default:
            throw FaultParseError(text: text, reason: "unknown fault; one of " + Self.names.joined(separator: ", "))
        }
    }

    /// Every fault's command-line form, for help and error messages.
    public static let names = [
        "remove-after:N", "remove-every:N", "leave-every:N", "mute", "mute-on:N", "get-response[:K]", "wrong-le",
        "status-on:N=SW", "slow:F",
        "reset-after:N", "long-answer", "huge-answer", "endless-61xx", "wrong-le-loop", "empty-answer", "one-byte-sw",
        "lying-atr", "deep-certificate", "signature-length:N", "late:MS",
    ]

    /// Always four digits, so the printed form reads back: `0900` must not print as `900`.
    private static func fourHexDigits(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    public var description: String {
        switch self {
        case .removeAfter(let n): "remove-after:\(n)"
        case .removeEvery(let n): "remove-every:\(n)"
        case .leaveEvery(let n): "leave-every:\(n)"
        case .muteOn(let n): n.map { "mute-on:\($0)" } ?? "mute"
        case .getResponse(let chunk): "get-response:\(chunk)"
        case .wrongLe: "wrong-le"
        case .statusOn(let n, let sw): "status-on:\(n)=\(Self.fourHexDigits(sw.rawValue))"
        case .slow(let factor): "slow:\(factor)"
        case .resetAfter(let n): "reset-after:\(n)"
        case .longAnswer: "long-answer"
        case .hugeAnswer: "huge-answer"
        case .endless61XX: "endless-61xx"
        case .wrongLeLoop: "wrong-le-loop"
        case .emptyAnswer: "empty-answer"
        case .oneByteStatus: "one-byte-sw"
        case .lyingATR: "lying-atr"
        case .deepCertificate: "deep-certificate"
        case .signatureLength(let n): "signature-length:\(n)"
        case .late(let ms): "late:\(ms)"
        }
    }
}

/// Why a `--fault` could not be read.
public struct FaultParseError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "--fault \(text): \(reason)" }
}

/// Wraps any card and applies faults to its answers. Without faults it adds nothing but a
/// counter, so the simulator can always serve a `FaultyCard`.
public struct FaultyCard<Base: VirtualCard & Sendable>: VirtualCard, Sendable {
    public var base: Base
    public let faults: [CardFault]
    /// Commands received since the card was made (1-based numbering of faults uses this).
    public private(set) var commandCount = 0
    /// Commands received since the card last left the field (`remove-every` counts these).
    private var sinceInsertion = 0
    private var pending: [UInt8] = []
    private var pendingStatus = StatusWord.success
    private var heldForWrongLe: [UInt8]? = nil
    /// CLA INS P1 P2 of the command whose answer `heldForWrongLe` holds.
    private var heldHeader: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    private var scratch: [UInt8]
    /// What the hostile faults remember between commands.
    private var hostile = HostileAnswers()

    public init(_ base: Base, faults: [CardFault]) {
        self.base = base
        self.faults = faults
        scratch = [UInt8](repeating: 0, count: 65538)
    }

    public var atr: [UInt8] { faults.contains(.lyingATR) ? HostileAnswers.lyingATR : base.atr }
    public mutating func powerOn() { dropTransportState(); base.powerOn() }
    public mutating func powerOff() { dropTransportState(); base.powerOff() }
    public mutating func reset() { dropTransportState(); base.reset() }

    private mutating func dropTransportState() {
        pending.removeAll()
        heldForWrongLe = nil
        hostile.reset()
    }

    public mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        commandCount += 1
        sinceInsertion += 1
        let n = commandCount
        let action = deliver(command, n, &response)
        if action == .remove { sinceInsertion = 0 }
        // reset-after:N follows command N's answer whichever fault shaped that answer (a 61XX or
        // 6CXX too); the card's and the transport's volatile state are both gone.
        if action == .respond, let limit = resetAfter, n == limit {
            powerOff()
            return .respondThenRemove
        }
        if action == .respond, let period = leaveEvery, sinceInsertion >= period {
            sinceInsertion = 0
            powerOff()
            return .respondThenRemove
        }
        return action
    }

    private var leaveEvery: Int? {
        faults.lazy.compactMap { if case .leaveEvery(let c) = $0 { c } else { nil } }.first
    }

    private var resetAfter: Int? {
        faults.lazy.compactMap { if case .resetAfter(let c) = $0 { c } else { nil } }.first
    }

    private mutating func deliver(_ command: Span<UInt8>, _ n: Int, _ response: inout OutputSpan<UInt8>) -> CardAction {
        // Data held for GET RESPONSE or for a resend after 6CXX is for the very next command
        // only (ISO/IEC 7816-4); any other command discards it, so take it out now.
        var waiting: [UInt8] = []
        swap(&waiting, &pending)
        let held = heldForWrongLe
        heldForWrongLe = nil

        for fault in faults {
            switch fault {
            case .removeAfter(let limit) where n > limit: return .remove
            case .removeEvery(let period) where sinceInsertion >= period: return .remove
            case .muteOn(let which) where which == nil || which == n: return .mute
            case .statusOn(let which, let sw) where which == n:
                response.append(sw)
                return .respond
            default: continue
            }
        }
        hostile.observe(command)
        if let action = hostile.answerBeforeBase(command, faults: faults, into: &response) { return action }
        let getResponseChunk = faults.lazy.compactMap { if case .getResponse(let c) = $0 { c } else { nil } }.first
        let wrongLe = faults.contains(.wrongLe)

        // GET RESPONSE for data held back by the get-response fault.
        if let chunk = getResponseChunk, command.count >= 4, command[1] == 0xC0, !waiting.isEmpty {
            let le = command.count >= 5 ? (command[4] == 0 ? 256 : Int(command[4])) : 256
            let count = min(le, chunk, waiting.count)
            response.append(bytes: waiting.span.extracting(0..<count))
            waiting.removeFirst(count)
            pending = waiting
            response.append(pending.isEmpty ? pendingStatus : .bytesAvailable(min(pending.count, chunk)))
            return .respond
        }

        // The command's Le, when it has one.
        let le: Int? = (try? CommandView(command))?.expectedLength

        // The resend with the Le the card asked for, of the same command (same CLA INS P1 P2):
        // answer with what was held. A different command is not a resend and gets its own answer.
        if wrongLe, let held, let le, le == held.count - 2, command.count >= 4,
            command[0] == heldHeader.0, command[1] == heldHeader.1, command[2] == heldHeader.2,
            command[3] == heldHeader.3
        {
            response.append(bytes: held.span)
            return .respond
        }

        // Let the base card answer into scratch, then decide how to deliver it.
        var produced = 0
        var action = CardAction.respond
        scratch.withUnsafeMutableBufferPointer { buffer in
            var out = OutputSpan<UInt8>(buffer: buffer, initializedCount: 0)
            action = base.respond(to: command, into: &out)
            produced = out.finalize(for: buffer)
        }
        guard action == .respond || action == .respondThenRemove, produced >= 2 else {
            response.append(bytes: scratch.span.extracting(0..<produced))
            return action
        }
        var state = hostile
        let hostileAction = state.reshape(
            command, answer: scratch.span.extracting(0..<produced), faults: faults, into: &response)
        hostile = state
        if let hostileAction { return hostileAction }
        let dataCount = produced - 2
        let status = StatusWord(sw1: scratch[produced - 2], sw2: scratch[produced - 1])

        if wrongLe, le != nil, dataCount > 0, dataCount <= 256 {
            // le != nil: the command parsed, so it has a 4-byte header.
            heldForWrongLe = Array(scratch[0..<produced])
            heldHeader = (command[0], command[1], command[2], command[3])
            response.append(.wrongExpectedLength(exact: dataCount))
            return .respond
        }
        if let chunk = getResponseChunk, dataCount > 0 {
            pending = Array(scratch[0..<dataCount])
            pendingStatus = status
            response.append(.bytesAvailable(min(dataCount, chunk)))
            return .respond
        }
        response.append(bytes: scratch.span.extracting(0..<produced))
        return action
    }

    /// The slow-card factor the faults ask for (1 when none).
    public var slowFactor: Double {
        faults.reduce(1) { factor, fault in if case .slow(let f) = fault { factor * f } else { factor } }
    }
}
