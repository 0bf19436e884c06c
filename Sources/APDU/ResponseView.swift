/// A response APDU read in place: the data field and the status word over the received bytes.
///
/// The transport hands this out over its reusable receive buffer, so inspecting a response
/// copies nothing; copy the data out (`Array(view.data)`-style) only when it must outlive the
/// buffer.
public struct ResponseView: ~Escapable {
    /// The response data, without SW1 SW2.
    public let data: Span<UInt8>
    /// SW1 SW2.
    public let statusWord: StatusWord

    /// Reads a response; throws when fewer than the two status bytes arrived.
    @_lifetime(copy bytes)
    @inlinable @inline(__always)
    public init(_ bytes: Span<UInt8>) throws(APDUError) {
        let n = bytes.count
        guard n >= 2 else { try APDUError.reject(.responseTooShort(count: n)) }
        data = bytes.extracting(0..<(n &- 2))
        statusWord = StatusWord(sw1: bytes[n &- 2], sw2: bytes[n &- 1])
    }

    /// The whole response's size, data plus status bytes.
    @inlinable
    public var count: Int { data.count &+ 2 }
}
