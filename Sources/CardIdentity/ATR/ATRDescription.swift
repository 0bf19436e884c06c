import HexCoding

/// An ATR decoded into the facts a person comparing readers cares about, ready to print or to
/// store in a result file.
public struct ATRDescription: Sendable, Hashable, Codable {
    /// The ATR in spaced hex.
    public var hex: String
    /// "contact" or "contactless (ISO 14443 Type B)" and so on.
    public var interface: String
    /// Protocols offered, e.g. ["T=1"].
    public var protocols: [String]
    /// Contact: Fi/Di ("default 372/1", "Fi=372 Di=4 f(max)=5 MHz").
    public var rate: String?
    /// Contact T=1: IFSC.
    public var ifsc: Int?
    /// Contactless Type B: bit rates both ways, e.g. ["106", "212", "424"] kbit/s.
    public var bitRatesKbps: [Int]?
    /// Contactless Type B: the card's largest frame (FSC).
    public var frameSize: Int?
    /// Contactless Type B: frame waiting time in milliseconds.
    public var frameWaitingTimeMilliseconds: Double?
    /// Historical bytes in spaced hex.
    public var historicalBytes: String
    /// "valid", "not expected (T=0 only)", "invalid (…)" or "missing".
    public var checkCharacter: String
    /// Set when the ATR could not be parsed; the other fields are then mostly empty.
    public var problem: String?

    /// Decodes `bytes`; never throws: a bad ATR is described, with the problem named.
    public init(_ bytes: [UInt8]) {
        hex = Hex.encode(bytes, style: .spaced)
        protocols = []
        historicalBytes = ""
        checkCharacter = ""
        interface = "unknown"
        let atr: ATR
        do { atr = try ATR(bytes: bytes) } catch {
            problem = error.description
            return
        }
        historicalBytes = Hex.encode(atr.historicalBytes, style: .spaced)
        switch atr.checkCharacter {
        case .notExpected: checkCharacter = "not expected (T=0 only)"
        case .valid: checkCharacter = "valid"
        case .invalid(let found, let expected):
            checkCharacter = "invalid (found \(Hex.encode([found])), expected \(Hex.encode([expected])))"
        case .missing(let expected): checkCharacter = "missing (expected \(Hex.encode([expected])))"
        }
        if let contactless = atr.contactless {
            protocols = ["T=1"]
            switch contactless.card {
            case .typeB(let typeB):
                interface = "contactless (ISO 14443 Type B)"
                bitRatesKbps = typeB.bitRates.symmetricRates.map(\.rawValue)
                frameSize = typeB.maximumFrameSize
                frameWaitingTimeMilliseconds = typeB.frameWaitingTimeSeconds.map { ($0 * 1_000_000).rounded() / 1000 }
            case .iso14443TypeA:
                interface = "contactless (ISO 14443 Type A)"
            case .storage:
                interface = "contactless (storage card)"
            }
        } else {
            interface = "contact"
            protocols = atr.offeredProtocols.map(\.description)
            rate = atr.rateAdjustment.description
            ifsc = atr.t1Parameters?.informationFieldSize
        }
    }

    /// Lines for a terminal.
    public var lines: [String] {
        if let problem { return ["ATR \(hex)", "  cannot decode: \(problem)"] }
        var lines = ["ATR \(hex)", "  \(interface), \(protocols.joined(separator: ", "))"]
        if let rate { lines.append("  rate \(rate)" + (ifsc.map { ", IFSC \($0)" } ?? "")) }
        if let bitRatesKbps {
            lines.append(
                "  bit rates \(bitRatesKbps.map(String.init).joined(separator: "/")) kbit/s"
                    + (frameSize.map { ", FSC \($0)" } ?? "")
                    + (frameWaitingTimeMilliseconds.map { ", FWT \($0) ms" } ?? ""))
        }
        lines.append("  historical bytes \(historicalBytes.isEmpty ? "none" : historicalBytes); TCK \(checkCharacter)")
        return lines
    }
}
