import CardIdentity

// MARK: - Reader

/// The reader that was measured. Results are compared per reader model, so ``modelKey`` is
/// always present even when PC/SC gave no identity at all.
public struct ReaderInfo: Codable, Sendable, Hashable {
    /// The reader name as PC/SC listed it.
    public var name: String
    /// What PC/SC said about the reader, when it could be asked.
    public var identity: ReaderIdentity?
    /// The ``ModelKey`` string results are grouped by (`usb:054c:0dc9 fw=1.00`, `name:…`).
    public var modelKey: String
    /// The card's answer-to-reset, decoded, when there was one.
    public var atr: ATRDescription?
    /// The reader's USB identity (ids, release, strings, location, link), when known: from the
    /// device through libusb, or from the CCID driver's PC/SC attributes.
    public var usb: USBReaderIdentity?
    /// `usb:VVVV:PPPP@bcdDevice` (``ModelKey/usbDevice(vendorID:productID:deviceRelease:interface:)``),
    /// when the USB identity is known: the model exactly, firmware release included.
    public var usbModelKey: String?
    /// `name:Vendor Product [Interface]`: the key from the reader name, kept for virtual and
    /// non-USB readers and for comparing with runs that had no USB identity.
    public var nameModelKey: String?
    /// The reader's CCID capabilities and what the run said about them.
    public var capabilities: ReaderCapabilityNotes?

    /// Reader information from its parts (for a reader PC/SC could not be asked about).
    public init(name: String, identity: ReaderIdentity?, modelKey: String, atr: ATRDescription?) {
        self.name = name
        self.identity = identity
        self.modelKey = modelKey
        self.atr = atr
    }

    /// Reader information from an identity, keyed by the identity's model key.
    public init(identity: ReaderIdentity, atr: ATRDescription?) {
        self.init(name: identity.name, identity: identity, modelKey: identity.modelKey.description, atr: atr)
    }
}

// MARK: - A reader of a run

/// One reader of a run and the card it held, with the id iterations refer to it by.
///
/// In the file a record is the reader's fields (``ReaderInfo``) with `id` and `card` beside
/// them, so `jq '.readers[] | {id, modelKey}'` reads naturally. A reader plugged in during the
/// run is announced by a line `{"readerJoined": {…record…}}` in the iteration stream, because
/// the header was written before it existed.
public struct ReaderRecord: Codable, Sendable, Hashable {
    /// The number iterations carry in their `reader` field: 0, 1, … in the order readers joined.
    public var id: Int
    /// The reader.
    public var reader: ReaderInfo
    /// What answered in it.
    public var card: CardInfo

    /// A record from its parts.
    public init(id: Int, reader: ReaderInfo, card: CardInfo) {
        self.id = id
        self.reader = reader
        self.card = card
    }

    enum CodingKeys: String, CodingKey { case id, card }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        card = try container.decode(CardInfo.self, forKey: .card)
        reader = try ReaderInfo(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try reader.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(card, forKey: .card)
    }
}

// MARK: - Card

/// What answered the commands. A result from a simulated card measures the harness (and, with
/// vpcd, the PC/SC stack), not a reader; the file says so in a field that cannot be missed.
public struct CardInfo: Codable, Sendable, Hashable {
    /// Where responses came from.
    public enum Source: String, Codable, Sendable, Hashable {
        /// A real card in a real reader through PC/SC.
        case pcsc
        /// The simulated card behind vsmartcard's vpcd, through the real pcscd and PC/SC API.
        case simulatedVPCD = "simulated-vpcd"
        /// The simulated card called directly, with no reader and no PC/SC at all.
        case simulatedInProcess = "simulated-in-process"
        /// A card that another process serves to a vsmartcard virtual reader (`readerbench
        /// simulate`, a replayed trace): through the real pcscd, but the card is not real.
        case virtualReader = "vpcd"
        /// A recorded trace replayed.
        case trace
    }

    /// Where responses came from.
    public var source: Source
    /// One sentence saying what the numbers measure, written by the runner for this source (for
    /// example "round trips through pcscd to a simulated card; card time is modelled").
    public var measures: String
    /// The simulation, when ``source`` is a simulated one.
    public var simulated: SimulationInfo?

    /// Whether the times are a model's or a recording's rather than a live reader's: a simulated
    /// card, or a replayed trace.
    public var isModelled: Bool { source != .pcsc }

    /// Card information; give `simulated` for the simulated sources.
    public init(source: Source, measures: String, simulated: SimulationInfo? = nil) {
        self.source = source
        self.measures = measures
        self.simulated = simulated
    }
}

/// Which simulation produced the responses, so a modelled timing is never mistaken for a
/// measured card.
public struct SimulationInfo: Codable, Sendable, Hashable {
    /// The simulated card's content profile.
    public var cardProfile: String
    /// The card-side timing profile.
    public var timingProfile: String
    /// The real card or reader the timing profile imitates.
    public var imitates: String
    /// Always true: the card-side times are modelled, not measured. Written out so that a tool
    /// reading only this object still cannot miss it.
    public var modelled: Bool

    /// A simulation description; ``modelled`` is always true.
    public init(cardProfile: String, timingProfile: String, imitates: String) {
        self.cardProfile = cardProfile
        self.timingProfile = timingProfile
        self.imitates = imitates
        self.modelled = true
    }
}

// MARK: - Instrumentation and labels

/// How times were taken, so a reader can judge how small a difference is still meaningful.
public struct Instrumentation: Codable, Sendable, Hashable {
    /// The clock every timestamp comes from.
    public var clock: String
    /// The harness's own cost per APDU (clock reads and bookkeeping), measured at run start.
    /// It is included in every APDU duration; differences smaller than this mean little.
    public var overheadNanosecondsPerAPDU: Double
    /// How summaries are computed.
    public var histogram: String

    /// Instrumentation with the measured overhead; the clock and histogram default to what this build uses.
    public init(
        overheadNanosecondsPerAPDU: Double, clock: String = "CLOCK_MONOTONIC",
        histogram: String = "HdrHistogram, 3 significant digits"
    ) {
        self.clock = clock
        self.overheadNanosecondsPerAPDU = overheadNanosecondsPerAPDU
        self.histogram = histogram
    }
}

/// The names behind the integer indices in ``APDUTiming`` rows. Rows carry indices rather than
/// strings because a run writes tens of thousands of them.
public struct SampleLabels: Codable, Sendable, Hashable {
    /// Phase names in the order they run (`select`, `read-certificate`, `verify-pin`, `sign`).
    public var phases: [String]
    /// APDU kind names (`SELECT`, `READ BINARY`, …); per-kind statistics are keyed by these.
    public var apduKinds: [String]
    /// Step names: one per command of the scenario, in order.
    public var steps: [String]

    /// Labels from the scenario's names.
    public init(phases: [String], apduKinds: [String], steps: [String]) {
        self.phases = phases
        self.apduKinds = apduKinds
        self.steps = steps
    }
}
