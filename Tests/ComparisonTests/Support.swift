import Foundation

// MARK: - SciPy's answers

/// `Fixtures/reference-values.json`: inputs and SciPy's answers (see Fixtures/README.md).
struct ReferenceValues: Decodable {
    struct Pair: Decodable {
        var seed: Int
        var baseline: [Double]
        var current: [Double]
        var mannWhitneyU: Double
        var mannWhitneyP: Double
        var kolmogorovSmirnovD: Double
        var kolmogorovSmirnovP: Double
        var kolmogorovSmirnovExactP: Double
        var quantiles: [String: Double]
        var mood: [Mood]
    }
    struct Mood: Decodable {
        var quantile: Double
        var pooled: Double
        var baselineAtOrBelow: Int
        var currentAtOrBelow: Int
        var pValue: Double
    }
    struct Fisher: Decodable {
        var a: Int
        var rowTotal: Int
        var columnTotal: Int
        var total: Int
        var pValue: Double
    }
    struct Ranks: Decodable {
        var n: Int
        var p: Double
        var level: Double
        var lowerRank: Int
        var upperRank: Int
        var coverage: Double
    }
    struct NormalQuantile: Decodable {
        var p: Double
        var x: Double
    }
    struct KolmogorovTail: Decodable {
        var lambda: Double
        var tail: Double
    }
    var pairs: [Pair]
    var ranks: [Ranks]
    var normalQuantiles: [NormalQuantile]
    var kolmogorovTail: [KolmogorovTail]
    var fisher: [Fisher]

    static let shared: ReferenceValues = {
        let url = Bundle.module.url(forResource: "Fixtures/reference-values", withExtension: "json")!
        return try! JSONDecoder().decode(ReferenceValues.self, from: Data(contentsOf: url))
    }()
}
