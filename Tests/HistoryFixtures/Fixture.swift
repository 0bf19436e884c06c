import CardIdentity
import Foundation
import Measurement
import Results
import RunModel

// MARK: - Fixtures

/// Shared by HistoryTests and HistoryPostgresTests (one store's answers must equal the other's).
///
/// Result files built in code, with known numbers: a pool of two readers (one joining mid-run),
/// failures, taps and an unknown phase, so every field the history keeps is exercised.
public enum Fixture {
    public static let labels = SampleLabels(
        phases: ["connect", "select", "read-certificate", "verify-pin", "sign"],
        apduKinds: ["SELECT", "READ BINARY", "VERIFY", "COMPUTE DIGITAL SIGNATURE"],
        steps: ["select-jpki", "read-header", "read-rest", "verify", "sign"])

    public static func reader(
        id: Int, name: String, usbKey: String? = nil, serial: String? = nil, source: CardInfo.Source = .pcsc
    ) -> ReaderRecord {
        var info = ReaderInfo(
            identity: ReaderIdentity(name: name),
            atr: ATRDescription([0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F]))
        info.usbModelKey = usbKey
        if let usbKey, let serial {
            let parts = usbKey.dropFirst(4).split(separator: "@")
            let ids = parts[0].split(separator: ":")
            info.usb = USBReaderIdentity(
                vendorID: UInt16(ids[0], radix: 16)!, productID: UInt16(ids[1], radix: 16)!, deviceRelease: 0x0100,
                source: .libusb, manufacturer: "SONY", product: "RC-S300/P", serialNumber: serial, bus: 1, address: 7,
                location: "1-2.3", evidence: ["serial number \(serial) matches"])
        }
        return ReaderRecord(
            id: id, reader: info,
            card: CardInfo(
                source: source,
                measures: source == .pcsc ? "a real card in a real reader" : "a simulated card (modelled)"))
    }

