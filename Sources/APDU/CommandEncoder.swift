/// Encodes command APDUs (ISO/IEC 7816-4 §5.1, cases 1 to 4, short and extended) into storage
/// the caller owns.
///
/// Nothing here allocates: the measured read path encodes every command into one reusable
/// buffer, so encoding must cost no more than copying the bytes.
///
/// | case | data | Le  | short form                 | extended form                     |
/// |------|------|-----|----------------------------|-----------------------------------|
/// | 1    | no   | no  | `CLA INS P1 P2`            | (same)                            |
/// | 2    | no   | yes | `… Le` (256 → `00`)        | `… 00 Le1 Le2` (65536 → `00 00`)  |
/// | 3    | yes  | no  | `… Lc data`                | `… 00 Lc1 Lc2 data`               |
/// | 4    | yes  | yes | `… Lc data Le`             | `… 00 Lc1 Lc2 data Le1 Le2`       |
public enum CommandEncoder {
    /// The most a command can take: header, extended Lc, 65535 data bytes and extended Le.
    public static let maximumEncodedCount = 4 + 3 + 65535 + 2

    /// Whether a command with this much data and this Le is encoded in the extended form.
    @inlinable @inline(__always)
    public static func usesExtendedForm(
        dataCount: Int, expectedLength le: Int?, form: LengthForm
    ) throws(APDUError) -> Bool {
        if dataCount > 65535 { try APDUError.reject(.dataTooLong(count: dataCount)) }
        if let le, le < 1 || le > 65536 { try APDUError.reject(.expectedLengthOutOfRange(le)) }
        let fitsShort = dataCount <= 255 && (le ?? 0) <= 256
        switch form {
        case .automatic: return !fitsShort
        case .short:
            if !fitsShort { try APDUError.reject(.shortFormCannotCarry(dataCount: dataCount, expectedLength: le)) }
            return false
        case .extended: return dataCount > 0 || le != nil
        }
    }

    /// The number of bytes `encode` writes for such a command.
    @inlinable
    public static func encodedCount(
        dataCount: Int, expectedLength le: Int?, form: LengthForm = .automatic
    ) throws(APDUError) -> Int {
        let extended = try usesExtendedForm(dataCount: dataCount, expectedLength: le, form: form)
        return count(dataCount: dataCount, hasLe: le != nil, extended: extended)
    }

    /// Header, Lc and data, and Le, in the form chosen.
    @inlinable @inline(__always)
    static func count(dataCount: Int, hasLe: Bool, extended: Bool) -> Int {
        var count = 4
        if dataCount > 0 { count &+= (extended ? 3 : 1) &+ dataCount }
        if hasLe { count &+= extended ? (dataCount > 0 ? 2 : 3) : 1 }
        return count
    }

    /// Appends one encoded command to `out`.
    ///
    /// - Parameters:
    ///   - data: the command data (Lc is its count); empty for cases 1 and 2.
    ///   - le: the expected response length, 1…65536, or nil when no data is expected.
    ///   - form: short, extended, or chosen from the sizes.
    @inlinable
    public static func encode(
        _ header: APDUHeader, data: Span<UInt8>, expectedLength le: Int? = nil, form: LengthForm = .automatic,
        into out: inout OutputRawSpan
    ) throws(APDUError) {
        let free = out.freeCapacity
        try out.withUnsafeMutableBytes { (buffer, initialized) throws(APDUError) in
            // Room for `free` bytes after the initialized ones; the buffer's base exists when it
            // has room, and `write` touches nothing when it has none.
            let destination = (buffer.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 1)!) + initialized
            initialized &+= try write(
                header, data: data, expectedLength: le, form: form, to: destination, capacity: free)
        }
    }

    /// Appends a command without data (case 1, or case 2 when `le` is given).
    @inlinable
    public static func encode(
        _ header: APDUHeader, expectedLength le: Int? = nil, form: LengthForm = .automatic,
        into out: inout OutputRawSpan
    ) throws(APDUError) {
        let empty = Span<UInt8>()
        try encode(header, data: empty, expectedLength: le, form: form, into: &out)
    }

    /// Writes one command at `destination`, which has room for `capacity` bytes, and returns how
    /// many bytes it wrote; nothing is written when the command is invalid or does not fit.
    ///
    /// The one place that lays out a command: both `encode` above and ``APDUBuffer`` call it.
    /// Inlined, so that a call with a constant header, Le and form (every command of the read
    /// path) keeps only the checks and stores its own command needs.
    @inlinable @inline(__always)
    static func write(
        _ header: APDUHeader, data: Span<UInt8>, expectedLength le: Int?, form: LengthForm,
        to destination: UnsafeMutableRawPointer, capacity: Int
    ) throws(APDUError) -> Int {
        if header.hasReservedInstruction { try APDUError.reject(.reservedInstruction(header.ins)) }
        let dataCount = data.count
        let extended = try usesExtendedForm(dataCount: dataCount, expectedLength: le, form: form)
        let needed = count(dataCount: dataCount, hasLe: le != nil, extended: extended)
        if capacity < needed { try APDUError.reject(.outputTooSmall(needed: needed, available: capacity)) }

        destination.storeBytes(of: header.cla, toByteOffset: 0, as: UInt8.self)
        destination.storeBytes(of: header.ins, toByteOffset: 1, as: UInt8.self)
        destination.storeBytes(of: header.p1, toByteOffset: 2, as: UInt8.self)
        destination.storeBytes(of: header.p2, toByteOffset: 3, as: UInt8.self)
        var i = 4
        if dataCount > 0 {
            if extended {
                destination.storeBytes(of: 0, toByteOffset: i, as: UInt8.self)
                destination.storeBytes(
                    of: UInt8(truncatingIfNeeded: dataCount >> 8), toByteOffset: i &+ 1, as: UInt8.self)
                destination.storeBytes(of: UInt8(truncatingIfNeeded: dataCount), toByteOffset: i &+ 2, as: UInt8.self)
                i &+= 3
            } else {
                destination.storeBytes(of: UInt8(truncatingIfNeeded: dataCount), toByteOffset: i, as: UInt8.self)
                i &+= 1
            }
            data.withUnsafeBytes { source in
                // Non-empty span: its base address exists.
                (destination + i).copyMemory(from: source.baseAddress.unsafelyUnwrapped, byteCount: dataCount)
            }
            i &+= dataCount
        }
        if let le {
            // 256 (short) and 65536 (extended) wrap to zero, as ISO/IEC 7816-4 specifies.
            if extended {
                if dataCount == 0 {
                    destination.storeBytes(of: 0, toByteOffset: i, as: UInt8.self)
                    i &+= 1
                }
                destination.storeBytes(of: UInt8(truncatingIfNeeded: le >> 8), toByteOffset: i, as: UInt8.self)
                destination.storeBytes(of: UInt8(truncatingIfNeeded: le), toByteOffset: i &+ 1, as: UInt8.self)
                i &+= 2
            } else {
                destination.storeBytes(of: UInt8(truncatingIfNeeded: le), toByteOffset: i, as: UInt8.self)
                i &+= 1
            }
        }
        return i
    }
}

