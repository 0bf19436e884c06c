import CardIdentity
import CardTiming
import CardTransport
import Results
import SimulatedCard
import Simulator

extension ReaderEndpoint where Channel == InProcessChannel<FaultyCard<MyNumberCard>> {
    /// The simulated card in this process: no reader and no PC/SC, so it measures the harness.
    /// `reason` says why (it is written beside the numbers); a mute card fails its exchange as a
    /// timeout after `muteTimeout`.
    public static func inProcess(configuration: SimulatorConfiguration, reason: String, muteTimeout: Duration) -> Self {
        let name = "in-process simulated card (no reader)"
        return Self(
            name: name,
            makeChannel: { () throws(TransportError) -> Channel in
                do { return try makeInProcessChannel(configuration, muteTimeout: muteTimeout) } catch {
                    throw TransportError(.other, "cannot make the simulated card: \(error)")
                }
            },
            describe: { channel in
                let atr = channel.atr
                return (
                    ReaderInfo(
                        name: name, identity: nil, modelKey: "in-process", atr: atr.isEmpty ? nil : ATRDescription(atr)),
                    CardInfo(
                        source: .simulatedInProcess,
                        measures:
                            "THE HARNESS ONLY, NOT A READER: the simulated card runs in this process (\(reason)); "
                            + "card-side time comes from a timing profile (modelled)",
                        simulated: configuration.simulationInfo)
                )
            })
    }
}

extension SimulatorConfiguration {
    /// How a result file names this simulation (always modelled).
    public var simulationInfo: SimulationInfo {
        let timing = effectiveTiming
        return SimulationInfo(cardProfile: card.name, timingProfile: timing.name, imitates: timing.imitates)
    }
}
