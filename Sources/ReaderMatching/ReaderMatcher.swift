import CCID
import CardIdentity
import ReaderCatalog

// ReaderMatching: which USB device is behind which PC/SC reader.
//
// Pure: PC/SC reader identities (names, attributes, part 10 TLV properties) and parsed USB
// devices in, matches with the evidence that made them out. The CCID driver gives strong evidence
// (SCARD_ATTR_CHANNEL_ID is the USB bus and address); other drivers and virtual readers give only
// a name, and the match says so.

// MARK: - Evidence

/// One fact that ties a PC/SC reader to a USB device, from strongest to weakest.
public enum MatchEvidence: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// `SCARD_ATTR_CHANNEL_ID` names the device's bus and address: this very unit, this plug-in.
    case channelID = "channel-id"
    /// `SCARD_ATTR_VENDOR_IFD_SERIAL_NO` (or the serial in the reader name) is the device's
    /// iSerialNumber: this very unit.
    case serialNumber = "serial-number"
    /// The part 10 TLV properties `wIdVendor` and `wIdProduct` are the device's ids: this model.
    case usbIDs = "usb-ids"
    /// The reader name (without interface, serial, index and slot) is the CCID driver's name for
    /// the device's ids, or the device's own manufacturer and product strings: this model, by name.
    case readerName = "reader-name"
    /// The interface in brackets in the reader name is one of the device's iInterface strings.
    case interfaceName = "interface-name"
    /// `SCARD_ATTR_VENDOR_IFD_VERSION` carries the device's `bcdDevice`.
    case ifdVersion = "ifd-version"
    /// `SCARD_ATTR_VENDOR_NAME` is the device's iManufacturer string.
    case vendorName = "vendor-name"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Whether this evidence alone identifies a device (the others only support a match).
    var identifies: Bool { self == .channelID || self == .serialNumber || self == .usbIDs || self == .readerName }
}

// MARK: - Matches

/// A PC/SC reader tied to a USB device (and, when it can be told, to one of its interfaces).
public struct ReaderMatch: Sendable, Hashable {
    /// The PC/SC reader name.
    public var readerName: String
    /// The device's position in the list given to ``ReaderMatcher/match(readers:devices:)``.
    public var deviceIndex: Int
    /// The CCID interface behind the reader, when it could be told.
    public var interfaceNumber: UInt8?
    /// What agreed, strongest first.
    public var evidence: [MatchEvidence]

    /// How sure the match is: the unit itself (channel id or serial number), the model only
    /// (USB ids, or the name, when several units of a model are plugged in this may be another unit).
    public var identifiesUnit: Bool { evidence.contains(.channelID) || evidence.contains(.serialNumber) }
}

/// The outcome of matching every PC/SC reader against every USB device.
public struct MatchOutcome: Sendable, Hashable {
    /// Readers tied to one device.
    public var matches: [ReaderMatch]
    /// Readers no device matched (virtual readers, non-USB readers, devices libusb cannot see).
    public var unmatchedReaders: [String]
    /// Readers several devices matched equally well, with those devices' positions.
    public var ambiguousReaders: [String: [Int]]

    /// The match for a reader, if any.
    public func match(for readerName: String) -> ReaderMatch? { matches.first { $0.readerName == readerName } }

    /// The matches on a device.
    public func matches(onDevice index: Int) -> [ReaderMatch] { matches.filter { $0.deviceIndex == index } }
}

// MARK: - Matcher

/// Ties PC/SC readers to USB devices.
public enum ReaderMatcher {
    /// Matches every reader against every device.
    ///
    /// For each reader, a device is excluded by any fact that contradicts it (another bus and
    /// address, other USB ids, another `bcdDevice`, another serial number) and kept when at least
    /// one identifying fact agrees (channel id, serial number, USB ids, reader name). Among the
    /// kept devices the strongest evidence wins; a tie between devices is reported as ambiguous,
    /// not guessed.
    public static func match(readers: [ReaderIdentity], devices: [USBDevice]) -> MatchOutcome {
        var outcome = MatchOutcome(matches: [], unmatchedReaders: [], ambiguousReaders: [:])
        for reader in readers {
            var best: [(Int, [MatchEvidence])] = []
            for (index, device) in devices.enumerated() {
                guard let evidence = evidence(reader, device) else { continue }
                guard let top = best.first?.1.min() else {
                    best = [(index, evidence)]
                    continue
                }
                let strongest = evidence.min()!
                if strongest < top {
                    best = [(index, evidence)]
                } else if strongest == top {
                    best.append((index, evidence))
                }
            }
            if best.count == 1, let (index, evidence) = best.first {
                var found = evidence
                let interface = interfaceNumber(reader, devices[index], evidence: &found)
                outcome.matches.append(
                    ReaderMatch(
                        readerName: reader.name, deviceIndex: index, interfaceNumber: interface,
                        evidence: found.sorted()))
            } else if best.isEmpty {
                outcome.unmatchedReaders.append(reader.name)
            } else {
                outcome.ambiguousReaders[reader.name] = best.map(\.0)
            }
        }
        return outcome
    }

