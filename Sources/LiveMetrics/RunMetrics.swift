import Foundation
import Prometheus
import Results
import RunModel

// MARK: - A run's iterations as Prometheus metrics

/// Turns a run's finished iterations into Prometheus histograms and counters (swift-prometheus),
/// for a Pushgateway and the fleet dashboard.
///
/// Labels are low-cardinality only: `model` (the reader's model key), `phase` or `apdu` (the
/// scenario's names), `mode` (warm, cold), `site`, and `source` (measured or modelled, so a
/// dashboard never mixes a simulated card with a reader). Never a card, a serial number, a
/// reader's PC/SC name or a person: none of those is in any label. The host is the Pushgateway
/// group's `instance`, not a label here.
///
/// Warm-up iterations are not counted (as in every summary). It has the shape of RunEngine's
/// `RunRecorder` (the CLI declares the conformance): the engine calls it under its sink's lock;
/// each call costs a few histogram updates and no I/O.
public final class RunMetrics: @unchecked Sendable {
    /// The registry the text exposition is made from.
    public let registry = PrometheusCollectorRegistry()
    private let site: String
    private let lock = NSLock()
    private var labels = SampleLabels(phases: [], apduKinds: [], steps: [])
    private var readers: [Int: (model: String, source: String)] = [:]
    private var checks: [Key: DurationHistogram] = [:]
    private var phases: [Key: DurationHistogram] = [:]
    private var apdus: [Key: DurationHistogram] = [:]
    private var iterations: [Key: Counter] = [:]

    private struct Key: Hashable {
        var reader: Int
        var mode: IterationMode
        var name: String
    }

    /// Metrics labelled with `site` (empty when the run has none).
    public init(site: String?) {
        self.site = site ?? ""
    }

    public func started(_ header: ResultHeader) throws {
        lock.lock()
        defer { lock.unlock() }
        labels = header.labels
        for record in header.readers { register(record) }
    }

    public func joined(_ reader: ReaderRecord) throws {
        lock.lock()
        defer { lock.unlock() }
        register(reader)
    }

    public func append(_ iteration: IterationResult) throws {
        guard !iteration.warmup else { return }
        lock.lock()
        defer { lock.unlock() }
        guard let reader = readers[iteration.reader] else { return }
        let mode = iteration.mode
        counter(reader: iteration.reader, mode: mode, outcome: iteration.ok ? "ok" : "failed", identity: reader)
            .increment()
        guard iteration.ok else { return }
        histogram(
            &checks, name: "readerbench_check_seconds", reader: iteration.reader, mode: mode, extra: nil,
            identity: reader
        ).record(.nanoseconds(Int64(clamping: iteration.totalNanoseconds)))
        for phase in iteration.phases {
            histogram(
                &phases, name: "readerbench_phase_seconds", reader: iteration.reader, mode: mode,
                extra: ("phase", phase.phase), identity: reader
            ).record(.nanoseconds(Int64(clamping: phase.durationNanoseconds)))
        }
        for apdu in iteration.apdus where apdu.hasResponse {
            let kind = labels.apduKinds.indices.contains(apdu.kind) ? labels.apduKinds[apdu.kind] : "unknown"
            histogram(
                &apdus, name: "readerbench_apdu_seconds", reader: iteration.reader, mode: mode, extra: ("apdu", kind),
                identity: reader
            ).record(.nanoseconds(Int64(clamping: apdu.durationNanoseconds)))
        }
    }

    public func finished(_ summary: RunSummary) throws {}

    /// The metrics in Prometheus' text exposition format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: - Series

    /// The model label is the USB key (`usb:VVVV:PPPP@release`: the model and its firmware) when
    /// the reader's USB identity is known, else the model key from the name; never the PC/SC
    /// name itself, which carries a serial number and a slot.
    private func register(_ record: ReaderRecord) {
        let model = record.reader.usbModelKey ?? record.reader.modelKey
        readers[record.id] = (model, record.card.isModelled ? "modelled" : "measured")
    }

    private func baseLabels(_ identity: (model: String, source: String), mode: IterationMode) -> [(String, String)] {
        [("model", identity.model), ("mode", mode.rawValue), ("site", site), ("source", identity.source)]
    }

    private func histogram(
        _ table: inout [Key: DurationHistogram], name: String, reader: Int, mode: IterationMode,
        extra: (String, String)?, identity: (model: String, source: String)
    ) -> DurationHistogram {
        let key = Key(reader: reader, mode: mode, name: extra?.1 ?? "")
        if let existing = table[key] { return existing }
        var labels = baseLabels(identity, mode: mode)
        if let extra { labels.append(extra) }
        let made = registry.makeDurationHistogram(
            descriptor: Self.descriptor(name), labels: labels, buckets: LatencyBuckets.durations)
        table[key] = made
        return made
    }

    private func counter(reader: Int, mode: IterationMode, outcome: String, identity: (model: String, source: String))
        -> Counter
    {
        let key = Key(reader: reader, mode: mode, name: outcome)
        if let existing = iterations[key] { return existing }
        let made = registry.makeCounter(
            descriptor: Self.descriptor("readerbench_iterations_total"),
            labels: baseLabels(identity, mode: mode) + [("outcome", outcome)])
        iterations[key] = made
        return made
    }

    /// `readerbench_NAME_UNIT` with its help text.
    static func descriptor(_ name: String) -> MetricNameDescriptor {
        let parts = name.split(separator: "_").map(String.init)
        return MetricNameDescriptor(
            namespace: parts[0], metricName: parts[1], unitName: parts[2], helpText: help[name] ?? "")
    }

    static let help: [String: String] = [
        "readerbench_check_seconds": "The whole qualification check of one iteration (successful iterations).",
        "readerbench_phase_seconds": "One phase of the check (select, read the certificate, verify the PIN, sign).",
        "readerbench_apdu_seconds": "One command-response exchange, by APDU kind, GET RESPONSE and resends included.",
        "readerbench_iterations_total": "Measured iterations, by outcome (ok or failed).",
    ]
}
