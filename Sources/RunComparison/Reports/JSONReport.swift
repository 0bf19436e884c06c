import Foundation

// MARK: - JSON

/// The report as JSON: ``ComparisonReport`` (and the gate's decision) as Codable, keys sorted so
/// two reports diff cleanly.
public enum JSONReport {
    /// `value` as pretty-printed JSON with sorted keys.
    public static func render<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every value in a report is a plain struct of numbers and strings: encoding cannot fail.
        let data = try! encoder.encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