// MARK: - Command chaining

/// Splits long command data into a chain of commands (ISO/IEC 7816-4 §5.4.1): every segment
/// but the last carries the chaining bit (CLA `| 0x10`) and no Le; the last carries the
/// original CLA and the Le.
///
/// For cards and readers that accept only short APDUs, e.g. a reader whose firmware has no
/// extended-length support. The chain is described, not materialised: each segment is encoded
/// on demand into the caller's buffer.
public struct CommandChain: Sendable, Hashable {
    public let header: APDUHeader
    public let dataCount: Int
    public let expectedLength: Int?
    public let segmentSize: Int
    public let form: LengthForm

    /// Describes the chain for `dataCount` bytes of data in segments of at most `segmentSize`.
    public init(
        _ header: APDUHeader, dataCount: Int, expectedLength: Int? = nil, segmentSize: Int = 255,
        form: LengthForm = .short
    ) throws(APDUError) {
        let limit = form == .short ? 255 : 65535
        if segmentSize < 1 || segmentSize > limit { throw .invalidSegmentSize(segmentSize) }
        if header.hasReservedInstruction { throw .reservedInstruction(header.ins) }
        if dataCount > 65535 { throw .dataTooLong(count: dataCount) }
        if let le = expectedLength, le < 1 || le > 65536 { throw .expectedLengthOutOfRange(le) }
        self.header = header
        self.dataCount = dataCount
        self.expectedLength = expectedLength
        self.segmentSize = segmentSize
        self.form = form
        // Surface a short-form Le > 256 now rather than at the last segment.
        _ = try CommandEncoder.usesExtendedForm(
            dataCount: min(dataCount, segmentSize), expectedLength: expectedLength, form: form)
    }

    /// How many commands the chain has (one for empty data).
    public var segmentCount: Int { dataCount == 0 ? 1 : (dataCount + segmentSize - 1) / segmentSize }

    /// The byte range of the data that segment `index` carries.
    public func dataRange(ofSegment index: Int) -> Range<Int> {
        let start = index * segmentSize
        return start..<min(start + segmentSize, dataCount)
    }

    /// Appends segment `index` (0-based) of the chain to `out`; `data` is the whole command data.
    public func encodeSegment(_ index: Int, data: Span<UInt8>, into out: inout OutputRawSpan) throws(APDUError) {
        precondition(data.count == dataCount, "the chain was described for \(dataCount) data bytes")
        precondition(index >= 0 && index < segmentCount, "segment \(index) is outside the chain")
        let isLast = index == segmentCount - 1
        let segment = data.extracting(dataRange(ofSegment: index))
        try CommandEncoder.encode(
            isLast ? header : header.chained, data: segment, expectedLength: isLast ? expectedLength : nil,
            form: form, into: &out)
    }
}
