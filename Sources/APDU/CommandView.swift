/// A received command APDU, read in place: the card side (the simulator, trace matching) uses it
/// to see header, data and Le without copying.
///
/// Decoding follows ISO/IEC 7816-4 §5.1: the size of the command decides between the cases, and
/// a size that fits none of them is an error, never a guess.
public struct CommandView: ~Escapable {
    public let header: APDUHeader
    /// The command data (empty for cases 1 and 2).
    public let data: Span<UInt8>
    /// Le decoded (`00` short means 256, `00 00` extended means 65536), or nil when absent.
    public let expectedLength: Int?
    /// Whether Lc/Le used the extended form.
    public let isExtended: Bool

    /// Reads a command; throws when its length fields disagree with its size.
    @_lifetime(copy bytes)
    public init(_ bytes: Span<UInt8>) throws(APDUError) {
        let n = bytes.count
        guard n >= 4 else { throw .commandTooShort(count: n) }
        header = APDUHeader(cla: bytes[0], ins: bytes[1], p1: bytes[2], p2: bytes[3])
        if n == 4 {  // case 1
            data = bytes.extracting(4..<4)
            expectedLength = nil
            isExtended = false
            return
        }
        let b4 = Int(bytes[4])
        if n == 5 {  // case 2 short
            data = bytes.extracting(5..<5)
            expectedLength = b4 == 0 ? 256 : b4
            isExtended = false
            return
        }
        if b4 != 0 {  // cases 3 and 4 short
            let lc = b4
            if n == 5 + lc {
                data = bytes.extracting(5..<n)
                expectedLength = nil
            } else if n == 6 + lc {
                data = bytes.extracting(5..<(n - 1))
                let le = Int(bytes[n - 1])
                expectedLength = le == 0 ? 256 : le
            } else {
                throw .malformedCommand(count: n, reason: "short Lc \(lc) needs \(5 + lc) or \(6 + lc) bytes")
            }
            isExtended = false
            return
        }
        // b4 == 0 and more than five bytes: extended.
        guard n >= 7 else { throw .malformedCommand(count: n, reason: "extended length field is truncated") }
        isExtended = true
        let value = Int(bytes[5]) << 8 | Int(bytes[6])
        if n == 7 {  // case 2 extended
            data = bytes.extracting(7..<7)
            expectedLength = value == 0 ? 65536 : value
            return
        }
        let lc = value
        guard lc > 0 else { throw .malformedCommand(count: n, reason: "extended Lc is zero") }
        if n == 7 + lc {
            data = bytes.extracting(7..<n)
            expectedLength = nil
        } else if n == 9 + lc {
            data = bytes.extracting(7..<(n - 2))
            let le = Int(bytes[n - 2]) << 8 | Int(bytes[n - 1])
            expectedLength = le == 0 ? 65536 : le
        } else {
            throw .malformedCommand(count: n, reason: "extended Lc \(lc) needs \(7 + lc) or \(9 + lc) bytes")
        }
    }

    /// ISO/IEC 7816-4 case number (1–4).
    public var caseNumber: Int {
        switch (data.isEmpty, expectedLength == nil) {
        case (true, true): return 1
        case (true, false): return 2
        case (false, true): return 3
        case (false, false): return 4
        }
    }

    /// Whether the chaining bit is set: more segments follow.
    public var isChained: Bool { header.cla & 0x10 != 0 }
}
