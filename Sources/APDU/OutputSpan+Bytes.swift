extension OutputSpan where Element == UInt8 {
    /// Appends a run of bytes with one copy (the standard library offers only element-wise
    /// appends). Traps, as `append` does, when the bytes do not fit: check `freeCapacity`.
    @inlinable
    public mutating func append(bytes: Span<UInt8>) {
        let count = bytes.count
        precondition(count <= freeCapacity, "appending \(count) bytes to an OutputSpan with room for \(freeCapacity)")
        if count == 0 { return }
        bytes.withUnsafeBufferPointer { source in
            withUnsafeMutableBufferPointer { destination, initialized in
                (destination.baseAddress.unsafelyUnwrapped + initialized)
                    .initialize(from: source.baseAddress.unsafelyUnwrapped, count: count)
                initialized &+= count
            }
        }
    }

    /// Appends SW1 SW2.
    @inlinable
    public mutating func append(_ statusWord: StatusWord) {
        append(statusWord.sw1)
        append(statusWord.sw2)
    }
}
