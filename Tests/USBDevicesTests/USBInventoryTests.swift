import CCID
import CLibUSB
import Foundation
import Testing
import USBDevices

/// libusb for real. The machines this project is built and tested on have no USB bus
/// (`/dev/bus/usb` and `/sys/bus/usb` are absent), so here the real path finds zero devices;
/// on a machine with USB the same tests check that every device found parses.
@Suite("USB inventory through libusb")
struct USBInventoryTests {
    static let hasUSBBus = FileManager.default.fileExists(atPath: "/dev/bus/usb")

    @Test("taking an inventory runs libusb for real and never fails")
    func inventoryRuns() throws {
        let inventory = USBInventory.take()
        #expect(inventory.libusbVersion.hasPrefix("1."))
        #expect(inventory.usbfsPresent == Self.hasUSBBus)
        #expect(!inventory.statement.isEmpty)
        for snapshot in inventory.devices {
            _ = try USBDevice(snapshot)
        }
    }

    @Test(
        "with no /dev/bus/usb: zero devices and a clear statement, not an error",
        .enabled(if: !hasUSBBus, "this machine has a USB bus"))
    func noUSBBus() {
        let inventory = USBInventory.take()
        #expect(inventory.devices.isEmpty)
        #expect(inventory.problem == nil)
        #expect(inventory.statement.contains("found no USB devices"))
        #expect(inventory.statement.contains("/dev/bus/usb is absent"))
    }

    @Test("taking the inventory twice gives the same answer (every libusb object is released)")
    func repeatable() {
        let first = USBInventory.take()
        let second = USBInventory.take()
        #expect(first.devices.count == second.devices.count)
        #expect(first.statement == second.statement)
    }

    @Test("the pure module's speed and error values are libusb's constants")
    func constantsMatchLibUSB() {
        #expect(USBSpeed.low.rawValue == Int32(LIBUSB_SPEED_LOW.rawValue))
        #expect(USBSpeed.full.rawValue == Int32(LIBUSB_SPEED_FULL.rawValue))
        #expect(USBSpeed.high.rawValue == Int32(LIBUSB_SPEED_HIGH.rawValue))
        #expect(USBSpeed.superSpeed.rawValue == Int32(LIBUSB_SPEED_SUPER.rawValue))
        #expect(USBSpeed.superSpeedPlus.rawValue == Int32(LIBUSB_SPEED_SUPER_PLUS.rawValue))
        #expect(USBErrorCode.access.rawValue == LIBUSB_ERROR_ACCESS.rawValue)
        #expect(USBErrorCode.busy.rawValue == LIBUSB_ERROR_BUSY.rawValue)
        #expect(USBErrorCode.noDevice.rawValue == LIBUSB_ERROR_NO_DEVICE.rawValue)
        #expect(USBErrorCode.notSupported.rawValue == LIBUSB_ERROR_NOT_SUPPORTED.rawValue)
        #expect(USBErrorCode.other.rawValue == LIBUSB_ERROR_OTHER.rawValue)
        #expect(USBErrorCode.access.description == String(cString: libusb_error_name(LIBUSB_ERROR_ACCESS.rawValue)))
    }

    @Test("a statement for each situation")
    func statements() {
        #expect(
            USBInventory(devices: [], libusbVersion: "1.0.26", usbfsPresent: true).statement
                == "libusb 1.0.26 found no USB devices")
        let failed = USBInventory(
            devices: [], libusbVersion: "1.0.26", problem: "libusb_init: LIBUSB_ERROR_OTHER", usbfsPresent: false)
        #expect(
            failed.statement.hasPrefix("libusb 1.0.26 could not list USB devices (libusb_init: LIBUSB_ERROR_OTHER)"))
    }
}
