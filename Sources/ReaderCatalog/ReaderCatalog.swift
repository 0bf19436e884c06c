import CCID

// ReaderCatalog: what is known about reader models before one is plugged in.
//
// Pure data and pure functions. The tables in Generated/ come from the CCID driver project's
// readers/ data (scripts/make-reader-catalog); this file reads them and answers: what can this
// model do, what does pcscd's CCID driver call it, and does the driver support it at all.
//
// MARK: - Map of the module
//
//   ReaderCatalog        the tables, parsed once: capability rows, the driver's reader list,
//                        and the few vendor-class readers the project knows by id
//   ReaderCapabilities   what one CCID interface can do, from a live descriptor or a table row
//   DataRateBand         bands of dwMaxDataRate for figures and reports
//   CapabilityAdvice     the explanations and warnings a run prints and writes, for a reader's
//                        capabilities and the chosen READ BINARY chunking

/// The reader facts ReaderBench ships: a capability table derived from the CCID driver's 697
/// reader descriptor dumps, the driver's own list of supported, unsupported and disabled readers,
/// and the vendor-class readers that need their maker's driver.
public enum ReaderCatalog {
    // MARK: - Capability rows

    /// One row of the capability table: one CCID interface of one device model and release.
    public struct Entry: Sendable, Hashable {
        /// `idVendor`.
        public var vendorID: UInt16
        /// `idProduct`.
        public var productID: UInt16
        /// `bcdDevice`.
        public var deviceRelease: USBRelease
        /// `bInterfaceNumber`.
        public var interfaceNumber: UInt8
        /// `bInterfaceClass` (0x0B, or 0xFF for vendor-class readers that carry a CCID descriptor).
        public var interfaceClass: USBClass
        /// The capabilities the row records.
        public var capabilities: ReaderCapabilities
        /// The dump files the row comes from (several when units of one model were dumped alike).
        public var files: [String]
    }

    /// Every row, in table order (by ids, release, interface).
    public static let entries: [Entry] = parseCapabilityTable(capabilityTable)

    /// The rows for one model, every release and interface.
    public static func entries(vendorID: UInt16, productID: UInt16) -> [Entry] {
        entries.filter { $0.vendorID == vendorID && $0.productID == productID }
    }

    // MARK: - The driver's list

    /// A section of the CCID driver's supported_readers.txt.
    public enum DriverSection: String, Sendable, Hashable, Codable, CaseIterable {
        /// Tested and supported.
        case supported
        /// Should work (reported by others, not tested by the driver's author).
        case shouldWork = "shouldwork"
        /// Known not to work with the driver.
        case unsupported
        /// Listed but commented out: the driver will not claim the device.
        case disabled
    }

    /// One line of the driver's list.
    public struct DriverListing: Sendable, Hashable, Codable {
        /// Which section it is in.
        public var section: DriverSection
        /// `idVendor`.
        public var vendorID: UInt16
        /// `idProduct`.
        public var productID: UInt16
        /// The name pcscd gives readers of this model (the start of their PC/SC reader name).
        public var name: String
    }

    /// Every line of the driver's list, in file order.
    public static let driverList: [DriverListing] = parseDriverList(driverListTable)

    /// The driver's lines for one model (a model may be listed in several sections, or under
    /// several names).
    public static func driverListings(vendorID: UInt16, productID: UInt16) -> [DriverListing] {
        driverList.filter { $0.vendorID == vendorID && $0.productID == productID }
    }

    /// Whether the CCID driver claims this model: listed as supported or should-work.
    public static func driverClaims(vendorID: UInt16, productID: UInt16) -> Bool {
        driverListings(vendorID: vendorID, productID: productID).contains {
            $0.section == .supported || $0.section == .shouldWork
        }
    }

    // MARK: - Readers that need their maker's driver

    /// A reader model the project knows by id that the CCID driver cannot serve.
    public struct VendorDriverReader: Sendable, Hashable, Codable {
        /// `idVendor`.
        public var vendorID: UInt16
        /// `idProduct`.
        public var productID: UInt16
        /// What it is.
        public var name: String
        /// What to do about it, as a fact ("…; the RC-S300 is its CCID successor").
        public var note: String
    }

    /// Vendor-class contactless readers used for My Number Card work whose ids are known
    /// (shared/reference/limits.md): PC/SC sees them only through the maker's software.
    public static let vendorDriverReaders: [VendorDriverReader] = [
        VendorDriverReader(
            vendorID: 0x054C, productID: 0x06C1, name: "Sony RC-S380/S",
            note: "a FeliCa Port (PaSoRi) that is not CCID; Sony's RC-S300 is its CCID successor"),
        VendorDriverReader(
            vendorID: 0x054C, productID: 0x06C3, name: "Sony RC-S380/P",
            note: "a FeliCa Port (PaSoRi) that is not CCID; Sony's RC-S300 is its CCID successor"),
    ]

    /// The known vendor-driver reader with these ids, if any.
    public static func vendorDriverReader(vendorID: UInt16, productID: UInt16) -> VendorDriverReader? {
        vendorDriverReaders.first { $0.vendorID == vendorID && $0.productID == productID }
    }
}

// MARK: - Parsing the generated tables

extension ReaderCatalog {
    /// Reads the capability table; a malformed row stops the program, because the table is
    /// generated and checked by tests, so a bad row is a build mistake, not input.
    static func parseCapabilityTable(_ text: String) -> [Entry] {
        text.split(separator: "\n").map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            precondition(cells.count == 17, "capability table row with \(cells.count) cells: \(line)")
            func hex<T: FixedWidthInteger>(_ index: Int) -> T { T(cells[index], radix: 16)! }
            func dec(_ index: Int) -> UInt32 { UInt32(cells[index])! }
            let capabilities = ReaderCapabilities(
                exchangeLevel: CCIDFeatures(rawValue: hex(5)).exchangeLevel, features: CCIDFeatures(rawValue: hex(5)),
                protocols: CCIDProtocols(rawValue: hex(6)), voltageSupport: CCIDVoltageSupport(rawValue: hex(7)),
                defaultClockKHz: dec(8), maximumClockKHz: dec(9), dataRate: dec(10), maxDataRate: dec(11),
                maxIFSD: dec(12), maxMessageLength: dec(13), slotCount: Int(dec(14)) + 1,
                pinSupport: CCIDPINSupport(rawValue: hex(15)), source: .catalog)
            return Entry(
                vendorID: hex(0), productID: hex(1), deviceRelease: USBRelease(rawValue: hex(2)),
                interfaceNumber: UInt8(cells[3])!, interfaceClass: USBClass(rawValue: hex(4)),
                capabilities: capabilities, files: cells[16].split(separator: ",").map(String.init))
        }
    }

    static func parseDriverList(_ text: String) -> [DriverListing] {
        text.split(separator: "\n").map { line in
            let cells = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            precondition(cells.count == 4, "driver list row with \(cells.count) cells: \(line)")
            return DriverListing(
                section: DriverSection(rawValue: cells[0])!, vendorID: UInt16(cells[1], radix: 16)!,
                productID: UInt16(cells[2], radix: 16)!, name: cells[3])
        }
    }
}
