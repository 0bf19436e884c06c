import CardIdentity
import HexCoding
import Testing

// Payloads are hand-built in the layouts PC/SC Part 10 defines. Control codes follow libccid's
// SCARD_CTL_CODE(0x330000 + feature) = 0x4233_00xx; USB ids are the Sony RC-S300/P's from
// reference/ccid-readers/SONY_FeliCa_RC-S300_P.txt (idVendor 0x054C, idProduct 0x0DC9, bcdDevice 1.00).

// MARK: - Features

@Suite("CM_IOCTL_GET_FEATURE_REQUEST answers")
struct ReaderFeaturesTests {
    static let libccidStyle =
        "06 04 42 33 00 06  07 04 42 33 00 07  0A 04 42 33 00 0A  12 04 42 33 00 12  13 04 42 33 00 13"

    @Test("Each tag maps to its big-endian control code")
    func parse() throws {
        let features = try ReaderFeatures(featureRequestResponse: Vectors.bytes(Self.libccidStyle))
        #expect(features[.verifyPINDirect] == 0x4233_0006)
        #expect(features[.modifyPINDirect] == 0x4233_0007)
        #expect(features[.ifdPINProperties] == 0x4233_000A)
        #expect(features[.getTLVProperties] == 0x4233_0012)
        #expect(features[.ccidEscapeCommand] == 0x4233_0013)
        #expect(features[.executePACE] == nil)
        #expect(
            features.features == [
                .verifyPINDirect, .modifyPINDirect, .ifdPINProperties, .getTLVProperties,
                .ccidEscapeCommand,
            ])
    }

    @Test("An empty answer means no features")
    func empty() throws {
        #expect(try ReaderFeatures(featureRequestResponse: []).controlCodes.isEmpty)
    }

    @Test("A repeated tag keeps its first control code")
    func repeatedTag() throws {
        let features = try ReaderFeatures(featureRequestResponse: Vectors.bytes("12 04 00 00 00 01 12 04 00 00 00 02"))
        #expect(features[.getTLVProperties] == 1)
    }

    @Test(
        "Bad entries are rejected with tag and offset",
        arguments: [
            ("06 03 42 33 00", ReaderPayloadError.unexpectedLength(tag: 0x06, length: 3, offset: 0)),
            ("06 04 42 33 00 06 12 05 00 00 00 00 00", .unexpectedLength(tag: 0x12, length: 5, offset: 6)),
            ("06 04 42 33", .truncated(tag: 0x06, offset: 0)),
            ("06 04 42 33 00 06 12", .truncated(tag: nil, offset: 6)),
        ])
    func rejected(hex: String, expected: ReaderPayloadError) {
        #expect(throws: expected) { try ReaderFeatures(featureRequestResponse: Vectors.bytes(hex)) }
    }

    @Test("Every prefix either parses whole entries or is rejected")
    func everyPrefix() throws {
        let full = Vectors.bytes(Self.libccidStyle)
        for length in 0...full.count {
            let prefix = Array(full.prefix(length))
            if length % 6 == 0 {
                #expect(try ReaderFeatures(featureRequestResponse: prefix).controlCodes.count == length / 6)
            } else {
                #expect(throws: ReaderPayloadError.self) { try ReaderFeatures(featureRequestResponse: prefix) }
            }
        }
    }
}

// MARK: - TLV properties

@Suite("FEATURE_GET_TLV_PROPERTIES answers")
struct ReaderTLVPropertiesTests {
    /// wLcdLayout 0, bEntryValidationCondition 02, bTimeOut2 0, bMinPINSize 4, bMaxPINSize 8,
    /// sFirmwareID "1.00" with its NUL, bPPDUSupport 0, dwMaxAPDUDataSize 65536, wIdVendor 054C,
    /// wIdProduct 0DC9, and an unknown tag 0x20.
    static let full = """
        01 02 00 00  02 01 02  03 01 00  06 01 04  07 01 08  08 05 31 2E 30 30 00  09 01 00
        0A 04 00 00 01 00  0B 02 4C 05  0C 02 C9 0D  20 02 AB CD
        """

