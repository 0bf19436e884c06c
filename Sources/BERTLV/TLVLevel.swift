// MARK: - Level

/// A reader's depth, what is left of its depth limit, and its mode, packed into one word.
///
/// Every reader and node carries these and a walk copies them at every step, so they must stay in
/// one register: three words instead of one cost a third more time per walk when measured.
///
/// Bits 0-30 hold the depth, bits 31-62 the levels still allowed (a level with none left throws
/// on its first object), and bit 63 is set for lenient BER. The order is chosen so that the common
/// case, DER below the limit, is one signed comparison (``isPlainDER``): BER makes the word
/// negative, and no levels left makes it smaller than `1 << 31`.
@usableFromInline
struct TLVLevel {
    @usableFromInline var raw: UInt64

    /// One level deeper, one fewer allowed.
    @inlinable @inline(__always)
    static var childStep: UInt64 { 1 &- (1 << 31) }

    @inlinable @inline(__always)
    init(raw: UInt64) {
        self.raw = raw
    }

    /// Top level; limits outside `0...Int32.max` are clamped.
    @inlinable
    init(maxDepth: Int, strict: Bool) {
        let limit = UInt64(min(max(maxDepth, 0), Int(Int32.max)))
        self.raw = limit << 31 | (strict ? 0 : 1 << 63)
    }

    @inlinable @inline(__always)
    var depth: Int { Int(truncatingIfNeeded: raw & 0x7FFF_FFFF) }

    /// Levels still allowed, this one included.
    @inlinable @inline(__always)
    var remaining: Int { Int(truncatingIfNeeded: (raw >> 31) & 0xFFFF_FFFF) }

    @inlinable
    var maxDepth: Int { depth &+ remaining }

    @inlinable @inline(__always)
    var strict: Bool { raw >> 63 == 0 }

    /// DER, and objects at this level are within the limit: nothing to check but the bytes.
    @inlinable @inline(__always)
    var isPlainDER: Bool { Int64(bitPattern: raw) > 0x7FFF_FFFF }

    /// Whether objects at this level are beyond the limit.
    @inlinable @inline(__always)
    var isTooDeep: Bool { (raw >> 31) & 0xFFFF_FFFF == 0 }

    /// The level of this level's children. Nodes only exist where some levels are left, so the
    /// count cannot borrow from the mode bit, and the depth (at most the limit, `Int32.max`)
    /// cannot carry into the count.
    @inlinable @inline(__always)
    var child: TLVLevel { TLVLevel(raw: raw &+ Self.childStep) }

    /// The level of this level's parent (the walk's way back up); undoes ``child``.
    @inlinable @inline(__always)
    var parent: TLVLevel { TLVLevel(raw: raw &- Self.childStep) }
}
