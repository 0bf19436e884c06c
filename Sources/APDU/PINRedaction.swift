/// Keeps PINs out of everything ReaderBench prints, logs or stores.
///
/// The data field of VERIFY (INS `20`) and of CHANGE REFERENCE DATA (`24`) and RESET RETRY
/// COUNTER (`2C`) carries PINs. Redaction replaces each data byte with ``marker`` and keeps the
/// length, so a redacted command still says how long the PIN was, and matching commands against
/// a redacted trace can ignore exactly those bytes.
public enum PINRedaction {
    /// What stands in for each PIN byte: `*` in ASCII, never a digit or letter a PIN could use.
    public static let marker: UInt8 = 0x2A

    /// Whether a command with this INS carries a PIN in its data.
    @inlinable
    public static func carriesPIN(ins: UInt8) -> Bool { ins == 0x20 || ins == 0x24 || ins == 0x2C }

    /// A copy of `command` with any PIN bytes replaced by ``marker``; other commands come back
    /// unchanged. Malformed commands are redacted from byte 5 on when their INS says PIN, so
    /// nothing that might be a PIN slips through.
    public static func redacted(_ command: Span<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(command.count)
        for index in command.indices { bytes.append(command[index]) }
        guard command.count > 4, carriesPIN(ins: command[1]) else { return bytes }
        let range: Range<Int>
        if let parsed = try? CommandView(command), !parsed.data.isEmpty {
            let start = parsed.isExtended ? 7 : 5
            range = start..<(start + parsed.data.count)
        } else {
            range = 5..<command.count
        }
        for index in range { bytes[index] = marker }
        return bytes
    }

    /// The same for byte arrays.
    public static func redacted(_ command: [UInt8]) -> [UInt8] { redacted(command.span) }
}
