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
