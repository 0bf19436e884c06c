// swift-tools-version: 6.1
//
// ReaderBench's benchmarks, in a nested package so package-benchmark stays out of the
// library's dependency graph. Run from the project root:
//
//   swift package --package-path Benchmarks benchmark
//
// CI gates on allocation counts (wall-clock on shared 2-core machines varies by tens of percent)
// and, through scripts/instructions, on callgrind instruction counts of the hot paths
// (Instructions/: InstructionCounts against the C in CReference/); see scripts/test and
// Benchmarks/Thresholds/.

import PackageDescription

let package = Package(
    name: "readerbench-benchmarks",
    platforms: [.macOS("26.0")],
    dependencies: [
        .package(name: "readerbench", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
    ],
    targets: [
        .executableTarget(
            name: "APDUBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "APDU", package: "readerbench"),
            ],
            path: "Benchmarks/APDUBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "ReadPathBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ReadPath", package: "readerbench"),
                .product(name: "Measurement", package: "readerbench"),
                .product(name: "CardTransport", package: "readerbench"),
                .product(name: "SimulatedCard", package: "readerbench"),
                .product(name: "Simulator", package: "readerbench"),
            ],
            path: "Benchmarks/ReadPathBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "PoolBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RunEngine", package: "readerbench"),
                .product(name: "Measurement", package: "readerbench"),
            ],
            path: "Benchmarks/PoolBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "TraceBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Traces", package: "readerbench"),
                .product(name: "APDU", package: "readerbench"),
                .product(name: "CardTransport", package: "readerbench"),
                .product(name: "HexCoding", package: "readerbench"),
            ],
            path: "Benchmarks/TraceBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "PCSCBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PCSC", package: "readerbench"),
                .product(name: "APDU", package: "readerbench"),
                .product(name: "VPCD", package: "readerbench"),
                .product(name: "CardTransport", package: "readerbench"),
            ],
            path: "Benchmarks/PCSCBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The history at the scale (10,000 runs × 400 iterations): not a package-benchmark
        // target (one run takes minutes); scripts/history-scale-bench runs it and times the commands.
        .executableTarget(
            name: "HistoryScale",
            dependencies: [
                .product(name: "History", package: "readerbench"),
                .product(name: "Results", package: "readerbench"),
                .product(name: "CardIdentity", package: "readerbench"),
                .product(name: "RunModel", package: "readerbench"),
                .product(name: "Measurement", package: "readerbench"),
            ],
            path: "Benchmarks/HistoryScale"),
        .executableTarget(
            name: "PCSCTransmitLoop",
            dependencies: [
                .product(name: "PCSC", package: "readerbench"),
                .product(name: "APDU", package: "readerbench"),
                .product(name: "VPCD", package: "readerbench"),
                .product(name: "CardTransport", package: "readerbench"),
                .product(name: "HexCoding", package: "readerbench"),
                .product(name: "Measurement", package: "readerbench"),
            ],
            path: "Benchmarks/PCSCTransmitLoop"),
        // The deterministic speed gate: hot paths between callgrind marks, run by scripts/instructions.
        // No package-benchmark here, so building it alone stays quick.
        .target(name: "CallgrindMarks", path: "Instructions/CallgrindMarks"),
        .executableTarget(
            name: "InstructionCounts",
            dependencies: [
                "CallgrindMarks",
                .product(name: "APDU", package: "readerbench"),
                .product(name: "BERTLV", package: "readerbench"),
                .product(name: "CardTransport", package: "readerbench"),
                .product(name: "Measurement", package: "readerbench"),
                .product(name: "PCSC", package: "readerbench"),
                .product(name: "Traces", package: "readerbench"),
                .product(name: "VPCD", package: "readerbench"),
            ],
            path: "Instructions/InstructionCounts",
            // The six encode functions differ only in constants, and LLVM's function merging would
            // fold them into one with the constants as arguments (a thunk and no constant folding),
            // which the read path, encoding each command in its own place, never pays.
            swiftSettings: [.unsafeFlags(["-Xfrontend", "-disable-llvm-merge-functions-pass"])]),
        .executableTarget(
            name: "ComparisonBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Comparison", package: "readerbench"),
                .product(name: "RunComparison", package: "readerbench"),
            ],
            path: "Benchmarks/ComparisonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Not a benchmark (its folder is not under Benchmarks/Benchmarks): the README's table of
        // false alarms and power, printed from a release build.
        .executableTarget(
            name: "ComparisonFigures",
            dependencies: [
                .product(name: "Comparison", package: "readerbench"),
                .product(name: "ComparisonSimulation", package: "readerbench"),
                .product(name: "RunComparison", package: "readerbench"),
            ],
            path: "Figures/ComparisonFigures"),
        .executableTarget(
            name: "TLVBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BERTLV", package: "readerbench"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Benchmarks/TLVBenchmarks",
            resources: [.copy("Fixtures")],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)

for target in package.targets where target.name != "CallgrindMarks" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableExperimentalFeature("Lifetimes"))
    target.swiftSettings = settings
}