    @Test("Numbers are little-endian, the firmware string loses its NUL and unknown tags are kept")
    func parse() throws {
        let properties = try ReaderTLVProperties(bytes: Vectors.bytes(Self.full))
        #expect(properties.lcdLayout == 0)
        #expect(properties.entryValidationCondition == 0x02)
        #expect(properties.timeOut2 == 0)
        #expect(properties.minimumPINSize == 4)
        #expect(properties.maximumPINSize == 8)
        #expect(properties.firmwareID == "1.00")
        #expect(properties.ppduSupport == 0)
        #expect(properties.maximumAPDUDataSize == 65536)
        #expect(properties.usbVendorID == 0x054C)
        #expect(properties.usbProductID == 0x0DC9)
        #expect(properties.lcdMaxLines == nil)
        #expect(properties.otherProperties == [0x20: [0xAB, 0xCD]])
    }

    @Test("An empty answer has no properties")
    func empty() throws {
        #expect(try ReaderTLVProperties(bytes: []) == ReaderTLVProperties())
    }

    @Test(
        "Lengths that do not fit the property are rejected",
        arguments: [
            ("0B 03 4C 05 00", ReaderPayloadError.unexpectedLength(tag: 0x0B, length: 3, offset: 0)),
            ("02 02 00 01", .unexpectedLength(tag: 0x02, length: 2, offset: 0)),
            ("0A 00", .unexpectedLength(tag: 0x0A, length: 0, offset: 0)),
            ("0B 02 4C", .truncated(tag: 0x0B, offset: 0)),
            ("0B 02 4C 05 0C", .truncated(tag: nil, offset: 4)),
        ])
    func rejected(hex: String, expected: ReaderPayloadError) {
        #expect(throws: expected) { try ReaderTLVProperties(bytes: Vectors.bytes(hex)) }
    }

    @Test("A two-byte property may arrive in four bytes when the value fits")
    func widerNumber() throws {
        #expect(try ReaderTLVProperties(bytes: Vectors.bytes("0B 04 4C 05 00 00")).usbVendorID == 0x054C)
        #expect(throws: ReaderPayloadError.self) { try ReaderTLVProperties(bytes: Vectors.bytes("0B 04 4C 05 01 00")) }
    }

    @Test("Every prefix ending between properties parses; every other prefix is rejected as truncated")
    func everyPrefix() throws {
        let full = Vectors.bytes(Self.full)
        // Where each property ends: tag, length, value.
        var boundaries: Set<Int> = [0]
        var offset = 0
        while offset < full.count {
            offset += 2 + Int(full[offset + 1])
            boundaries.insert(offset)
        }
        #expect(boundaries.contains(full.count))
        for length in 0...full.count {
            let prefix = Array(full.prefix(length))
            if boundaries.contains(length) {
                #expect(throws: Never.self) { try ReaderTLVProperties(bytes: prefix) }
            } else {
                let error = #expect(throws: ReaderPayloadError.self) { try ReaderTLVProperties(bytes: prefix) }
                if case .truncated = error {
                } else {
                    Issue.record("prefix of \(length) bytes: \(String(describing: error))")
                }
            }
        }
    }
}

// MARK: - Attributes

@Suite("Reader attributes")
struct ReaderAttributeTests {
    @Test("libccid's IFD version is bcdDevice << 16: 1.00 reads 01.00.0000")
    func ifdVersion() throws {
        let version = try IFDVersion(attribute: [0x00, 0x00, 0x00, 0x01])
        #expect(version.rawValue == 0x0100_0000)
        #expect(version.major == 1 && version.minor == 0 && version.build == 0)
        #expect(version.description == "01.00.0000")
        #expect(version.release == "1.00")
    }

    @Test("The DWORD may come as 8 bytes where DWORD is unsigned long")
    func eightByteDWORD() throws {
        let version = try IFDVersion(attribute: [0x34, 0x12, 0x03, 0x12, 0, 0, 0, 0])
        #expect(version.description == "12.03.1234")
        #expect(version.release == "12.03")
    }

    @Test("DWORDs of the wrong size or too large are rejected")
    func badDWORD() {
        #expect(throws: ReaderPayloadError.unexpectedSize(2)) { try IFDVersion(attribute: [0x00, 0x01]) }
        #expect(throws: ReaderPayloadError.valueTooLarge) { try ChannelID(attribute: [0, 0, 0, 0, 1, 0, 0, 0]) }
    }

    @Test("A USB channel id gives bus and address")
    func usbChannel() throws {
        let channel = try ChannelID(attribute: [0x07, 0x03, 0x20, 0x00])
        #expect(channel.isUSB)
        #expect(channel.usbBus == 3)
        #expect(channel.usbAddress == 7)
        let serial = ChannelID(rawValue: 0x0001_0003)
        #expect(serial.isUSB == false)
        #expect(serial.usbBus == nil)
        #expect(serial.channelNumber == 3)
    }
}
