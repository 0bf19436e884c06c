import Histogram

/// The distribution of a set of latencies, in nanoseconds: what every table and result file
/// reports per APDU kind, per phase and for the whole check.
///
/// Percentiles come from an HdrHistogram with three significant digits, so each reported value
/// is within 0.1% of a value that was actually measured; min, max and mean are exact.
public struct LatencySummary: Codable, Sendable, Hashable {
    public var count: Int
    public var min: UInt64
    public var p50: UInt64
    public var p90: UInt64
    public var p95: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64
    public var mean: Double
    public var standardDeviation: Double

    enum CodingKeys: String, CodingKey {
        case count, min, p50, p90, p95, p99, p999 = "p99_9", max, mean, standardDeviation = "stddev"
    }
}

/// Collects latencies and summarises them.
///
/// Recording is O(1) and allocation-free after creation (the histogram's buckets are made up
/// front for 1 ns … 1 hour), so it may run between iterations of a measurement.
public struct LatencyHistogram: Sendable {
    private var histogram: Histogram<UInt64>
    private var exactMin: UInt64 = .max
    private var exactMax: UInt64 = 0
    private var sum: Double = 0

    /// The largest value tracked; longer samples are clamped to it (and counted).
    public static let highestTrackable: UInt64 = 3_600_000_000_000

    public init() {
        histogram = Histogram(highestTrackableValue: Self.highestTrackable, numberOfSignificantValueDigits: .three)
    }

    /// How many values were recorded.
    public var count: Int { Int(histogram.totalCount) }

    /// Records one latency in nanoseconds.
    public mutating func record(_ nanoseconds: UInt64) {
        let value = Swift.min(Swift.max(nanoseconds, 1), Self.highestTrackable)
        _ = histogram.record(value)
        exactMin = Swift.min(exactMin, nanoseconds)
        exactMax = Swift.max(exactMax, nanoseconds)
        sum += Double(nanoseconds)
    }

    /// Adds another histogram's values.
    public mutating func add(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
        exactMin = Swift.min(exactMin, other.exactMin)
        exactMax = Swift.max(exactMax, other.exactMax)
        sum += other.sum
    }

    /// The summary, or nil when nothing was recorded.
    public var summary: LatencySummary? {
        guard count > 0 else { return nil }
        return LatencySummary(
            count: count, min: exactMin,
            p50: histogram.valueAtPercentile(50), p90: histogram.valueAtPercentile(90),
            p95: histogram.valueAtPercentile(95), p99: histogram.valueAtPercentile(99),
            p999: histogram.valueAtPercentile(99.9), max: exactMax,
            mean: sum / Double(count), standardDeviation: histogram.stdDeviation)
    }
}