    public static func header(
        createdAt: String = "2025-11-22T02:27:00Z", readers: [ReaderRecord]? = nil, pcscLite: String = "2.0.0",
        calibrationFile: String? = nil
    ) -> ResultHeader {
        var calibration = HostCalibration(
            measuredAt: createdAt, origin: calibrationFile == nil ? .runStart : .calibrateFile, stack: "pcscd + vpcd",
            clock: ClockFigures(resolutionNanoseconds: 1, smallestStepNanoseconds: 20, readNanoseconds: 18.5),
            instrumentationNanosecondsPerAPDU: 37,
            floor: Distribution(count: 200, min: 9_000, p50: 10_800, p90: 12_000, p99: 20_000, max: 40_000),
            aa: AANoise(
                workload: "visual, warm, instant card", iterationsPerSide: 200,
                series: [
                    .init(name: "total", p50: 0.01, p90: -0.02, p99: 0.05)
                ]))
        calibration.file = calibrationFile
        return ResultHeader(
            tool: ToolInfo(version: "0.1.0"), createdAt: createdAt,
            run: RunOptions(
                scenario: "pin", iterations: 4, warmup: 1, modes: [.warm, .cold], intervalMilliseconds: 0,
                timeoutMilliseconds: 10_000, readStrategy: ReadStrategy(headerLength: .four, chunking: .exact),
                schedule: .roundRobin),
            environment: Environment(
                os: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1.0", machine: "x86_64", cpu: "AMD EPYC", cpuCount: 2,
                pcscLiteVersion: pcscLite, openSSLVersion: "3.0.15"),
            readers: readers ?? [
                reader(
                    id: 0, name: "SONY FeliCa RC-S300/P [RC-S300/P] (0123456) 00 00", usbKey: "usb:054c:0dc9@1.00",
                    serial: "0123456")
            ],
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: 37), calibration: calibration, labels: labels)
    }

    /// An iteration with five exchanges and known times; `total` in ns.
    public static func iteration(
        _ index: Int, reader: Int = 0, mode: IterationMode = .warm, warmup: Bool = false, total: UInt64 = 400_000_000,
        failure: Failure? = nil, tap: TapTiming? = nil, start: UInt64? = nil
    ) -> IterationResult {
        let kinds = [0, 1, 1, 2, 3]
        let phases = [1, 2, 2, 3, 4]
        var offset: UInt64 = 1_000
        let apdus = (0..<5).map { step -> APDUTiming in
            defer { offset += total / 6 + 150 }
            return APDUTiming(
                step: step, kind: kinds[step], phase: phases[step], startOffsetNanoseconds: offset,
                durationNanoseconds: total / 6, statusWord: failure != nil && step == 4 ? -1 : 0x9000,
                roundTrips: step == 2 ? 2 : 1)
        }
        var phaseTimings = labels.phases.indices.map { phase in
            PhaseTiming(
                phase: labels.phases[phase], startOffsetNanoseconds: UInt64(phase) * 1_000,
                durationNanoseconds: total / 6)
        }
        phaseTimings.append(
            PhaseTiming(phase: "disconnect", startOffsetNanoseconds: total - 10, durationNanoseconds: 10))
        return IterationResult(
            reader: reader, index: index, mode: mode, warmup: warmup,
            startOffsetNanoseconds: start ?? UInt64(index) * 500_000_000, totalNanoseconds: total, failure: failure,
            tap: tap,
            phases: phaseTimings, apdus: apdus)
    }

    /// A finished two-reader run: reader 1 joins after the first iterations; one iteration fails.
    /// `scale` multiplies every total (and the summary's percentiles of the check).
    public static func poolRun(createdAt: String = "2025-11-22T02:27:00Z", scale: Double = 1) -> ResultFile {
        var file = basePoolRun
        guard createdAt != file.header.createdAt || scale != 1 else { return file }
        file.header.createdAt = createdAt
        for index in file.iterations.indices {
            file.iterations[index].totalNanoseconds = UInt64(Double(file.iterations[index].totalNanoseconds) * scale)
        }
        func scaled(_ value: UInt64) -> UInt64 { UInt64(Double(value) * scale) }
        for reader in file.summary!.readers.indices {
            for mode in [IterationMode.warm, .cold] {
                let path: WritableKeyPath<ReaderSummary, ModeSummary?> = mode == .warm ? \.warm : \.cold
                guard var total = file.summary!.readers[reader][keyPath: path]?.total else { continue }
                total.min = scaled(total.min)
                total.p50 = scaled(total.p50)
                total.p90 = scaled(total.p90)
                total.p95 = scaled(total.p95)
                total.p99 = scaled(total.p99)
                total.p999 = scaled(total.p999)
                total.max = scaled(total.max)
                file.summary!.readers[reader][keyPath: path]?.total = total
            }
        }
        return file
    }

    /// Built once: aggregating allocates an HdrHistogram per series, slow in debug builds.
    private static let basePoolRun = makePoolRun(createdAt: "2025-11-22T02:27:00Z")

    private static func makePoolRun(createdAt: String, scale: Double = 1) -> ResultFile {
        let joined = reader(id: 1, name: "ACS ACR39U ICC Reader 00 00", usbKey: "usb:072f:b100@1.00", serial: "RR-77")
        var iterations: [IterationResult] = []
        var aggregator = RunAggregator(labels: labels)
        aggregator.register(reader: 0)
        for index in 0..<6 {
            let mode: IterationMode = index < 3 ? .warm : .cold
            iterations.append(
                iteration(
                    index, mode: mode, warmup: index == 0,
                    total: UInt64(Double(400_000_000 + index * 1_000_000) * scale)))
            if index == 1 {
                iterations.append(
                    iteration(
                        0, reader: 1, total: 900_000_000,
                        failure: Failure(
                            cause: .timeout, step: "sign", apdu: 4,
                            message: "no answer from ACS ACR39U ICC Reader 00 00 (RR-77)")))
            }
            if index == 4 {
                iterations.append(
                    iteration(
                        1, reader: 1, mode: .cold, total: 1_200_000_000,
                        tap: TapTiming(
                            waitNanoseconds: 2_000_000_000, detectionNanoseconds: 120_000_000, removalNanoseconds: 5)))
            }
        }
        for iteration in iterations { aggregator.add(iteration) }
        let summary = aggregator.summary(stopReason: .completed, note: "done")
        return ResultFile(
            header: header(createdAt: createdAt), readers: header(createdAt: createdAt).readers + [joined],
            iterations: iterations, summary: summary, complete: true)
    }
}
