import CCID

// MARK: - Read chunking

/// How the read path fetches a certificate after its header: the `--chunks` choices of
/// `readerbench run`. The raw values are the option's spellings, which the ReadPath and Results
/// modules also use, so converting is `ReadChunking(rawValue: other.rawValue)`.
public enum ReadChunking: String, Sendable, Hashable, Codable, CaseIterable {
    /// Short READ BINARY commands with Le = 256 (00) until the end.
    case fixed256 = "256"
    /// Short commands of 256 bytes, the last asking for exactly what is left.
    case exact
    /// One extended-length READ BINARY for the rest.
    case extended
}

// MARK: - Advice

/// What a run should tell about the reader before it starts, and write into its results: what
/// the reader's capabilities mean for the times about to be measured, and whether the chosen
/// chunking can work on it at all.
///
/// Pure: capabilities and the chosen chunking in, sentences and the chunking to use out. The run
/// command prints these and stores them in the result header; when the chosen chunking cannot
/// work, ``chunking`` is the fallback the run uses instead (and a warning says so).
public struct CapabilityAdvice: Sendable, Hashable, Codable {
    /// Sentences that explain the reader's timing ("TPDU level: pcscd frames T=1 on the host").
    public var explanations: [String]
    /// Sentences about things that will not work or may fail, each naming what happens instead.
    public var warnings: [String]
    /// The chunking asked for.
    public var requestedChunking: ReadChunking
    /// The chunking to use: the one asked for, or the fallback when that cannot work here.
    public var chunking: ReadChunking

    /// Advice from its parts.
    public init(explanations: [String], warnings: [String], requestedChunking: ReadChunking, chunking: ReadChunking) {
        self.explanations = explanations
        self.warnings = warnings
        self.requestedChunking = requestedChunking
        self.chunking = chunking
    }

    /// Explains a reader's capabilities and checks the chosen chunking against them.
    ///
    /// With no capabilities (a virtual reader, a non-USB reader, a model not in the table and no
    /// descriptor read) there is one explanation saying so and the chunking is kept.
    ///
    /// The rules, from how pcscd's CCID driver uses the exchange level:
    /// - TPDU level: the driver frames T=1 blocks (or T=0 TPDUs) on the host; extended APDUs work
    ///   over T=1 by chaining, not over T=0.
    /// - Short APDU level: the reader takes short APDUs only, so an extended READ BINARY cannot
    ///   work; the run reads in 256-byte chunks instead.
    /// - Short and extended APDU level: the reader frames T=1 itself and the driver chains
    ///   extended APDUs across CCID messages.
    /// - Where one CCID message must carry a whole response (short APDU level, T=0 at TPDU level),
    ///   a 256-byte response needs `dwMaxCCIDMessageLength` of at least 268.
    public static func advise(_ capabilities: ReaderCapabilities?, chunking: ReadChunking) -> CapabilityAdvice {
        guard let capabilities else {
            return CapabilityAdvice(
                explanations: [
                    "reader capabilities unknown: no CCID descriptor was read and the capability table has no "
                        + "entry for this reader (a virtual or non-USB reader, or a model the table lacks)"
                ],
                warnings: [], requestedChunking: chunking, chunking: chunking)
        }
        var explanations: [String] = []
        var warnings: [String] = []
        var use = chunking
        let hasT1 = capabilities.protocols.contains(.t1)
        let level = capabilities.exchangeLevel

        switch level {
        case .character?:
            explanations.append("character level: pcscd drives the card protocol byte by byte on the host")
        case .tpdu?:
            explanations.append(
                hasT1 ? "TPDU level: pcscd frames T=1 on the host" : "TPDU level: pcscd runs T=0 on the host")
        case .shortAPDU?:
            explanations.append("short APDU only: the extended-read strategy falls back to 256-byte chunks")
        case .extendedAPDU?:
            explanations.append("short and extended APDU level: the reader frames T=1 itself and takes extended APDUs")
        case nil:
            explanations.append(
                "exchange level undefined (dwFeatures 0x\(hex32(capabilities.features.rawValue))): the driver may refuse the reader"
            )
        }
        explanations.append("max data rate \(formatDataRate(capabilities.maxDataRate))")
        explanations.append("max CCID message \(capabilities.maxMessageLength) bytes")
        if capabilities.slotCount > 1 { explanations.append("\(capabilities.slotCount) card slots") }

        if chunking == .extended {
            if level == .shortAPDU {
                warnings.append(
                    "--chunks extended cannot work on this reader (short APDU level exchange): reading in 256-byte "
                        + "chunks instead")
                use = .fixed256
            } else if level == .tpdu || level == .character, !hasT1 {
                warnings.append(
                    "--chunks extended cannot work on this reader (T=0 only, and T=0 carries no extended APDU): "
                        + "reading in 256-byte chunks instead")
                use = .fixed256
            }
        }
        let responseInOneMessage = level == .shortAPDU || (level == .tpdu && !hasT1)
        if use != .extended, responseInOneMessage, !capabilities.carriesFullShortResponse {
            warnings.append(
                "--chunks \(use.rawValue) may fail on this reader: a 256-byte response needs a 268-byte CCID message "
                    + "and the reader's maximum is \(capabilities.maxMessageLength) bytes")
        }
        return CapabilityAdvice(
            explanations: explanations, warnings: warnings, requestedChunking: chunking, chunking: use)
    }
}

private func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
