// MARK: - Settings

/// What a comparison decides against: the margin, the quantiles, the confidence.
public struct ComparisonSettings: Sendable, Hashable, Codable {
    /// The margin, as a fraction (0.05 for 5%): a change smaller than this is "same", a larger one
    /// can be "faster" or "slower". It is also the regression margin of `gate`.
    public var threshold: Double
    /// The quantiles compared, as fractions in (0, 1), ascending (0.5, 0.9, 0.99).
    public var quantiles: [Double]
    /// The confidence of every interval, and 1 − the family-wise α of the significance tests
    /// (0.99: at most 1% of comparisons of identical runs flag any series).
    public var confidence: Double
    /// Fewer samples than this on either side and a series is inconclusive whatever the data.
    /// The tests' large-sample approximations want about 10 per side (Google benchmark's
    /// `compare.py` asks for 9).
    public var minimumSamples: Int
    /// How the p-values of all the series of a comparison are adjusted together.
    public var correction: Multiplicity.Method

    /// Settings with the defaults of `readerbench compare`: ±5%, p50/p90/p99, 99%, Holm.
    public init(
        threshold: Double = 0.05, quantiles: [Double] = [0.5, 0.9, 0.99], confidence: Double = 0.99,
        minimumSamples: Int = 10, correction: Multiplicity.Method = .holm
    ) throws(ComparisonError) {
        guard threshold > 0 && threshold < 1 else {
            throw ComparisonError(
                .invalidThreshold, value: "\(threshold)", reason: "the margin must be above 0% and below 100%")
        }
        guard !quantiles.isEmpty else {
            throw ComparisonError(.invalidQuantile, value: "", reason: "at least one quantile is needed")
        }
        for quantile in quantiles where !(quantile > 0 && quantile < 1) {
            throw ComparisonError(
                .invalidQuantile, value: "\(quantile)", reason: "a quantile must lie strictly between 0 and 1")
        }
        guard confidence >= 0.5 && confidence < 1 else {
            throw ComparisonError(
                .invalidConfidence, value: "\(confidence)", reason: "the confidence must be at least 0.5 and below 1")
        }
        self.threshold = threshold
        self.quantiles = Array(Set(quantiles)).sorted()
        self.confidence = confidence
        self.minimumSamples = max(2, minimumSamples)
        self.correction = correction
    }

    /// 1 − confidence: the family-wise error rate of the significance tests.
    public var alpha: Double { 1 - confidence }

    // MARK: - Parsing what people type

    /// A margin as typed on a command line, in percent: `5%`, `5` and `2.5%` are 5%, 5% and 2.5%.
    ///
    /// A bare number below 1 (`0.05`) is refused as ambiguous: it could mean 5% or 0.05%, and
    /// either reading silently gives a gate that means something else. `0.5%` is fine.
    public static func parseThreshold(_ text: String) throws(ComparisonError) -> Double {
        let trimmed = text.trimmingSpaces()
        let hasSign = trimmed.hasSuffix("%")
        let digits = hasSign ? String(trimmed.dropLast()) : trimmed
        guard let percent = Double(digits), percent.isFinite, percent > 0, percent < 100 else {
            throw ComparisonError(
                .invalidThreshold, value: text, reason: "expected a percentage above 0 and below 100, such as 5%")
        }
        guard hasSign || percent >= 1 else {
            throw ComparisonError(
                .invalidThreshold, value: text,
                reason: "ambiguous: write \(percent * 100)% or \(percent)% (the margin is in percent)")
        }
        return percent / 100
    }

    /// Quantiles as percentiles separated by commas: `50,90,99` or `p50,p99.9`.
    public static func parseQuantiles(_ text: String) throws(ComparisonError) -> [Double] {
        var quantiles: [Double] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            var field = String(part).trimmingSpaces()
            if field.hasPrefix("p") || field.hasPrefix("P") { field.removeFirst() }
            guard let percentile = Double(field), percentile > 0, percentile < 100 else {
                throw ComparisonError(
                    .invalidQuantile, value: text,
                    reason: "expected percentiles above 0 and below 100 separated by commas, such as 50,90,99")
            }
            // Rounded so that 99.9 gives 0.999, not 0.9990000000000001.
            quantiles.append((percentile * 1e10).rounded() / 1e12)
        }
        return quantiles
    }

    /// A confidence level: a fraction (`0.99`) or a percentage (`99%`).
    public static func parseConfidence(_ text: String) throws(ComparisonError) -> Double {
        let trimmed = text.trimmingSpaces()
        let value: Double?
        if trimmed.hasSuffix("%") {
            value = Double(trimmed.dropLast()).map { $0 / 100 }
        } else {
            value = Double(trimmed)
        }
        guard let value, value >= 0.5, value < 1 else {
            throw ComparisonError(
                .invalidConfidence, value: text,
                reason: "expected a level from 0.5 up to (not including) 1, such as 0.99")
        }
        return value
    }
}

/// `50` for 0.5, `99.9` for 0.999: how quantiles are named in reports (`p50`, `p99.9`).
public func percentileName(_ quantile: Double) -> String {
    let percent = quantile * 100
    let rounded = (percent * 1000).rounded() / 1000
    if rounded == rounded.rounded() { return "p\(Int(rounded))" }
    var text = "\(rounded)"
    while text.hasSuffix("0") { text.removeLast() }
    return "p" + text
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var result = Substring(self)
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return String(result)
    }
}
