import CCID
import CCIDFixtures
import CardIdentity
import Foundation
import ReaderCatalog
import ReaderDoctor
import Testing

/// `readerbench doctor` for each cause, fed descriptor bytes through the snapshot seam: no USB
/// device can be plugged into the machines this is built on.
@Suite("Doctor: readers pcscd does not show, and why")
struct ReaderDoctorTests {
    static let statement = "libusb 1.0.26 found 1 USB device"

    /// A Sony RC-S380/P as a vendor-class device: the ids are Sony's (shared/reference/limits.md);
    /// the layout (one vendor-class interface, two bulk endpoints, no class descriptor) is what a
    /// non-CCID reader looks like. The CCID driver's data has no dump of it, since it does not list it.
    static func rcS380() -> USBDeviceSnapshot {
        let device: [UInt8] = [18, 0x01, 0x00, 0x02, 0, 0, 0, 64, 0x4C, 0x05, 0xC3, 0x06, 0x11, 0x01, 1, 2, 3, 1]
        let interface: [UInt8] = [9, 0x04, 0, 0, 2, 0xFF, 0, 0, 0]
        let endpoints: [UInt8] = [7, 0x05, 0x04, 0x02, 64, 0, 0, 7, 0x05, 0x84, 0x02, 64, 0, 0]
        let body = interface + endpoints
        let configuration = DescriptorBytes.header(totalLength: 9 + body.count, interfaceCount: 1, maxPower: 250) + body
        return USBDeviceSnapshot(
            bus: 1, address: 6, portPath: [3], speed: .full, deviceDescriptor: device, configuration: configuration,
            strings: [1: "SONY", 2: "RC-S380/P", 3: "0000001"])
    }

    func snapshot(
        _ file: String, serial: String? = nil, portPath: [UInt8] = [2], speed: USBSpeed = .full,
        openError: USBErrorCode? = nil
    ) throws -> USBDeviceSnapshot {
        DescriptorBytes.snapshot(
            try ReaderDataset.dump(file), serial: serial, portPath: portPath, speed: speed, openError: openError)
    }

    func codes(_ report: DoctorReport, device: Int = 0) -> [DoctorFinding.Code] {
        report.devices[device].reasons.map(\.code)
    }

