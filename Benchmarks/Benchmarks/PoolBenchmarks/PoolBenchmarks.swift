// What a reader pool adds per iteration beyond the single-reader path: taking and giving back
// the round-robin turn (the schedule comparisons use by default) and the watchdog's heartbeat at
// the iteration's start and end. One measured iteration here is one iteration of a reader; per
// APDU it is a tenth of it for the visual path (10 exchanges) and a fifteenth for pin.
//
// Not included, because they are not per APDU and run outside every clock: writing the
// iteration to the result file and CSV (JSON encoding, one pwrite) and the progress line.
// CI gates on mallocCountTotal: the turn must not allocate in steady state.

import Benchmark
import Measurement
import RunEngine

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Pool.turnAndHeartbeatPerIteration",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 100,
            scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 10_000)
    ) { benchmark in
        let turns = RoundRobinTurns()
        let heartbeat = Heartbeat()
        // Four readers in the pool; this one takes its turns while the others are paused
        // (waiting for their cards), the cheapest state that still runs the full bookkeeping.
        for reader in 0..<4 { turns.join(reader) }
        for reader in 1..<4 { turns.pause(reader) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = turns.acquire(0, shouldStop: { false })
            heartbeat.beat(startedAt: MonotonicClock.now(), step: -1)
            heartbeat.idle()
            turns.release(0)
        }
        benchmark.stopMeasurement()
    }
}
