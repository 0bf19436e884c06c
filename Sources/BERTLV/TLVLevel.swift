// MARK: - Level

/// A reader's depth, depth limit and mode, packed into one word.
///
/// Every reader and node carries these, and a walk copies them at every step; three words instead
/// of one pushed the node out of registers and cost a third more time per walk when measured.
/// Bits 0-31 hold the depth, bits 32-62 the limit, bit 63 is set for DER.
@usableFromInline
struct TLVLevel {
    @usableFromInline var raw: UInt64

    @inlinable @inline(__always)
    init(raw: UInt64) {
        self.raw = raw
    }

    /// Top level; limits outside `0...Int32.max` are clamped.
    @inlinable
    init(maxDepth: Int, strict: Bool) {
        let limit = UInt64(min(max(maxDepth, 0), Int(Int32.max)))
        self.raw = limit << 32 | (strict ? 1 << 63 : 0)
    }

    @inlinable
    var depth: Int { Int(truncatingIfNeeded: raw & 0xFFFF_FFFF) }

    @inlinable
    var maxDepth: Int { Int(truncatingIfNeeded: (raw >> 32) & 0x7FFF_FFFF) }

    @inlinable
    var strict: Bool { raw >> 63 != 0 }

    /// Whether objects at this level are beyond the limit.
    @inlinable @inline(__always)
    var isTooDeep: Bool { raw & 0xFFFF_FFFF >= (raw >> 32) & 0x7FFF_FFFF }

    /// The level of this level's children. Nodes only exist below the limit (at most `Int32.max`),
    /// so the depth bits cannot carry into the limit.
    @inlinable @inline(__always)
    var child: TLVLevel { TLVLevel(raw: raw &+ 1) }
}
