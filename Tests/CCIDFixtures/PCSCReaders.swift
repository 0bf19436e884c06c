import CCID
import CardIdentity

// MARK: - PC/SC readers as pcscd and the CCID driver present them

/// The PC/SC side of a USB reader, built the way pcsc-lite and the CCID driver (libccid) build
/// it, so matching can be tested against what a real reader would show:
///
/// - the name: the driver's friendly name for the ids (supported_readers.txt), then ` [iInterface]`
///   when the interface has a name, then ` (iSerialNumber)` unless the interface name already
///   contains it, then the reader index and slot as two hex digits each (pcsc-lite's hotplug code);
/// - `SCARD_ATTR_VENDOR_NAME` the iManufacturer string, `SCARD_ATTR_VENDOR_IFD_VERSION`
///   `bcdDevice << 16`, `SCARD_ATTR_VENDOR_IFD_SERIAL_NO` the iSerialNumber string,
///   `SCARD_ATTR_CHANNEL_ID` `0x0020 << 16 | bus << 8 | address` (8-byte DWORDs, as on 64-bit Linux);
/// - FEATURE_GET_TLV_PROPERTIES: bPPDUSupport, wIdVendor, wIdProduct and dwMaxAPDUDataSize
///   (0 for short-APDU readers, 0x10000 for TPDU and extended-APDU readers), little-endian.
public enum PCSCReaderFixture {
    /// What pcsc-lite names a reader.
    public static func name(friendly: String, interface: String?, serial: String?, index: UInt8 = 0, slot: UInt8 = 0)
        -> String
    {
        var name = friendly
        if let interface { name += " [\(interface)]" }
        if let serial, !(interface?.contains(serial) ?? false) { name += " (\(serial))" }
        return name + " " + twoHex(index) + " " + twoHex(slot)
    }

    /// Which PC/SC facts the driver gives (older drivers lack some; other drivers give none).
    public struct Facts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// SCARD_ATTR_CHANNEL_ID.
        public static let channel = Facts(rawValue: 1)
        /// SCARD_ATTR_VENDOR_NAME, _IFD_VERSION and _IFD_SERIAL_NO.
        public static let vendorAttributes = Facts(rawValue: 2)
        /// FEATURE_GET_TLV_PROPERTIES.
        public static let tlvProperties = Facts(rawValue: 4)
        /// Everything libccid gives.
        public static let libccid: Facts = [.channel, .vendorAttributes, .tlvProperties]
    }

    /// The identity a PC/SC client reads for one CCID interface of a dump's device.
    public static func identity(
        _ blocks: [InterfaceBlock], interface position: Int = 0, serial: String?, bus: UInt8 = 1, address: UInt8 = 4,
        index: UInt8 = 0, facts: Facts = .libccid, friendlyName: String? = nil
    ) throws -> ReaderIdentity {
        let block = blocks[position]
        let friendly = friendlyName ?? "\(block.manufacturer ?? "") \(block.product ?? "")"
        let name = Self.name(friendly: friendly, interface: block.interfaceName, serial: serial, index: index)
        var attributes = ReaderAttributes()
        if facts.contains(.vendorAttributes) {
            attributes.vendorName = block.manufacturer.map { Array($0.utf8) + [0] }
            attributes.ifdVersion = dword(UInt32(block.bcdDevice) << 16)
            attributes.serialNumber = serial.map { Array($0.utf8) + [0] }
        }
        if facts.contains(.channel) {
            attributes.channelID = dword(0x0020_0000 | UInt32(bus) << 8 | UInt32(address))
        }
        var properties: ReaderTLVProperties?
        if facts.contains(.tlvProperties) {
            let features = block.ccidFields["dwFeatures"] ?? 0
            let maxData: UInt32 = features & 0x0005_0000 != 0 ? 0x10000 : 0
            var bytes: [UInt8] = [0x09, 1, 0]
            bytes += [0x0B, 2, UInt8(block.vendorID & 0xFF), UInt8(block.vendorID >> 8)]
            bytes += [0x0C, 2, UInt8(block.productID & 0xFF), UInt8(block.productID >> 8)]
            bytes += [0x0A, 4] + (0..<4).map { UInt8((maxData >> (8 * UInt32($0))) & 0xFF) }
            properties = try ReaderTLVProperties(bytes: bytes)
        }
        return ReaderIdentity(name: name, attributes: attributes, tlvProperties: properties)
    }

    private static func dword(_ value: UInt32) -> [UInt8] {
        (0..<8).map { $0 < 4 ? UInt8((value >> (8 * UInt32($0))) & 0xFF) : 0 }
    }

    private static func twoHex(_ value: UInt8) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
