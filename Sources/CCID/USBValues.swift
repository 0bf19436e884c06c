// Small USB values: release numbers, class codes, link speeds and libusb's error codes. Each is a
// RawRepresentable struct whose constants name the USB or libusb constant they stand for, so the
// pure parser needs no C header and the I/O module can check the values against libusb's.

// MARK: - Release numbers

/// A binary-coded-decimal release number: `bcdUSB`, `bcdDevice`, `bcdCCID` (0x0110 is 1.10).
public struct USBRelease: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The 16-bit field.
    public let rawValue: UInt16
    /// Wraps the field.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The upper byte (1 in 1.10).
    public var major: UInt8 { UInt8(rawValue >> 8) }
    /// The lower byte (0x10 in 1.10).
    public var minor: UInt8 { UInt8(rawValue & 0xFF) }

    /// "1.10", "2.03", "10.00": the upper byte in hex without leading zero, a dot, the lower byte
    /// as two hex digits; the form lsusb and the CCID driver's parse tool print.
    public var description: String {
        String(major, radix: 16, uppercase: true) + "." + twoHexDigits(minor)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

func twoHexDigits(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}

/// Four upper-case hex digits, as `idVendor` and `idProduct` are usually written (054C).
public func hex16(_ value: UInt16) -> String {
    twoHexDigits(UInt8(value >> 8)) + twoHexDigits(UInt8(value & 0xFF))
}

// MARK: - Class codes

/// A USB class code (`bDeviceClass`, `bInterfaceClass`).
public struct USBClass: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 8-bit code.
    public let rawValue: UInt8
    /// Wraps the code.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x00 (device level): each interface says its own class.
    public static let perInterface = Self(rawValue: 0x00)
    /// 0x03: HID.
    public static let hid = Self(rawValue: 0x03)
    /// 0x09: hub.
    public static let hub = Self(rawValue: 0x09)
    /// 0x0B: smart card (Chip Card Interface Device, CCID); pcscd's CCID driver serves it.
    public static let smartCard = Self(rawValue: 0x0B)
    /// 0xFF: vendor specific; needs a vendor driver, unless the CCID driver lists the device
    /// (as it does the SCR3310-NTTCom, which carries a CCID class descriptor).
    public static let vendorSpecific = Self(rawValue: 0xFF)

    /// "0x0B".
    public var description: String { hex(Int(rawValue)) }
}

// MARK: - Speed

/// The speed a device's link negotiated, as libusb reports it (`enum libusb_speed`).
public struct USBSpeed: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The `libusb_speed` value.
    public let rawValue: Int32
    /// Wraps a `libusb_speed` value; unknown values are kept.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// LIBUSB_SPEED_UNKNOWN: the OS did not say.
    public static let unknown = Self(rawValue: 0)
    /// LIBUSB_SPEED_LOW: 1.5 Mbit/s.
    public static let low = Self(rawValue: 1)
    /// LIBUSB_SPEED_FULL: 12 Mbit/s, what most CCID readers use.
    public static let full = Self(rawValue: 2)
    /// LIBUSB_SPEED_HIGH: 480 Mbit/s.
    public static let high = Self(rawValue: 3)
    /// LIBUSB_SPEED_SUPER: 5 Gbit/s.
    public static let superSpeed = Self(rawValue: 4)
    /// LIBUSB_SPEED_SUPER_PLUS: 10 Gbit/s.
    public static let superSpeedPlus = Self(rawValue: 5)

    /// "full speed (12 Mbit/s)".
    public var description: String {
        switch self {
        case .low: "low speed (1.5 Mbit/s)"
        case .full: "full speed (12 Mbit/s)"
        case .high: "high speed (480 Mbit/s)"
        case .superSpeed: "SuperSpeed (5 Gbit/s)"
        case .superSpeedPlus: "SuperSpeed+ (10 Gbit/s)"
        case .unknown: "unknown speed"
        default: "speed \(rawValue)"
        }
    }

    /// `bMaxPower` units: 8 mA at SuperSpeed and above, 2 mA below (USB 3.2 §9.6.3, USB 2.0 §9.6.3).
    public var maxPowerUnitMilliamps: Int { rawValue >= Self.superSpeed.rawValue ? 8 : 2 }
}

// MARK: - libusb errors

/// A libusb error code (`enum libusb_error`), kept with the snapshot of a device that could not
/// be opened, so the reason survives into a report.
public struct USBErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The `libusb_error` value (negative).
    public let rawValue: Int32
    /// Wraps a `libusb_error` value; unknown values are kept.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// LIBUSB_ERROR_IO: input/output error.
    public static let io = Self(rawValue: -1)
    /// LIBUSB_ERROR_INVALID_PARAM.
    public static let invalidParameter = Self(rawValue: -2)
    /// LIBUSB_ERROR_ACCESS: no permission to open the device node.
    public static let access = Self(rawValue: -3)
    /// LIBUSB_ERROR_NO_DEVICE: the device went away.
    public static let noDevice = Self(rawValue: -4)
    /// LIBUSB_ERROR_NOT_FOUND.
    public static let notFound = Self(rawValue: -5)
    /// LIBUSB_ERROR_BUSY: another program holds the device.
    public static let busy = Self(rawValue: -6)
    /// LIBUSB_ERROR_TIMEOUT.
    public static let timeout = Self(rawValue: -7)
    /// LIBUSB_ERROR_PIPE: the device stalled the request.
    public static let pipe = Self(rawValue: -9)
    /// LIBUSB_ERROR_NOT_SUPPORTED: the platform cannot do this.
    public static let notSupported = Self(rawValue: -12)
    /// LIBUSB_ERROR_OTHER.
    public static let other = Self(rawValue: -99)

    /// "LIBUSB_ERROR_ACCESS", the constant's name.
    public var description: String {
        switch self {
        case .io: "LIBUSB_ERROR_IO"
        case .invalidParameter: "LIBUSB_ERROR_INVALID_PARAM"
        case .access: "LIBUSB_ERROR_ACCESS"
        case .noDevice: "LIBUSB_ERROR_NO_DEVICE"
        case .notFound: "LIBUSB_ERROR_NOT_FOUND"
        case .busy: "LIBUSB_ERROR_BUSY"
        case .timeout: "LIBUSB_ERROR_TIMEOUT"
        case .pipe: "LIBUSB_ERROR_PIPE"
        case .notSupported: "LIBUSB_ERROR_NOT_SUPPORTED"
        case .other: "LIBUSB_ERROR_OTHER"
        default: "libusb error \(rawValue)"
        }
    }
}

/// A libusb error code is thrown as it is by the USBDevices module.
extension USBErrorCode: Error {}
