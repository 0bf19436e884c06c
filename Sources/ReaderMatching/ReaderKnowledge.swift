import CCID
import CardIdentity
import ReaderCatalog

// MARK: - What is known about one reader

/// Everything ReaderBench can tell about one PC/SC reader before measuring it: its USB identity,
/// the keys results are grouped by, and its CCID capabilities, each with where it came from.
public struct ReaderKnowledge: Sendable, Hashable {
    /// The USB identity: from the matched device, else from the CCID driver's PC/SC attributes,
    /// else nil (virtual and non-USB readers).
    public var usb: USBReaderIdentity?
    /// `usb:VVVV:PPPP@bcdDevice` when the USB identity is known.
    public var usbModelKey: ModelKey? { usb?.modelKey }
    /// `name:Vendor Product [Interface]`: the key from the reader name, always known.
    public var nameModelKey: ModelKey
    /// The reader's capabilities: from the device's own CCID descriptor, else from the capability table.
    public var capabilities: ReaderCapabilities?
    /// A sentence when the table's row is for another release of the model.
    public var notes: [String]

    /// What is known of `reader`, given the USB devices seen (possibly none) and the match outcome.
    public init(reader: ReaderIdentity, devices: [USBDevice], outcome: MatchOutcome) {
        let parts = reader.nameParts
        nameModelKey = .name(parts.modelName.isEmpty ? reader.name : parts.modelName)
        notes = []
        if let match = outcome.match(for: reader.name) {
            let device = devices[match.deviceIndex]
            usb = ReaderMatcher.usbIdentity(match, device: device)
            capabilities = ReaderMatcher.capabilities(match, device: device)
        } else {
            usb = USBReaderIdentity(pcsc: reader)
            capabilities = nil
        }
        if capabilities == nil, let usb {
            let interface = usb.interfaceNumber ?? Self.interfaceFromTable(usb)
            if let lookup = ReaderCatalog.lookup(
                vendorID: usb.vendorID, productID: usb.productID,
                deviceRelease: USBRelease(rawValue: usb.deviceRelease),
                interfaceNumber: interface)
            {
                capabilities = lookup.capabilities
                if !lookup.sameRelease {
                    notes.append(
                        "capabilities from the table's entry for release \(lookup.entry.deviceRelease) of this model "
                            + "(this unit is \(usb.release))")
                }
            }
        }
    }

    /// Without libusb the interface number is unknown; a model with one CCID interface in the
    /// table has only one answer.
    private static func interfaceFromTable(_ usb: USBReaderIdentity) -> UInt8? {
        let numbers = Set(
            ReaderCatalog.entries(vendorID: usb.vendorID, productID: usb.productID).map(\.interfaceNumber))
        return numbers.count == 1 ? numbers.first : nil
    }
}
