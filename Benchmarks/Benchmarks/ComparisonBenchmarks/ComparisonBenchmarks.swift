// `readerbench compare` on two real 200-iteration result files (the pin scenario, warm and cold:
// 30 series): reading both files, extracting the series and deciding every one of them (goal:
// about 50 ms), and the statistics alone. The files are the committed fixtures in
// Tests/RunComparisonTests/Fixtures. CI gates on mallocCountTotal only (Thresholds/6.3/).

import Benchmark
import Comparison
import Foundation
import RunComparison

/// The committed fixtures, found from this file's place in the repository.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/RunComparisonTests/Fixtures")
    static let runA = folder.appendingPathComponent("in-process-pin-200-a.json").path
    static let runB = folder.appendingPathComponent("in-process-pin-200-b.json").path
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(5),
        maxIterations: 50)
    let settings = try! ComparisonSettings()

    // What `readerbench compare A B` does before printing: read, extract, compare every series.
    Benchmark("Compare.twoRunFiles", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let documents = [try SeriesDocument.load(Fixtures.runA), try SeriesDocument.load(Fixtures.runB)]
            blackHole(try RunComparer(settings: settings).compare(documents))
        }
    }

    // The statistics alone, on documents already in memory.
    Benchmark("Compare.statistics", configuration: configuration) { benchmark in
        let documents = [try SeriesDocument.load(Fixtures.runA), try SeriesDocument.load(Fixtures.runB)]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try RunComparer(settings: settings).compare(documents))
        }
        benchmark.stopMeasurement()
    }

    // Reading one file: JSON decoding and series extraction.
    Benchmark("Compare.loadOneRunFile", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SeriesDocument.load(Fixtures.runA))
        }
    }
}
