import CCID
import CCIDFixtures
import Testing

/// Bytes that are not a descriptor are rejected with a code and the offset of the problem.
@Suite("Malformed descriptors")
struct MalformedDescriptorTests {
    func rcS300() throws -> InterfaceBlock { try dump("SONY_FeliCa_RC-S300_P.txt").interfaces[0] }

    func error(_ body: () throws -> Void) -> DescriptorError? {
        do { try body() } catch let error as DescriptorError { return error } catch {
            Issue.record("not a DescriptorError: \(error)")
        }
        return nil
    }

    @Test("a CCID descriptor prefix names the field it cuts")
    func prefixNamesField() throws {
        let bytes = DescriptorBytes.ccid(try rcS300())
        let cut = error { _ = try CCIDClassDescriptor(bytes: Array(bytes[..<46])) }
        #expect(cut?.code == .truncated && cut?.offset == 44 && cut?.field == "dwMaxCCIDMessageLength")
        #expect(cut?.description == "offset 44: dwMaxCCIDMessageLength runs past the end of the input (46 bytes)")
        let empty = error { _ = try CCIDClassDescriptor(bytes: []) }
        #expect(empty?.code == .truncated && empty?.offset == 0)
    }

    @Test("wrong bLength, wrong type and trailing bytes are told apart")
    func wrongLengthTypeTrailing() throws {
        var bytes = DescriptorBytes.ccid(try rcS300())
        #expect(error { _ = try CCIDClassDescriptor(bytes: bytes + [0]) }?.code == .trailingBytes)
        bytes[1] = 0x24
        let type = error { _ = try CCIDClassDescriptor(bytes: bytes) }
        #expect(type?.code == .unexpectedType && type?.offset == 1 && type?.value == 0x24)
        bytes[0] = 0x35
        let length = error { _ = try CCIDClassDescriptor(bytes: bytes) }
        #expect(length?.code == .badLength && length?.offset == 0 && length?.value == 0x35)
    }

    @Test("the proprietary descriptor type 0xFF is read like 0x21")
    func proprietaryType() throws {
        let block = try dump("DellSK-3106.txt").interfaces[0]
        let descriptor = try parsedCCID(block)
        #expect(descriptor.descriptorType == 0xFF)
        #expect(descriptor.exchangeLevel == .tpdu)
    }

    @Test("every proper prefix of a whole configuration and of a device descriptor fails at or before its end")
    func configurationPrefixes() throws {
        let dump = try dump("ACS_ACR1251_Dual_Reader.txt")
        let configuration = DescriptorBytes.configuration(dump.interfaces, endpoints: true)
        for length in 0..<configuration.count {
            let problem = error { _ = try USBConfiguration(bytes: Array(configuration[..<length])) }
            #expect(problem != nil, "configuration prefix \(length) accepted")
            #expect((problem?.offset ?? 0) <= length)
        }
        let device = DescriptorBytes.device(dump.interfaces[0], hasSerial: true)
        for length in 0..<device.count {
            let problem = error { _ = try USBDeviceDescriptor(bytes: Array(device[..<length])) }
            #expect(problem?.code == .truncated && (problem?.offset ?? 99) <= length, "device prefix \(length)")
        }
    }

    @Test("an interface descriptor shorter than its bLength is truncated, not followed by trailing bytes")
    func interfaceShorterThanItsLength() throws {
        // Found by the ccid-descriptor fuzz target (Fuzz/Regressions/ccid-descriptor): nine bytes
        // that announce ten were reported as trailing bytes at offset 10, past the input's end
        // ("-1 unexpected bytes follow").
        var bytes = DescriptorBytes.interface(try rcS300(), nameIndex: 0)
        #expect(bytes.count == 9)
        bytes[0] = 10
        let cut = error { _ = try USBInterface(bytes: bytes) }
        #expect(cut?.code == .truncated && cut?.offset == 0 && cut?.field == "interface descriptor")
        let longer = bytes + [0xAA]
        #expect(try USBInterface(bytes: longer).nameIndex == 0)
        for length in 0..<longer.count {
            let problem = error { _ = try USBInterface(bytes: Array(longer[..<length])) }
            #expect(problem?.code == .truncated && (problem?.offset ?? 99) <= length, "interface prefix \(length)")
        }
        let trailing = error { _ = try USBInterface(bytes: longer + [0]) }
        #expect(trailing?.code == .trailingBytes && trailing?.offset == 10 && trailing?.limit == 11)
    }

    @Test("a configuration whose wTotalLength disagrees, or with a descriptor shorter than 2 bytes, is rejected")
    func configurationProblems() throws {
        let dump = try dump("SCR3310-NTTCom.txt")
        var bytes = DescriptorBytes.configuration(dump.interfaces)
        let extra = error { _ = try USBConfiguration(bytes: bytes + [2, 0x30]) }
        #expect(extra?.code == .totalLengthMismatch && extra?.offset == 2)
        bytes[9] = 1
        let tiny = error { _ = try USBConfiguration(bytes: bytes) }
        #expect(tiny?.code == .badLength && tiny?.offset == 9)
        let notConfiguration = error { _ = try USBConfiguration(bytes: [9, 0x04, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(notConfiguration?.code == .unexpectedType && notConfiguration?.offset == 1)
    }

    @Test("string descriptors decode UTF-16LE and reject odd lengths and wrong types")
    func strings() throws {
        let sony: [UInt8] = [10, 0x03] + Array("SONY".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(try USBStringDescriptor.text(bytes: sony.span) == "SONY")
        #expect(try USBStringDescriptor.languages(bytes: [4, 0x03, 0x09, 0x04].span) == [0x0409])
        let odd: [UInt8] = [5, 0x03, 0x41, 0x00, 0x42]
        #expect(error { _ = try USBStringDescriptor.text(bytes: odd.span) }?.code == .oddStringLength)
        let wrong: [UInt8] = [4, 0x02, 0x41, 0x00]
        #expect(error { _ = try USBStringDescriptor.text(bytes: wrong.span) }?.code == .unexpectedType)
        let short: [UInt8] = [10, 0x03, 0x41, 0x00]
        #expect(error { _ = try USBStringDescriptor.text(bytes: short.span) }?.code == .truncated)
    }

    @Test("release numbers print as lsusb prints them")
    func releases() {
        #expect(USBRelease(rawValue: 0x0100).description == "1.00")
        #expect(USBRelease(rawValue: 0x0216).description == "2.16")
        #expect(USBRelease(rawValue: 0x1000).description == "10.00")
        #expect(USBRelease(rawValue: 0xF0F0).description == "F0.F0")
    }
}
