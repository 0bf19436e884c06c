import RunModel
import CardLayout
import CardTransport
import Measurement
import ReadPath
import SimulatedCard
import Simulator

typealias SimulatedChannel = InProcessChannel<FaultyCard<MyNumberCard>>

/// An engine over the simulated card in-process (instant timing unless told otherwise).
func makeEngine(
    _ scenario: Scenario, strategy: ReadStrategy = ReadStrategy(), card: CardProfile = .contactless,
    faults: [CardFault] = [], pin: String? = "1234", pinFloor: Int? = nil, tries: Int? = nil,
    identity: CardIdentityMaterial? = nil, muteTimeout: Duration = .milliseconds(50)
) throws -> ReadPathEngine<SimulatedChannel> {
    var base = try MyNumberCard(profile: card, identity: identity ?? .synthetic)
    if let tries {
        base.setTries(.jpkiAuthentication, tries)
        base.setTries(.text, tries)
    }
    let channel = InProcessChannel(card: FaultyCard(base, faults: faults), muteTimeout: muteTimeout)
    var engine = ReadPathEngine(
        channel: channel, scenario: scenario, strategy: strategy, pin: pin.map { SecretPIN(Array($0.utf8)) },
        pinFloor: pinFloor)
    engine.setChallenge(digestInfo: try Challenge.digestInfo(for: try Challenge.random()))
    return engine
}

extension ReadPathEngine where Channel: ~Copyable {
    /// The kinds of the APDUs the last iteration sent, in order.
    var kinds: [APDUKind] { recorder.apdus.compactMap { APDUKind(rawValue: $0.kind) } }
}
