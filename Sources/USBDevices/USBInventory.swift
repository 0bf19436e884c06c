import CCID
import CLibUSB

#if canImport(Glibc)
    import Glibc
#endif

// USBDevices: the USB devices of this machine, through libusb.
//
// The only module that talks to libusb. It copies what libusb knows of each device into a
// `USBDeviceSnapshot` (location, speed, descriptor bytes, strings) and lets go of every libusb
// object before returning, so everything after it (parsing, matching, diagnosis) is pure and can
// be fed snapshots built from bytes in tests.

// MARK: - Inventory

/// Every USB device libusb lists, as snapshots, and a sentence saying what was found.
///
/// Taking an inventory never fails: a machine without a USB bus (this project's build machines
/// have no `/dev/bus/usb`) or a libusb that cannot start gives zero devices and a ``statement``
/// that says why, because for `readerbench doctor` that is a finding, not an error.
public struct USBInventory: Sendable {
    /// The devices found, in libusb's order.
    public var devices: [USBDeviceSnapshot]
    /// The libusb version ("1.0.26").
    public var libusbVersion: String
    /// Why libusb could not list devices, when it could not (`libusb_init` or
    /// `libusb_get_device_list` failed).
    public var problem: String?
    /// Whether `/dev/bus/usb` exists: without it libusb on Linux sees no device at all.
    public var usbfsPresent: Bool

    /// An inventory from its parts (tests).
    public init(devices: [USBDeviceSnapshot], libusbVersion: String, problem: String? = nil, usbfsPresent: Bool) {
        self.devices = devices
        self.libusbVersion = libusbVersion
        self.problem = problem
        self.usbfsPresent = usbfsPresent
    }

    /// One sentence for people: how many devices, or why none.
    public var statement: String {
        if let problem {
            return "libusb \(libusbVersion) could not list USB devices (\(problem)); no USB facts are available"
        }
        if devices.isEmpty {
            return usbfsPresent
                ? "libusb \(libusbVersion) found no USB devices"
                : "libusb \(libusbVersion) found no USB devices: /dev/bus/usb is absent, so this machine (or "
                    + "container) has no USB bus to see"
        }
        return "libusb \(libusbVersion) found \(devices.count) USB device\(devices.count == 1 ? "" : "s")"
    }

    /// Lists the USB devices now. Strings (manufacturer, product, serial, interface names) are
    /// read only from devices `readStrings` accepts, because reading them means opening the
    /// device; the default opens smart-card and vendor-class devices only.
    public static func take(
        readStrings: (USBDeviceDescriptor, USBConfiguration?) -> Bool = USBInventory.mayBeReader
    ) -> USBInventory {
        let version = libraryVersion
        let usbfs = access("/dev/bus/usb", F_OK) == 0
        let context: LibUSBContext
        do { context = try LibUSBContext() } catch {
            return USBInventory(
                devices: [], libusbVersion: version, problem: "libusb_init: \(error)", usbfsPresent: usbfs)
        }
        switch context.snapshots(readStrings: readStrings) {
        case .success(let devices):
            return USBInventory(devices: devices, libusbVersion: version, usbfsPresent: usbfs)
        case .failure(let error):
            return USBInventory(
                devices: [], libusbVersion: version, problem: "libusb_get_device_list: \(error)", usbfsPresent: usbfs)
        }
    }

    /// Whether a device may be a smart-card reader: a smart-card (0x0B) or vendor-class (0xFF)
    /// interface, or a vendor-class device; hubs never are.
    public static func mayBeReader(_ device: USBDeviceDescriptor, _ configuration: USBConfiguration?) -> Bool {
        if device.deviceClass == .hub { return false }
        if device.deviceClass == .vendorSpecific { return true }
        return configuration?.interfaces.contains {
            $0.interfaceClass == .smartCard || $0.interfaceClass == .vendorSpecific
        } ?? false
    }

    /// The linked libusb's version, "major.minor.micro".
    public static var libraryVersion: String {
        guard let version = libusb_get_version() else { return "unknown" }
        return "\(version.pointee.major).\(version.pointee.minor).\(version.pointee.micro)"
    }
}
