// MARK: - DigestInfo

/// The DER `DigestInfo` a JPKI card signs: `SEQUENCE { AlgorithmIdentifier sha256 NULL, OCTET STRING digest }`.
///
/// The card's COMPUTE DIGITAL SIGNATURE (`80 2A 00 80 33 <DigestInfo> 00`) takes this structure already
/// encoded and only pads and exponentiates it, so hosts build it themselves; it is always 51 bytes: the
/// fixed 19-byte prefix below followed by the 32-byte digest.
public enum DigestInfo {
    /// The encoded length of a SHA-256 DigestInfo (the APDU's Lc, `0x33`).
    public static let sha256ByteCount = 51

    /// `30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20`: everything before the digest.
    public static let sha256Prefix: InlineArray<19, UInt8> = [
        0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
        0x04, 0x20,
    ]

    /// The DigestInfo for a SHA-256 digest, without allocating.
    public static func sha256(digest: InlineArray<32, UInt8>) -> InlineArray<51, UInt8> {
        var info = InlineArray<51, UInt8>(repeating: 0)
        for index in sha256Prefix.indices { info[index] = sha256Prefix[index] }
        for index in digest.indices { info[sha256Prefix.count + index] = digest[index] }
        return info
    }

    /// The DigestInfo for a SHA-256 digest given as bytes, which must be exactly 32 long.
    public static func sha256(digest: Span<UInt8>) throws(CardCryptoError) -> InlineArray<51, UInt8> {
        guard digest.count == SHA256.byteCount else {
            throw .rejected(.invalidLength, "a SHA-256 digest has 32 bytes, got \(digest.count)")
        }
        var fixed = InlineArray<32, UInt8>(repeating: 0)
        for index in digest.indices { fixed[index] = digest[index] }
        return sha256(digest: fixed)
    }

    /// Hashes `message` and wraps the digest: what a host sends the card to have `message` signed.
    public static func sha256(message: Span<UInt8>) throws(CardCryptoError) -> InlineArray<51, UInt8> {
        sha256(digest: try SHA256.hash(message))
    }
}
