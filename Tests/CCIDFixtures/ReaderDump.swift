import CCID
import Foundation

// The CCID driver project's reader descriptor dumps (`ccid-readers/*.txt`, see its SOURCE.md),
// read back into numbers. This reading is the tests' own and independent of the CCID module: the
// tests rebuild descriptor bytes from these numbers, parse them with the module, and compare.

// MARK: - One dump

/// One `*.txt` file of the CCID driver's `readers/` folder: the output of its `parse` tool for
/// one reader, one block per interface that has a CCID class descriptor.
public struct ReaderDump: Sendable {
    /// The file name ("SONY_FeliCa_RC-S300_P.txt").
    public var file: String
    /// One block per interface, in file order.
    public var interfaces: [InterfaceBlock]
    /// The file's lines that no block claimed as a field (decoded text, comments, messages).
    public var otherLineCount: Int

    /// The blocks grouped by device: consecutive blocks with the same ids and bcdDevice. Nearly
    /// every file holds one device; ELYCTIS_CL_reader.txt holds two.
    public var devices: [[InterfaceBlock]] {
        var groups: [[InterfaceBlock]] = []
        for block in interfaces {
            if let last = groups.last?.last, last.vendorID == block.vendorID, last.productID == block.productID,
                last.bcdDevice == block.bcdDevice
            {
                groups[groups.count - 1].append(block)
            } else {
                groups.append([block])
            }
        }
        return groups
    }
}

/// One interface block of a dump: the device's fields, the interface descriptor's fields and the
/// CCID class descriptor's fields, each under its name in the USB or CCID specification.
public struct InterfaceBlock: Sendable {
    /// `idVendor`, `idProduct`, `bcdDevice` as numbers.
    public var deviceFields: [String: UInt32] = [:]
    /// iManufacturer and iProduct strings (absent when the tool could not read them).
    public var manufacturer: String?
    public var product: String?
    /// `bLength`, `bDescriptorType`, `bInterfaceNumber`, … of the interface descriptor.
    public var interfaceFields: [String: UInt32] = [:]
    /// The iInterface string (absent when the tool could not read it).
    public var interfaceName: String?
    /// The 22 fields of the CCID class descriptor by their specification names.
    public var ccidFields: [String: UInt32] = [:]
    /// The decoded lines the tool printed under a CCID field ("T=1", "5.0V", "04.... Short and
    /// Extended APDU level exchange", "PIN Verification supported"), by field name.
    public var decodedLines: [String: [String]] = [:]

    public var vendorID: UInt16 { UInt16(deviceFields["idVendor"] ?? 0) }
    public var productID: UInt16 { UInt16(deviceFields["idProduct"] ?? 0) }
    public var bcdDevice: UInt16 { UInt16(deviceFields["bcdDevice"] ?? 0) }
    public var interfaceNumber: UInt8 { UInt8(interfaceFields["bInterfaceNumber"] ?? 0) }
    public var interfaceClass: UInt8 { UInt8(interfaceFields["bInterfaceClass"] ?? 0) }
}

/// Why a dump line could not be read.
public struct DumpFormatError: Error, CustomStringConvertible {
    public var description: String
}

// MARK: - Reading

extension ReaderDump {
    /// The CCID class descriptor fields in descriptor order, as the tool names them.
    public static let ccidFieldNames = [
        "bLength", "bDescriptorType", "bcdCCID", "bMaxSlotIndex", "bVoltageSupport", "dwProtocols",
        "dwDefaultClock", "dwMaximumClock", "bNumClockSupported", "dwDataRate", "dwMaxDataRate",
        "bNumDataRatesSupported", "dwMaxIFSD", "dwSynchProtocols", "dwMechanical", "dwFeatures",
        "dwMaxCCIDMessageLength", "bClassGetResponse", "bClassEnvelope", "wLcdLayout", "bPINSupport",
        "bMaxCCIDBusySlots",
    ]

    /// The interface descriptor fields the tool prints, in descriptor order.
    public static let interfaceFieldNames = [
        "bLength", "bDescriptorType", "bInterfaceNumber", "bAlternateSetting", "bNumEndpoints", "bInterfaceClass",
        "bInterfaceSubClass", "bInterfaceProtocol",
    ]

