/// Reusable storage for one APDU: the transport encodes each command into one and receives each
/// response into another, so the measured path never allocates.
///
/// It owns its memory and frees it exactly once (`~Copyable` with `deinit`). Spans over it
/// borrow the buffer, so the compiler stops a response view from outliving the next receive.
public struct APDUBuffer: ~Copyable {
    /// Room for any short APDU exchange (PC/SC's `MAX_BUFFER_SIZE`, 264).
    public static let shortCapacity = 264
    /// Room for any extended APDU: header, Lc, 65536 data bytes, Le and SW1 SW2
    /// (pcsc-lite's `MAX_BUFFER_SIZE_EXTENDED`).
    public static let extendedCapacity = 4 + 3 + 65536 + 3 + 2

    /// The memory, kept as a base and a size rather than a buffer pointer (whose optional base
    /// and end cost a test and a subtraction each time a command is encoded).
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let storageCapacity: Int
    @usableFromInline var validCount: Int
    /// How many bytes at the start are valid.
    @inlinable public var count: Int { validCount }

    /// Allocates `capacity` bytes, once; the default fits extended APDUs.
    public init(capacity: Int = APDUBuffer.extendedCapacity) {
        precondition(capacity > 0, "an APDU buffer needs room for at least one byte")
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        base = storage.baseAddress!
        storageCapacity = capacity
        validCount = 0
    }

    deinit { base.deallocate() }

    /// All of the memory.
    @inlinable var storage: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base, count: storageCapacity)
    }

    /// How many bytes it can hold.
    @inlinable public var capacity: Int { storageCapacity }

    /// The valid bytes.
    public var span: Span<UInt8> {
        @_lifetime(borrow self) get {
            let span = unsafe Span<UInt8>(_unsafeStart: base.assumingMemoryBound(to: UInt8.self), count: count)
            return unsafe _overrideLifetime(span, borrowing: self)
        }
    }

    /// The valid bytes, untyped.
    public var bytes: RawSpan {
        @_lifetime(borrow self) get {
            let raw = unsafe RawSpan(_unsafeStart: base, byteCount: count)
            return unsafe _overrideLifetime(raw, borrowing: self)
        }
    }

    /// Drops the last `k` valid bytes (e.g. the status word before appending GET RESPONSE data).
    @inlinable
    public mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= validCount, "cannot remove \(k) of \(validCount) bytes")
        validCount -= k
    }

    /// Empties the buffer (keeps the memory).
    @inlinable
    public mutating func removeAll() { validCount = 0 }

    /// Replaces the contents with one encoded command (emptied if the command is invalid or does
    /// not fit).
    ///
    /// Inlined into the caller: with the header, Le and form constant, as on the read path, what
    /// is left is the stores of that one command.
    @inlinable @inline(__always)
    public mutating func encode(
        _ header: APDUHeader, data: Span<UInt8>, expectedLength le: Int? = nil, form: LengthForm = .automatic
    ) throws(APDUError) {
        validCount = 0
        validCount = try CommandEncoder.write(
            header, data: data, expectedLength: le, form: form, to: base, capacity: storageCapacity)
    }

    /// Replaces the contents with one encoded command without data.
    @inlinable @inline(__always)
    public mutating func encode(
        _ header: APDUHeader, expectedLength le: Int? = nil, form: LengthForm = .automatic
    ) throws(APDUError) {
        try encode(header, data: Span<UInt8>(), expectedLength: le, form: form)
    }

    /// Replaces the contents with a copy of `bytes` (e.g. a raw APDU given on the command line).
    public mutating func assign(_ bytes: Span<UInt8>) throws(APDUError) {
        guard bytes.count <= capacity else { throw .outputTooSmall(needed: bytes.count, available: capacity) }
        bytes.withUnsafeBytes { source in
            if let start = source.baseAddress { base.copyMemory(from: start, byteCount: source.count) }
        }
        validCount = bytes.count
    }

    /// Appends bytes (e.g. GET RESPONSE data gathered into one response).
    public mutating func append(_ bytes: Span<UInt8>) throws(APDUError) {
        guard count + bytes.count <= capacity else {
            throw .outputTooSmall(needed: count + bytes.count, available: capacity)
        }
        let start = count
        bytes.withUnsafeBytes { source in
            if let from = source.baseAddress {
                base.advanced(by: start).copyMemory(from: from, byteCount: source.count)
            }
        }
        validCount += bytes.count
    }

    /// Lets a C call (`SCardTransmit`, `recv`) fill the buffer; `body` returns how many bytes it
    /// wrote, which becomes the count.
    @inlinable
    public mutating func fill<E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) {
        validCount = 0
        let written = try body(storage)
        precondition(
            written >= 0 && written <= storageCapacity, "wrote \(written) bytes into a \(storageCapacity)-byte buffer")
        validCount = written
    }

    /// Read access for C calls that take a pointer and a length.
    @inlinable
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// The contents read as a response (data and SW1 SW2), without copying.
    @_lifetime(borrow self)
    public func response() throws(APDUError) -> ResponseView {
        try ResponseView(span)
    }

    /// A copy of the valid bytes, for when they must outlive the buffer.
    public func copyBytes() -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }
}
