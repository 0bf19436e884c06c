// MARK: - Error

/// Why a BER-TLV/DER input was rejected, and where.
///
/// One error type for the whole module (typed throws keep it allocation-free and let callers
/// switch on `code` without casting). `offset` is absolute, counted from the first byte of the
/// input the caller handed in, even for errors found deep inside nested values, so a message
/// can be matched against a hex dump or `openssl asn1parse` output. Tests compare `code` and
/// `offset`; `description` is for people.
public struct TLVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem was found.
    public enum Code: Hashable, Sendable, CaseIterable {
        /// The input (or the enclosing value) ends inside a tag, or where a tag was expected.
        case truncatedTag
        /// A high-tag-number tag needs more than four bytes; tags are kept as a `UInt32`.
        case tagTooLong
        /// DER only: a tag is not in its shortest form (number below 31 in the long form, or a
        /// leading `80` byte in the tag number).
        case nonMinimalTag
        /// The input (or the enclosing value) ends inside a length field.
        case truncatedLength
        /// The length field uses more than four length bytes (`85` and up); no card object
        /// comes near 4 GiB, so longer forms are rejected rather than risk overflow.
        case lengthTooLong
        /// DER only: a long-form length that would fit in fewer bytes (`81 05`, `82 00 80`).
        case nonMinimalLength
        /// An indefinite length (`80`). Not supported in either mode; see ``TLVMode``.
        case indefiniteLength
        /// The declared length runs past the end of the input or of the enclosing value.
        case valueBeyondEnd
        /// Bytes follow the single top-level object (DER), or non-padding bytes follow it (BER).
        case trailingBytes
        /// Nesting is deeper than the configured limit.
        case depthExceeded
    }

    /// What kind of problem was found.
    public let code: Code
    /// Absolute offset of the byte where the problem is: the first byte of the tag, length or
    /// object concerned.
    public let offset: Int
    /// The number the check was about: the declared length for ``Code/valueBeyondEnd`` and
    /// ``Code/nonMinimalLength``, the length-byte count for ``Code/lengthTooLong``, the depth limit
    /// for ``Code/depthExceeded``; 0 otherwise.
    public let value: Int
    /// Absolute offset where the bytes available to the reader ended (the input's end at the top
    /// level, the enclosing value's end inside it).
    public let limit: Int
    /// Whether `limit` is the end of the whole input rather than of an enclosing value; it only
    /// changes the wording of `description`.
    public let limitIsInputEnd: Bool

    /// Creates an error; the reader uses the small factories below so every site reads alike.
    @inlinable
    public init(_ code: Code, offset: Int, value: Int = 0, limit: Int, limitIsInputEnd: Bool = true) {
        self.code = code
        self.offset = offset
        self.value = value
        self.limit = limit
        self.limitIsInputEnd = limitIsInputEnd
    }

    /// A sentence a user can act on, starting with the offset:
    /// `offset 17: length 0x0612 runs past the end of the input (1376 bytes)`.
    public var description: String {
        let end =
            limitIsInputEnd
            ? "the end of the input (\(limit) bytes)"
            : "the end of the enclosing value (offset \(limit))"
        let problem: String
        switch code {
        case .truncatedTag:
            problem = "expected a complete tag but reached \(end)"
        case .tagTooLong:
            problem = "tag is longer than 4 bytes"
        case .nonMinimalTag:
            problem = "tag is not in its shortest form, which DER requires"
        case .truncatedLength:
            problem = "length field runs past \(end)"
        case .lengthTooLong:
            problem = "length field has \(value) length bytes; at most 4 are supported"
        case .nonMinimalLength:
            problem = "length \(Self.hex(value)) is not in its shortest form, which DER requires"
        case .indefiniteLength:
            problem = "indefinite length (0x80) is not supported"
        case .valueBeyondEnd:
            problem = "length \(Self.hex(value)) runs past \(end)"
        case .trailingBytes:
            problem = "\(limit &- offset) unexpected bytes follow the object"
        case .depthExceeded:
            problem = "nesting is deeper than the limit of \(value) levels"
        }
        return "offset \(offset): \(problem)"
    }

    /// `0x0612`: lengths read best in hex, as they appear in the dump.
    private static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: digits.count % 2) + digits
    }
}

// MARK: - Throwing

extension TLV {
    /// Throws a ``TLVError``, out of line. Every check of the reader and the walk fails through
    /// here, so their inlined loops carry no error-building code and need fewer registers on the
    /// path every valid object takes.
    @usableFromInline @inline(never)
    static func reject(
        _ code: TLVError.Code, offset: Int, value: Int = 0, limit: Int, limitIsInputEnd: Bool = true
    ) throws(TLVError) -> Never {
        throw TLVError(code, offset: offset, value: value, limit: limit, limitIsInputEnd: limitIsInputEnd)
    }
}
