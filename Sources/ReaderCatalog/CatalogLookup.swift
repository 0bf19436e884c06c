import CCID

// MARK: - Looking up a model

extension ReaderCatalog {
    /// A capability table row found for a reader, and how closely it fits.
    public struct Lookup: Sendable, Hashable {
        /// The row used.
        public var entry: Entry
        /// Whether the row is for the reader's own `bcdDevice`; when not, the row is for another
        /// release of the same model whose capabilities the table has (a note says so).
        public var sameRelease: Bool

        /// The row's capabilities.
        public var capabilities: ReaderCapabilities { entry.capabilities }
    }

    /// The capability row for a reader known by ids, release and interface.
    ///
    /// - The interface must be given when the model's rows differ between interfaces (a dual
    ///   reader's contactless and SAM interfaces differ); without it such a model has no answer.
    /// - A row of the same release wins. Otherwise, when every release in the table states the
    ///   same capabilities, any of them answers; else the latest release below the reader's does.
    public static func lookup(
        vendorID: UInt16, productID: UInt16, deviceRelease: USBRelease?, interfaceNumber: UInt8?
    ) -> Lookup? {
        var rows = entries(vendorID: vendorID, productID: productID)
        if let interfaceNumber {
            rows = rows.filter { $0.interfaceNumber == interfaceNumber }
        } else if Set(rows.map(\.interfaceNumber)).count > 1 {
            return nil
        }
        guard let first = rows.first else { return nil }
        if let deviceRelease, let same = rows.first(where: { $0.deviceRelease == deviceRelease }) {
            return Lookup(entry: same, sameRelease: true)
        }
        if rows.allSatisfy({ $0.capabilities == first.capabilities }) {
            return Lookup(entry: first, sameRelease: rows.count == 1 && first.deviceRelease == deviceRelease)
        }
        guard let deviceRelease,
            let below = rows.filter({ $0.deviceRelease < deviceRelease }).max(by: {
                $0.deviceRelease < $1.deviceRelease
            })
        else { return nil }
        return Lookup(entry: below, sameRelease: false)
    }
}
