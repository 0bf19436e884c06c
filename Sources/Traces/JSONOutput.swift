import HexCoding

/// Appends JSON text to a byte buffer without building intermediate strings, so the writer can
/// format a transmit line straight from the recorder's arena.
enum JSONOutput {
    @inline(__always)
    static func ascii(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A decimal integer.
    static func integer(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(0x30)
            return
        }
        var digits: (UInt64, Int) = (value, 0)
        var reversed: InlineArray<20, UInt8> = .init(repeating: 0)
        while digits.0 > 0 {
            reversed[digits.1] = UInt8(truncatingIfNeeded: digits.0 % 10) &+ 0x30
            digits.0 /= 10
            digits.1 += 1
        }
        var k = digits.1 - 1
        while k >= 0 {
            out.append(reversed[k])
            k -= 1
        }
    }

    static func integer(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(0x2D)
            integer(value.magnitude, to: &out)
        } else {
            integer(UInt64(value), to: &out)
        }
    }

    /// Bytes as a quoted upper-case hex string.
    static func hex(_ bytes: Span<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        for index in bytes.indices {
            let (high, low) = Hex.digits(of: bytes[index])
            out.append(high)
            out.append(low)
        }
        out.append(0x22)
    }

    /// A quoted string with the escapes JSON requires.
    static func string(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: ascii("\\\"", to: &out)
            case 0x5C: ascii("\\\\", to: &out)
            case 0x0A: ascii("\\n", to: &out)
            case 0x0D: ascii("\\r", to: &out)
            case 0x09: ascii("\\t", to: &out)
            case 0..<0x20:
                ascii("\\u00", to: &out)
                let (high, low) = Hex.digits(of: byte)
                out.append(high)
                out.append(low)
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// Any value.
    static func value(_ value: TraceValue, to out: inout [UInt8]) {
        switch value {
        case .null: ascii("null", to: &out)
        case .bool(let b): b ? ascii("true", to: &out) : ascii("false", to: &out)
        case .integer(let i): integer(i, to: &out)
        case .number(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .string(let s): string(s, to: &out)
        case .array(let elements):
            out.append(0x5B)
            for (k, element) in elements.enumerated() {
                if k > 0 { out.append(0x2C) }
                Self.value(element, to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (k, member) in members.enumerated() {
                if k > 0 { out.append(0x2C) }
                string(member.key, to: &out)
                out.append(0x3A)
                Self.value(member.value, to: &out)
            }
            out.append(0x7D)
        }
    }
}
