// The read path's own costs: the instrumentation added to every APDU (goal: under 100 ns and
// 0 allocations, issue 5), and whole iterations against the simulated card in-process, which show
// that the measured path (connect → APDUs → disconnect) allocates nothing of its own.

import Benchmark
import CardTransport
import Measurement
import ReadPath
import SimulatedCard
import Simulator

let benchmarks: @Sendable () -> Void = {
    let fast = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000)

    Benchmark("Instrumentation.recordAPDU", configuration: fast) { benchmark in
        var recorder = IterationRecorder(apduCapacity: 4096, phaseCapacity: 1)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            if index & 2047 == 0 { recorder.reset() }
            InstrumentationCost.recordOne(&recorder, index)
        }
        benchmark.stopMeasurement()
        blackHole(recorder.apdus.count)
    }

    let iterations = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(3),
        maxIterations: 5_000)

    // The visual check: select, read the certificate in 256-byte chunks; the card in-process.
    Benchmark("ReadPath.visualIterationInProcess", configuration: iterations) { benchmark in
        let channel = try makeInProcessChannel(SimulatorConfiguration())
        var engine = ReadPathEngine(channel: channel, scenario: .visual)
        _ = engine.runIteration(powerAfter: .leave)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(engine.runIteration(powerAfter: .leave) == nil)
        }
        benchmark.stopMeasurement()
    }

    // The PIN path in-process: includes the simulated card's RSA-2048 signature through OpenSSL,
    // whose allocations are the card's, not the harness's.
    Benchmark("ReadPath.pinIterationInProcess", configuration: iterations) { benchmark in
        let channel = try makeInProcessChannel(SimulatorConfiguration())
        var engine = ReadPathEngine(channel: channel, scenario: .pin, pin: SecretPIN(Array("1234".utf8)))
        engine.setChallenge(digestInfo: try Challenge.digestInfo(for: [UInt8](repeating: 7, count: 32)))
        _ = engine.runIteration(powerAfter: .leave)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(engine.runIteration(powerAfter: .leave) == nil)
        }
        benchmark.stopMeasurement()
    }
}