    @Test("a vendor-class reader with no CCID descriptor (RC-S380): needs the vendor's driver")
    func vendorClassNoCCID() {
        let report = ReaderDoctor.diagnose(
            snapshots: [Self.rcS380()], usbStatement: Self.statement, pcsc: .running(readers: []))
        #expect(report.devices.count == 1)
        #expect(codes(report) == [.vendorClassNoCCID])
        let reason = report.devices[0].reasons[0]
        #expect(reason.message == "vendor-class device with no CCID descriptor")
        #expect(reason.hint?.hasPrefix("needs the vendor's driver (Sony RC-S380/P:") == true)
        #expect(report.devices[0].kind == "vendor-class" && report.devices[0].knownAs == "Sony RC-S380/P")
        #expect(report.text.contains("054C:06C3 Sony RC-S380/P, release 1.11, at 1-3, full speed (12 Mbit/s), 500 mA"))
        #expect(
            report.text.contains(
                "NOT SHOWN by pcscd:\n    - vendor-class device with no CCID descriptor: needs the vendor's driver"))
        #expect(report.summary == "pcscd does not show 1 of 1 USB smart-card reader")
    }

    @Test("a reader the CCID driver lists as unsupported (ACR1281U)")
    func unsupported() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("ACS_ACR1281U.txt")], usbStatement: Self.statement, pcsc: .running(readers: []))
        #expect(codes(report) == [.driverUnsupported])
        #expect(report.devices[0].kind == "ccid")
        #expect(report.text.contains("the CCID driver lists it as unsupported"))
    }

    @Test("a reader the CCID driver disables (DUALi DE-ABCM6, vendor-class with a CCID descriptor)")
    func disabled() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("DUALi_DE-ABCM6.txt")], usbStatement: Self.statement, pcsc: .running(readers: []))
        #expect(codes(report) == [.vendorClassNotListed, .driverDisabled])
        #expect(report.devices[0].kind == "vendor-class with CCID descriptor")
        #expect(report.text.contains("the CCID driver disables it"))
    }

    @Test("no pcscd running: a supported reader is not shown, and that is the only reason")
    func pcscdNotRunning() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("SONY_FeliCa_RC-S300_P.txt")], usbStatement: Self.statement,
            pcsc: .notRunning(detail: "SCARD_E_NO_SERVICE"))
        #expect(!report.pcscdRunning)
        #expect(report.pcsc == "pcscd is not running (SCARD_E_NO_SERVICE)")
        #expect(codes(report) == [.pcscdNotRunning])
        #expect(report.text.contains("- pcscd is not running: no reader is shown without it"))
    }

    @Test("no permission to open the device")
    func noPermission() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("ACS_ACR39U_ICC_Reader.txt", openError: .access)], usbStatement: Self.statement,
            pcsc: .running(readers: []))
        #expect(codes(report) == [.noPermission])
        #expect(
            report.devices[0].reasons[0].message == "no permission to open /dev/bus/usb/001/004 (LIBUSB_ERROR_ACCESS)")
        #expect(report.devices[0].manufacturer == nil)
    }

    @Test("a supported reader pcscd does not show, with nothing else to explain it")
    func notClaimed() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("SCR3310-NTTCom.txt")], usbStatement: Self.statement, pcsc: .running(readers: []))
        #expect(codes(report) == [.notClaimed])
    }

    @Test("a reader pcscd shows is listed with the reader name and the evidence, and no reason")
    func shown() throws {
        let dump = try ReaderDataset.dump("SONY_FeliCa_RC-S300_P.txt")
        let reader = try PCSCReaderFixture.identity(
            dump.interfaces, serial: "0123456", friendlyName: "SONY FeliCa RC-S300/P")
        let vpcd = ReaderIdentity(name: "Virtual PCD 00 00", attributes: ReaderAttributes())
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("SONY_FeliCa_RC-S300_P.txt", serial: "0123456")], usbStatement: Self.statement,
            pcsc: .running(readers: [reader, vpcd]))
        let device = report.devices[0]
        #expect(device.shownByPCSC && device.reasons.isEmpty)
        #expect(device.shownAs.map(\.name) == ["SONY FeliCa RC-S300/P (0123456) 00 00"])
        #expect(device.shownAs[0].evidence.first == "channel-id")
        #expect(device.modelKey == "usb:054c:0dc9@1.00" && device.exchangeLevels == ["extended-apdu"])
        #expect(report.readersWithoutUSBDevice.map(\.name) == ["Virtual PCD 00 00"])
        #expect(report.summary == "pcscd shows all 1 USB smart-card reader")
        #expect(report.text.contains(#"shown   "SONY FeliCa RC-S300/P (0123456) 00 00" (matched by channel-id"#))
    }

    @Test("readers behind more than one hub and on low-speed links are flagged, shown or not")
    func connectionFlags() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [try snapshot("ACS_ACR39U_ICC_Reader.txt", portPath: [1, 4, 2], speed: .low)],
            usbStatement: Self.statement, pcsc: .notRunning(detail: "SCARD_E_NO_SERVICE"))
        #expect(report.devices[0].flags.map(\.code) == [.behindHubs, .lowSpeed])
        #expect(report.devices[0].flags[0].message == "behind 2 hubs (port path 1-1.4.2)")
        #expect(report.text.contains("warning low-speed link (1.5 Mbit/s)"))
        let oneHub = ReaderDoctor.diagnose(
            snapshots: [try snapshot("ACS_ACR39U_ICC_Reader.txt", portPath: [1, 4])], usbStatement: Self.statement,
            pcsc: .running(readers: []))
        #expect(oneHub.devices[0].flags.isEmpty)
    }

    @Test("devices that are not readers are left out; no device at all says so")
    func nothingToSee() {
        let keyboard = USBDeviceSnapshot(
            bus: 1, address: 2, portPath: [1], speed: .low,
            deviceDescriptor: [18, 0x01, 0x10, 0x01, 0, 0, 0, 8, 0x6D, 0x04, 0x1C, 0xC3, 0x00, 0x01, 1, 2, 0, 1],
            configuration: DescriptorBytes.header(totalLength: 18, interfaceCount: 1, maxPower: 50)
                + [9, 0x04, 0, 0, 1, 0x03, 1, 1, 0])
        for snapshots in [[keyboard], []] {
            let report = ReaderDoctor.diagnose(
                snapshots: snapshots, usbStatement: "libusb 1.0.26 found no USB devices", pcsc: .running(readers: []))
            #expect(report.devices.isEmpty)
            #expect(report.summary == "no USB smart-card reader found")
            #expect(report.text.hasSuffix("Summary: no USB smart-card reader found."))
        }
    }

    @Test("--all lists the devices that are not readers, with ids, strings, place, speed, power and classes")
    func listOthers() throws {
        let keyboard = USBDeviceSnapshot(
            bus: 2, address: 3, portPath: [1, 1], speed: .low,
            deviceDescriptor: [18, 0x01, 0x10, 0x01, 0, 0, 0, 8, 0x6D, 0x04, 0x1C, 0xC3, 0x00, 0x01, 1, 2, 0, 1],
            configuration: DescriptorBytes.header(totalLength: 18, interfaceCount: 1, maxPower: 50)
                + [9, 0x04, 0, 0, 1, 0x03, 1, 1, 0],
            strings: [1: "Logitech", 2: "USB Keyboard"])
        let report = ReaderDoctor.diagnose(
            snapshots: [keyboard, try snapshot("ACS_ACR39U_ICC_Reader.txt")], usbStatement: Self.statement,
            pcsc: .running(readers: []), listOthers: true)
        #expect(report.devices.map(\.usbID) == ["072F:B100"])
        let other = try #require(report.otherDevices?.first)
        #expect(other.usbID == "046D:C31C" && other.product == "USB Keyboard" && other.classes == ["0x03"])
        #expect(other.location == "2-1.1" && other.maxPowerMilliamps == 100)
        #expect(report.text.contains("Other USB devices:\n  046D:C31C Logitech USB Keyboard, release 1.00, at 2-1.1"))
        let plain = ReaderDoctor.diagnose(
            snapshots: [keyboard], usbStatement: Self.statement, pcsc: .running(readers: []))
        #expect(plain.otherDevices == nil)
    }

    @Test("--json carries the codes, the evidence and the keys")
    func json() throws {
        let report = ReaderDoctor.diagnose(
            snapshots: [Self.rcS380(), try snapshot("ACS_ACR1281U.txt")], usbStatement: Self.statement,
            pcsc: .notRunning(detail: "SCARD_E_NO_SERVICE"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(report), as: UTF8.self)
        #expect(text.contains(#""code":"vendor-class-no-ccid""#))
        #expect(text.contains(#""code":"driver-unsupported""#))
        #expect(text.contains(#""code":"pcscd-not-running""#))
        #expect(text.contains(#""modelKey":"usb:072f:2224@"#))
        let decoded = try JSONDecoder().decode(DoctorReport.self, from: Data(text.utf8))
        #expect(decoded == report)
    }
}