    /// What agrees between a reader and a device, or nil when something contradicts it or
    /// nothing identifying agrees.
    static func evidence(_ reader: ReaderIdentity, _ device: USBDevice) -> [MatchEvidence]? {
        var found: [MatchEvidence] = []
        if let channel = reader.channel, channel.isUSB {
            guard channel.usbBus == device.snapshot.bus, channel.usbAddress == device.snapshot.address else {
                return nil
            }
            found.append(.channelID)
        }
        if let vendorID = reader.usbVendorID, let productID = reader.usbProductID {
            guard vendorID == device.vendorID, productID == device.productID else { return nil }
            found.append(.usbIDs)
        }
        if let version = reader.ifdVersion {
            guard UInt16(version.rawValue >> 16) == device.deviceRelease.rawValue else { return nil }
            found.append(.ifdVersion)
        }
        if let serial = reader.serialNumber, let deviceSerial = device.serialNumber {
            guard serial == deviceSerial else { return nil }
            found.append(.serialNumber)
        }
        if let vendor = reader.vendorName, let manufacturer = device.manufacturer, vendor == manufacturer {
            found.append(.vendorName)
        }
        let friendly = friendlyName(reader.nameParts)
        if !friendly.isEmpty, pcscFriendlyNames(device).contains(friendly) { found.append(.readerName) }
        guard found.contains(where: \.identifies) else { return nil }
        return found
    }

    /// The CCID interface behind a reader: the one whose iInterface string is the bracketed
    /// interface in the reader name, else the only CCID interface, else unknown.
    static func interfaceNumber(_ reader: ReaderIdentity, _ device: USBDevice, evidence: inout [MatchEvidence])
        -> UInt8?
    {
        let ccid = device.ccidInterfaces
        if let name = reader.nameParts.interface, let interface = ccid.first(where: { device.name(of: $0) == name }) {
            evidence.append(.interfaceName)
            return interface.number
        }
        return ccid.count == 1 ? ccid[0].number : nil
    }

    /// "Vendor Product": a reader name without interface, serial, index and slot; the part
    /// pcsc-lite takes from the driver's list.
    public static func friendlyName(_ name: ReaderName) -> String {
        [name.vendor, name.product].compactMap { $0 }.joined(separator: " ")
    }

    /// The names pcscd may start a device's readers with: the CCID driver's names for its ids,
    /// then the device's own "manufacturer product" strings.
    public static func pcscFriendlyNames(_ device: USBDevice) -> [String] {
        var names = ReaderCatalog.driverListings(vendorID: device.vendorID, productID: device.productID).map(\.name)
        if let manufacturer = device.manufacturer, let product = device.product {
            names.append(manufacturer + " " + product)
        }
        return names
    }

    // MARK: - Identity of a match

    /// The USB identity of a matched reader: the device's ids, release and strings, its place
    /// and link, and the evidence of the match.
    public static func usbIdentity(_ match: ReaderMatch, device: USBDevice) -> USBReaderIdentity {
        let interface = match.interfaceNumber.flatMap { number in device.ccidInterfaces.first { $0.number == number } }
        return USBReaderIdentity(
            vendorID: device.vendorID, productID: device.productID, deviceRelease: device.deviceRelease.rawValue,
            source: .libusb, manufacturer: device.manufacturer, product: device.product,
            serialNumber: device.serialNumber, interfaceNumber: match.interfaceNumber,
            interfaceName: interface.flatMap(device.name(of:)), ccidInterfaceCount: device.ccidInterfaces.count,
            bus: device.snapshot.bus, address: device.snapshot.address, location: device.snapshot.location,
            hubsInBetween: device.snapshot.hubsInBetween, speed: device.snapshot.speed.description,
            maxPowerMilliamps: device.maxPowerMilliamps, evidence: match.evidence.map(\.rawValue))
    }

    /// The capabilities of a matched reader's interface, from its own CCID class descriptor.
    public static func capabilities(_ match: ReaderMatch, device: USBDevice) -> ReaderCapabilities? {
        let ccid = device.ccidInterfaces
        let interface =
            match.interfaceNumber.flatMap { number in ccid.first { $0.number == number } }
            ?? (ccid.count == 1 ? ccid[0] : nil)
        return interface?.ccid.map { ReaderCapabilities(descriptor: $0, source: .usbDescriptor) }
    }
}
