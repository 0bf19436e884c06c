import CCID
import CardIdentity
import ReaderCatalog
import ReaderMatching

// ReaderDoctor: USB smart-card readers that pcscd does not show, and why.
//
// Pure: USB device snapshots, what PC/SC said, and the reader catalog in; a report out, as data
// (for `--json`) and as text. The CLI gathers the inputs (libusb, pcscd) and prints; tests feed
// snapshots built from descriptor bytes, since no device can be plugged in where this is built.

// MARK: - Inputs

/// What PC/SC said when asked for its readers.
public enum PCSCState: Sendable, Hashable {
    /// pcscd answered: these readers, with whatever identity each gave.
    case running(readers: [ReaderIdentity])
    /// pcscd is not running (SCARD_E_NO_SERVICE); the text says how that was seen.
    case notRunning(detail: String)
    /// PC/SC failed otherwise; the text is the error.
    case failed(detail: String)
}

// MARK: - Findings

/// One thing the doctor found about a device: a reason pcscd does not show it, or a warning
/// about how it is connected.
public struct DoctorFinding: Sendable, Hashable, Codable {
    /// What kind of finding, stable for scripts and tests.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The code's spelling in `--json`.
        public let rawValue: String
        /// Wraps a spelling.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The device has no CCID class descriptor and is vendor-class: only its maker's driver
        /// can serve it (the Sony RC-S380).
        public static let vendorClassNoCCID = Self(rawValue: "vendor-class-no-ccid")
        /// A smart-card class interface without a readable CCID class descriptor.
        public static let ccidDescriptorMissing = Self(rawValue: "ccid-descriptor-missing")
        /// A vendor-class interface carries a CCID class descriptor, but the CCID driver claims such
        /// devices only when it lists them, and it does not list this one.
        public static let vendorClassNotListed = Self(rawValue: "vendor-class-not-listed")
        /// The CCID driver lists the device as unsupported.
        public static let driverUnsupported = Self(rawValue: "driver-unsupported")
        /// The CCID driver lists the device as disabled.
        public static let driverDisabled = Self(rawValue: "driver-disabled")
        /// pcscd is not running, so it shows no reader at all.
        public static let pcscdNotRunning = Self(rawValue: "pcscd-not-running")
        /// PC/SC could not be asked.
        public static let pcscFailed = Self(rawValue: "pcsc-failed")
        /// The device node cannot be opened by this user (LIBUSB_ERROR_ACCESS).
        public static let noPermission = Self(rawValue: "no-permission")
        /// Another program or kernel driver holds the device (LIBUSB_ERROR_BUSY).
        public static let deviceBusy = Self(rawValue: "device-busy")
        /// The device's descriptors could not be read or parsed.
        public static let descriptorUnreadable = Self(rawValue: "descriptor-unreadable")
        /// pcscd runs and nothing above explains it, yet no PC/SC reader is this device.
        public static let notClaimed = Self(rawValue: "not-claimed")
        /// More than one hub between the computer and the reader.
        public static let behindHubs = Self(rawValue: "behind-hubs")
        /// The link runs at low speed (1.5 Mbit/s).
        public static let lowSpeed = Self(rawValue: "low-speed")

        public var description: String { rawValue }
    }

    /// What kind of finding.
    public var code: Code
    /// The finding in one sentence.
    public var message: String
    /// What it means or what would help, as a fact ("needs the vendor's driver"); never a command.
    public var hint: String?

    /// A finding from its parts.
    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }
}

// MARK: - Report

/// A PC/SC reader that shows a device, and what tied them.
public struct ShownReader: Sendable, Hashable, Codable {
    /// The PC/SC reader name.
    public var name: String
    /// The evidence of the match ("channel-id", …), or "ambiguous" when several devices fit.
    public var evidence: [String]
}

/// One USB device that is, or may be, a smart-card reader.
public struct DeviceDiagnosis: Sendable, Hashable, Codable {
    /// "054C:0DC9".
    public var usbID: String
    /// `bcdDevice` ("1.00").
    public var release: String
    /// `usb:054c:0dc9@1.00`.
    public var modelKey: String
    /// iManufacturer, iProduct, iSerialNumber, when read.
    public var manufacturer: String?
    public var product: String?
    public var serialNumber: String?
    /// The CCID driver's name for the ids, or the known vendor-driver reader's name.
    public var knownAs: String?
    /// "ccid", "vendor-class with CCID descriptor", "vendor-class", "unreadable".
    public var kind: String
    /// Where it is plugged ("1-2.3"), hubs in between, link speed and power.
    public var location: String
    public var hubsInBetween: Int
    public var speed: String
    public var maxPowerMilliamps: Int?
    /// The exchange level of each CCID interface ("extended-apdu"), in interface order.
    public var exchangeLevels: [String]
    /// The PC/SC readers that are this device (empty when pcscd does not show it).
    public var shownAs: [ShownReader]
    /// Why pcscd does not show it (empty when it does).
    public var reasons: [DoctorFinding]
    /// How it is connected, when that is a known source of trouble.
    public var flags: [DoctorFinding]

    /// Whether pcscd shows a reader for this device.
    public var shownByPCSC: Bool { !shownAs.isEmpty }
}

/// A USB device that is not a smart-card reader, as `doctor --all` lists it.
public struct USBDeviceSummary: Sendable, Hashable, Codable {
    /// "046D:C31C".
    public var usbID: String
    /// `bcdDevice` ("1.00").
    public var release: String
    /// iManufacturer, iProduct, iSerialNumber, when read.
    public var manufacturer: String?
    public var product: String?
    public var serialNumber: String?
    /// Where it is plugged ("1-2.3"), link speed and power.
    public var location: String
    public var speed: String
    public var maxPowerMilliamps: Int?
    /// The interface classes of the first alternate settings ("0x03"), or the device class.
    public var classes: [String]
}

/// Everything `readerbench doctor` found.
public struct DoctorReport: Sendable, Hashable, Codable {
    /// What libusb found, in a sentence.
    public var usb: String
    /// What PC/SC said, in a sentence.
    public var pcsc: String
    /// Whether pcscd answered.
    public var pcscdRunning: Bool
    /// The USB devices that are or may be smart-card readers.
    public var devices: [DeviceDiagnosis]
    /// PC/SC readers with no USB device behind them (virtual and non-USB readers, or devices
    /// libusb cannot see), with a reason each.
    public var readersWithoutUSBDevice: [ShownReader]
    /// One sentence: how many readers pcscd does not show.
    public var summary: String
    /// The other USB devices, when asked for (`doctor --all`): hubs, keyboards, anything that is
    /// not a smart-card reader. Absent otherwise.
    public var otherDevices: [USBDeviceSummary]?

    /// The devices pcscd does not show.
    public var hiddenDevices: [DeviceDiagnosis] { devices.filter { !$0.shownByPCSC } }
}
