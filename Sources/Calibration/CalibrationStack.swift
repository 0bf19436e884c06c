import CardTransport
import Measurement
import PCSC
import SimulatedCard
import Simulator
import Synchronization
import VPCD

/// The card calibration talks to: the simulated card with no timing profile, whose card-side
/// delay is set between measurements (and can be waited out by spinning instead of sleeping).
final class CalibrationCardTiming: Sendable {
    private let delay = Atomic<UInt64>(0)
    private let spin = Atomic<Bool>(false)

    /// Every later answer waits `nanoseconds` on the card side; `spinning` waits by spinning.
    func set(delay nanoseconds: UInt64, spinning: Bool = false) {
        delay.store(nanoseconds, ordering: .releasing)
        spin.store(spinning, ordering: .releasing)
    }

    /// The reply deadline for an exchange received at `receivedAt` (nil: answer at once). A
    /// spinning wait happens here, so the server finds the deadline passed.
    func deadline(receivedAt: UInt64) -> UInt64? {
        let wait = delay.load(ordering: .acquiring)
        guard wait > 0 else { return nil }
        if spin.load(ordering: .acquiring) {
            PreciseWait.spin(until: receivedAt &+ wait)
            return receivedAt
        }
        return receivedAt &+ wait
    }
}

/// Where calibration exchanges go, and how to open a connection there.
enum CalibrationStack {
    /// A vpcd slot of the rig, through pcscd: the stack `run` measures the simulated card on.
    case vpcd(slot: Int)
    /// The simulated card in this process: the harness alone.
    case inProcess

    var description: String {
        switch self {
        case .vpcd(let slot): "pcscd + vpcd (\(VPCDEndpoint.readerName(slot: slot))), simulated card"
        case .inProcess: "in-process simulated card (no PC/SC)"
        }
    }
}

/// A card served on a vpcd slot for the calibration, stopped (and the slot freed) at the end.
final class ServedCalibrationCard: Sendable {
    let timing = CalibrationCardTiming()
    private let thread: VPCDCardThread<FaultyCard<MyNumberCard>>
    let readerName: String

    init(slot: Int) throws {
        readerName = VPCDEndpoint.readerName(slot: slot)
        let timing = self.timing
        var server = VPCDServerConfiguration(endpoint: .slot(slot))
        server.giveUpConnectingAfter = .seconds(5)
        thread = try VPCDCardThread(
            card: try SimulatorConfiguration().makeCard(), configuration: server,
            replyDeadline: { _, _, receivedAt in timing.deadline(receivedAt: receivedAt) })
    }

    func stop() {
        thread.stop()
        _ = thread.join()
    }
}
