import CardTiming
import SimulatedCard

/// Everything that decides how a simulated card behaves: which card, which PINs, how slow, which
/// faults. The same configuration serves the card through vpcd or in-process.
public struct SimulatorConfiguration: Sendable {
    public var card: CardProfile
    public var timing: TimingProfile
    public var faults: [CardFault]
    public var pins: CardPINs

    public init(
        card: CardProfile = .contactless, timing: TimingProfile = .instant, faults: [CardFault] = [],
        pins: CardPINs = CardPINs()
    ) {
        self.card = card
        self.timing = timing
        self.faults = faults
        self.pins = pins
    }

    /// A configuration whose card presents the interface the timing profile models.
    ///
    /// - Parameter card: the variant asked for, or nil for ``defaultCard(for:)``.
    /// - Throws: ``SimulatorConfigurationError/Code/interfaceMismatch`` when `card` is contact
    ///   and `timing` models a contactless link, or the other way round.
    public init(
        card: CardProfile?, matching timing: TimingProfile, faults: [CardFault] = [], pins: CardPINs = CardPINs()
    ) throws(SimulatorConfigurationError) {
        let chosen = card ?? Self.defaultCard(for: timing)
        try Self.checkInterface(of: chosen, timedBy: timing)
        self.init(card: chosen, timing: timing, faults: faults, pins: pins)
    }

    // MARK: - Card and timing agree

    /// The card variant a timing profile models when none is named.
    ///
    /// A contact link at the default rate (D = 1, as `contact-default`: 372/1) is the card whose
    /// ATR has no TA1 (`contact-short`); a faster contact link (`contact-fast`: D = 4) is the card
    /// whose TA1 = 13 offers it (`contact`). A contactless link, or a profile that models no link
    /// (`instant`, `fixed-2ms`), keeps the contactless card, the default since the tool began.
    public static func defaultCard(for timing: TimingProfile) -> CardProfile {
        guard let transfer = timing.transfer, transfer.link == .contact else { return .contactless }
        return (transfer.di ?? 1) > 1 ? .contact : .contactShort
    }

    /// Refuses a card whose interface differs from the link the timing profile models: a contact
    /// profile's character rates and block sizes say nothing about a contactless card, and a
    /// result header naming one card and the other's timing would be believed.
    public static func checkInterface(
        of card: CardProfile, timedBy timing: TimingProfile
    ) throws(SimulatorConfigurationError) {
        guard let link = timing.transfer?.link else { return }
        let modelled: CardProfile.Interface = link == .contact ? .contact : .contactless
        guard card.interface != modelled else { return }
        throw SimulatorConfigurationError(
            .interfaceMismatch,
            "the card variant '\(card.name)' is a \(card.interface.rawValue) card, but the timing profile "
                + "'\(timing.name)' models a \(modelled.rawValue) link; a \(modelled.rawValue) profile needs a "
                + "\(modelled.rawValue) card (without a card variant, '\(defaultCard(for: timing).name)' is used)")
    }

    /// The timing profile with the slow-card fault applied.
    public var effectiveTiming: TimingProfile {
        var timing = self.timing
        for case .slow(let factor) in faults { timing.slowFactor *= factor }
        return timing
    }

    /// A fresh card with the faults applied.
    public func makeCard() throws -> FaultyCard<MyNumberCard> {
        FaultyCard(try MyNumberCard(profile: card, pins: pins), faults: faults)
    }

    /// How late every answer leaves with the `late:MS` fault, in nanoseconds (0 without it).
    public var lateNanoseconds: UInt64 {
        faults.reduce(0) { total, fault in
            if case .late(let milliseconds) = fault { total + UInt64(milliseconds) * 1_000_000 } else { total }
        }
    }

    /// The card-side delay of each exchange, from the timing profile and the `late` fault: nil
    /// for `instant` without it.
    public func makeDelay() -> ((Span<UInt8>, Span<UInt8>) -> UInt64)? {
        let timing = effectiveTiming
        let late = lateNanoseconds
        if timing == .instant { return late == 0 ? nil : { _, _ in late } }
        let model = DelayBox(CardDelayModel(timing))
        return { command, response in model.nanoseconds(command: command, responseCount: response.count) &+ late }
    }
}

/// Holds the delay model's generator state for a closure; used by one serving thread only.
final class DelayBox: @unchecked Sendable {
    private var model: CardDelayModel
    init(_ model: CardDelayModel) { self.model = model }
    func nanoseconds(command: Span<UInt8>, responseCount: Int) -> UInt64 {
        model.delayNanoseconds(command: command, responseCount: responseCount)
    }
}
