import CardIdentity

// MARK: - USB identity, keys and capabilities of the measured reader (optional, additive)

/// What the reader's CCID capabilities mean for this run: the explanations and warnings
/// `readerbench run` printed before it started, and the figures they come from. Absent when the
/// run did not look (replayed traces, in-process runs).
public struct ReaderCapabilityNotes: Codable, Sendable, Hashable {
    /// Where the capabilities were read: `usb-descriptor` (the device's own CCID class
    /// descriptor, through libusb), `capability-table` (ReaderBench's table from the CCID driver's
    /// data), or `unknown` (virtual and non-USB readers).
    public var source: String
    /// `character`, `tpdu`, `short-apdu` or `extended-apdu`, when known.
    public var exchangeLevel: String?
    /// `T=0`, `T=1` or `T=0, T=1`, when known.
    public var protocols: String?
    /// `dwMaxDataRate` in bit/s, when known.
    public var maxDataRateBitsPerSecond: Int?
    /// `dwMaxCCIDMessageLength` in bytes (10-byte header included), when known.
    public var maxCCIDMessageLength: Int?
    /// Sentences that explain the timing ("TPDU level: pcscd frames T=1 on the host").
    public var explanations: [String]
    /// Sentences about what could not work and what the run did instead.
    public var warnings: [String]
    /// The `--chunks` value asked for, when this reader used another one because it cannot
    /// work with it.
    public var requestedChunking: String?
    /// The chunking this reader used instead of ``requestedChunking`` (`run.readStrategy` holds
    /// the one asked for; in a pool, readers may differ).
    public var usedChunking: String?

    /// Notes from their parts.
    public init(
        source: String, exchangeLevel: String? = nil, protocols: String? = nil, maxDataRateBitsPerSecond: Int? = nil,
        maxCCIDMessageLength: Int? = nil, explanations: [String], warnings: [String] = [],
        requestedChunking: String? = nil, usedChunking: String? = nil
    ) {
        self.source = source
        self.exchangeLevel = exchangeLevel
        self.protocols = protocols
        self.maxDataRateBitsPerSecond = maxDataRateBitsPerSecond
        self.maxCCIDMessageLength = maxCCIDMessageLength
        self.explanations = explanations
        self.warnings = warnings
        self.requestedChunking = requestedChunking
        self.usedChunking = usedChunking
    }
}