    /// Reads a dump from its bytes (ASCII, with LF or CRLF line ends; one file has control
    /// characters in a string, kept as they are).
    public init(file: String, bytes: [UInt8]) throws {
        self.file = file
        let text = String(decoding: bytes, as: UTF8.self)
        var blocks: [InterfaceBlock] = []
        var current: InterfaceBlock?
        var inCCID = false
        var lastCCIDField: String?
        var others = 0
        // "\r\n" is one Character in Swift, so split on both line ends.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            let (key, value) = Self.keyValue(content)
            if indent == 1, key == "idVendor" {
                if let current { blocks.append(current) }
                current = InterfaceBlock()
                inCCID = false
                lastCCIDField = nil
            }
            guard var block = current else {
                others += 1
                continue
            }
            defer { current = block }
            switch (indent, key) {
            case (1, "idVendor"?), (1, "idProduct"?):
                block.deviceFields[key!] = try Self.number(value, key: key!, file: file)
            case (1, "bcdDevice"?):
                block.deviceFields["bcdDevice"] = try Self.bcd(value, file: file)
            case (2, "iManufacturer"?) where !inCCID:
                block.manufacturer = String(value)
            case (2, "iProduct"?) where !inCCID:
                block.product = String(value)
            case (1, "iInterface"?):
                block.interfaceName = String(value)
            case (1, let name?) where Self.interfaceFieldNames.contains(name) && !inCCID:
                block.interfaceFields[name] = try Self.number(value, key: name, file: file)
            case (2, let name?) where inCCID && Self.ccidFieldNames.contains(name):
                block.ccidFields[name] = try Self.ccidValue(value, key: name, file: file)
                lastCCIDField = name
            default:
                if indent == 1, content == "CCID Class Descriptor" {
                    inCCID = true
                } else if indent >= 3, inCCID, let field = lastCCIDField {
                    block.decodedLines[field, default: []].append(String(content))
                } else {
                    others += 1
                }
            }
        }
        if let current { blocks.append(current) }
        interfaces = blocks
        otherLineCount = others
    }

    private static func keyValue(_ content: Substring) -> (String?, Substring) {
        guard let colon = content.firstIndex(of: ":") else { return (nil, "") }
        let key = content[..<colon]
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber }) else { return (nil, "") }
        var value = content[content.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (String(key), value)
    }

    /// `0x0B [Chip Card…]`, `9`, `0 (will use whatever is returned)`: the first token, hex or decimal.
    static func number(_ value: Substring, key: String, file: String) throws -> UInt32 {
        let token = value.split(separator: " ").first ?? ""
        let parsed: UInt32? =
            token.hasPrefix("0x") ? UInt32(token.dropFirst(2), radix: 16) : UInt32(token, radix: 10)
        guard let parsed else { throw DumpFormatError(description: "\(file): \(key): cannot read '\(value)'") }
        return parsed
    }

    /// `1.10`, `2.03`, `F0.F0`, `1.0`: major and minor in hex digits, as `%X.%02X` (or `%X.%X`) prints them.
    static func bcd(_ value: Substring, file: String) throws -> UInt32 {
        let token = value.split(separator: " ").first ?? ""
        let parts = token.split(separator: ".")
        guard parts.count == 2, let major = UInt32(parts[0], radix: 16), let minor = UInt32(parts[1], radix: 16),
            major <= 0xFF, minor <= 0xFF
        else { throw DumpFormatError(description: "\(file): cannot read the release '\(value)'") }
        return major << 8 | minor
    }

    /// A CCID field's value in the tool's format: `0x0000 0x0003` for dwProtocols (upper and
    /// lower half), `4.800 MHz` for clocks (kHz with three decimals), `12903 bps`, `271 bytes`,
    /// `1.10` for bcdCCID, hex or decimal otherwise.
    static func ccidValue(_ value: Substring, key: String, file: String) throws -> UInt32 {
        switch key {
        case "dwProtocols":
            let halves = value.split(separator: " ")
            guard halves.count == 2, let high = UInt32(halves[0].dropFirst(2), radix: 16),
                let low = UInt32(halves[1].dropFirst(2), radix: 16)
            else { throw DumpFormatError(description: "\(file): cannot read dwProtocols '\(value)'") }
            return high << 16 | low
        case "dwDefaultClock", "dwMaximumClock":
            let parts = value.split(separator: " ")
            let digits = (parts.first ?? "").split(separator: ".")
            guard parts.count == 2, parts[1] == "MHz", digits.count == 2, digits[1].count == 3,
                let whole = UInt32(digits[0]), let fraction = UInt32(digits[1])
            else { throw DumpFormatError(description: "\(file): cannot read \(key) '\(value)'") }
            return whole * 1000 + fraction
        case "bcdCCID":
            return try bcd(value, file: file)
        default:
            return try number(value, key: key, file: file)
        }
    }
}
