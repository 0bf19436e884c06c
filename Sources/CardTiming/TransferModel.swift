/// How long the bytes of one exchange take to cross the reader–card link.
///
/// Contactless (ISO/IEC 14443-4 Type B): each byte is 10 etu (start, 8 data bits, stop) plus the
/// extra guard time; an etu is 1/bit rate. An APDU travels in I-blocks of at most FSC bytes, of
/// which 3 are the block's PCB and CRC; every block after the first is acknowledged by an R-block
/// (3 bytes) the other way. Each block also pays a fixed overhead (SOF, EOF, TR0/TR1 turnaround).
///
/// Contact (ISO/IEC 7816-3 T=1): each character is 10 etu plus the guard time (12 etu with
/// TC1 = 0, 11 with TC1 = 255); etu = F / (D × f). Blocks carry at most IFSC information bytes
/// plus a 3-byte prologue and a 1-byte LRC.
///
/// Both add `exchangeOverheadMicroseconds` once per command for the reader itself (USB frames,
/// firmware): full-speed USB works in 1 ms frames, so 1–5 ms per round trip is typical
/// (`../shared/reference/limits.md`).
public struct TransferModel: Codable, Sendable, Hashable {
    public enum Link: String, Codable, Sendable {
        case contactless
        case contact
    }

    public var link: Link
    /// Contactless: the bit rate in kbit/s (106, 212, 424, 848).
    public var bitRateKbps: Double?
    /// Contact: clock rate conversion F, bit rate adjustment D and clock in MHz.
    public var fi: Double?
    public var di: Double?
    public var clockMHz: Double?
    /// Bits per character including guard time (contactless 10 + EGT ≈ 10; contact 11 or 12).
    public var bitsPerCharacter: Double
    /// Largest block (FSC for contactless, IFSC + 4 for contact), in bytes.
    public var frameSize: Int
    /// Fixed time per block on the link (SOF/EOF, turnaround, block waiting), in microseconds.
    public var perFrameOverheadMicroseconds: Double
    /// Fixed time per exchange for the reader (USB, firmware), in microseconds.
    public var exchangeOverheadMicroseconds: Double

    public init(
        link: Link, bitRateKbps: Double? = nil, fi: Double? = nil, di: Double? = nil, clockMHz: Double? = nil,
        bitsPerCharacter: Double, frameSize: Int, perFrameOverheadMicroseconds: Double,
        exchangeOverheadMicroseconds: Double
    ) {
        self.link = link
        self.bitRateKbps = bitRateKbps
        self.fi = fi
        self.di = di
        self.clockMHz = clockMHz
        self.bitsPerCharacter = bitsPerCharacter
        self.frameSize = frameSize
        self.perFrameOverheadMicroseconds = perFrameOverheadMicroseconds
        self.exchangeOverheadMicroseconds = exchangeOverheadMicroseconds
    }

    /// Bits per second on the link.
    public var bitsPerSecond: Double {
        switch link {
        case .contactless: return (bitRateKbps ?? 106) * 1000
        case .contact:
            let f = fi ?? 372, d = di ?? 1, clock = (clockMHz ?? 4) * 1_000_000
            return clock * d / f
        }
    }

    /// Protocol bytes per block around the information field (PCB + CRC for Type B; NAD, PCB,
    /// LEN and LRC for T=1).
    var blockOverheadBytes: Int { link == .contactless ? 3 : 4 }

    /// Microseconds to move a command of `commandCount` bytes and a response of `responseCount`
    /// bytes.
    public func microseconds(commandCount: Int, responseCount: Int) -> Double {
        let payloadPerBlock = max(1, frameSize - blockOverheadBytes)
        func blocks(_ n: Int) -> Int { max(1, (n + payloadPerBlock - 1) / payloadPerBlock) }
        let commandBlocks = blocks(commandCount)
        let responseBlocks = blocks(responseCount)
        // Every block after the first in either direction is acknowledged by a 3-byte R-block.
        let acknowledgements = (commandBlocks - 1) + (responseBlocks - 1)
        let bytesOnLink =
            commandCount + responseCount
            + (commandBlocks + responseBlocks) * blockOverheadBytes + acknowledgements * 3
        let blocksTotal = commandBlocks + responseBlocks + acknowledgements
        let seconds = Double(bytesOnLink) * bitsPerCharacter / bitsPerSecond
        return seconds * 1_000_000 + Double(blocksTotal) * perFrameOverheadMicroseconds + exchangeOverheadMicroseconds
    }

    func validationProblem() -> String? {
        // Finite too: F = 0 on a contact link would make the bit rate infinite and the link free.
        if !(bitsPerSecond > 0 && bitsPerSecond.isFinite) { return "the link's bit rate must be positive and finite" }
        if frameSize < blockOverheadBytes + 1 { return "frameSize \(frameSize) leaves no room for data" }
        if perFrameOverheadMicroseconds < 0 || exchangeOverheadMicroseconds < 0 { return "negative link overheads" }
        if !(bitsPerCharacter > 0) { return "bitsPerCharacter must be positive" }
        return nil
    }
}
