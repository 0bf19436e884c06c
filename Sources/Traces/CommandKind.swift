/// Names for the commands a My Number Card read path sends, so summaries say "READ BINARY"
/// rather than "B0".
public enum CommandKind {
    /// The name of a command by INS (and P1 P2 where the INS alone is ambiguous).
    public static func name(ins: UInt8, p1: UInt8 = 0, p2: UInt8 = 0) -> String {
        switch ins {
        case 0xA4: return "SELECT"
        case 0xB0, 0xB1: return "READ BINARY"
        case 0x20: return "VERIFY"
        case 0x24: return "CHANGE REFERENCE DATA"
        case 0x2C: return "RESET RETRY COUNTER"
        // ISO's PSO form (P1 P2 9E 9A) and JPKI's own (80 2A 00 80, what the pin scenario sends).
        case 0x2A:
            return (p1 == 0x9E && p2 == 0x9A) || (p1 == 0x00 && p2 == 0x80)
                ? "COMPUTE DIGITAL SIGNATURE" : "PERFORM SECURITY OPERATION"
        case 0x88: return "INTERNAL AUTHENTICATE"
        case 0x84: return "GET CHALLENGE"
        case 0xC0: return "GET RESPONSE"
        case 0xCA, 0xCB: return "GET DATA"
        case 0x22: return "MANAGE SECURITY ENVIRONMENT"
        default:
            let hex = String(ins, radix: 16, uppercase: true)
            return "INS \(ins < 0x10 ? "0" : "")\(hex)"
        }
    }

    /// The name of a command's kind from its bytes.
    public static func name(of command: Span<UInt8>) -> String {
        guard command.count >= 4 else { return "malformed" }
        return name(ins: command[1], p1: command[2], p2: command[3])
    }
}
