import ComparisonSimulation
import Foundation
import RunComparison

// MARK: - Real samples

/// The real result files committed for the comparison tests (Tests/RunComparisonTests/Fixtures).
enum RealResults {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("RunComparisonTests/Fixtures")

    static let files = ["in-process-pin-200-a.json", "in-process-pin-200-b.json"].map {
        folder.appendingPathComponent($0).path
    }

    /// Every series of both files with at least 100 samples, as shapes to resample.
    static let shapes: [LatencyShape] = files.flatMap { path in
        let document = try! SeriesDocument.load(path)
        let file = path.hasSuffix("a.json") ? "a" : "b"
        return document.readers[0].series.filter { $0.samples.count >= 100 }.map {
            LatencyShape.resampled(name: "\(file) \($0.key)", pool: $0.samples)
        }
    }
}

/// The shapes of the simulations: log-normal, bimodal, heavy-tailed and real, interleaved, the
/// real ones going round every series of both files.
enum SimulationShapes {
    static let synthetic: [LatencyShape] = [.logNormalDefault, .bimodalDefault, .heavyTailedDefault]

    static let mixed: [LatencyShape] = RealResults.shapes.flatMap { synthetic + [$0] }
}
