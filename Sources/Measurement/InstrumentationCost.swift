/// What timing one APDU costs the measurement itself: two clock reads and one sample appended to
/// reserved storage, the exact work the measured path adds per exchange.
///
/// Run once at the start of every run, so each result file states the overhead of the machine
/// it was measured on (the Benchmarks package measures the same loop with allocation counts).
public enum InstrumentationCost {
    /// Median nanoseconds per APDU over `rounds` rounds of `perRound` recordings.
    public static func measure(rounds: Int = 9, perRound: Int = 20_000) -> Double {
        var recorder = IterationRecorder(apduCapacity: 4096, phaseCapacity: 1)
        var perAPDU: [Double] = []
        perAPDU.reserveCapacity(rounds)
        for _ in 0..<rounds {
            let roundStart = MonotonicClock.now()
            for index in 0..<perRound {
                if index & 4095 == 0 { recorder.reset() }
                recordOne(&recorder, index)
            }
            let elapsed = MonotonicClock.now() - roundStart
            perAPDU.append(Double(elapsed) / Double(perRound))
        }
        perAPDU.sort()
        return perAPDU[perAPDU.count / 2]
    }

    /// One APDU's worth of instrumentation, as the read path does it.
    @inline(never)
    public static func recordOne(_ recorder: inout IterationRecorder, _ index: Int) {
        let start = MonotonicClock.now()
        let end = MonotonicClock.now()
        recorder.record(
            APDUSample(
                step: UInt16(truncatingIfNeeded: index), kind: 1, phase: 1, startNanoseconds: start,
                endNanoseconds: end,
                statusWord: 0x9000, roundTrips: 1))
    }
}
