import CardCrypto

/// The sign step's input: a fresh random challenge per iteration, hashed with SHA-256 and
/// wrapped in a DigestInfo, as the server side of the qualification check would send it.
///
/// Made before the iteration's clock starts; trace replay substitutes the recorded challenge so
/// strict matching still holds.
public enum Challenge {
    /// 32 random bytes.
    public static func random() throws -> [UInt8] { try SecureRandom.bytes(count: 32) }

    /// The SHA-256 DigestInfo (51 bytes) of `challenge`.
    public static func digestInfo(for challenge: [UInt8]) throws -> [UInt8] {
        let info = try DigestInfo.sha256(message: challenge.span)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(DigestInfo.sha256ByteCount)
        for index in info.indices { bytes.append(info[index]) }
        return bytes
    }
}
