// swift-tools-version: 6.1
//
// ReaderBench: measures how fast smart-card readers run the My Number Card
// qualification-check read path. The module graph, from the bottom up:
//
//   pure bytes      HexCoding, APDU, BERTLV, CardIdentity, CCID (USB and CCID class descriptors)
//   C libraries     CPCSCLite (header-only C target), CLibUSB, COpenSSL (system-library targets)
//   card I/O        CardTransport (the one protocol every card source implements), PCSC,
//                   VPCD (the card side of vsmartcard's virtual reader)
//   measurement     Measurement (monotonic clock, HdrHistogram summaries)
//   simulator       SimulatedCard (the pure card model), CardTiming (modelled card-side time),
//                   Simulator (card + timing + faults, served through vpcd or in-process)
//   crypto          CardCrypto (OpenSSL: SHA-256, RSA PKCS#1 v1.5, X.509 public keys)
//   readers         USBDevices (libusb inventory), ReaderCatalog (capability table from the CCID driver's
//                   reader data), ReaderMatching (PC/SC readers to USB devices), ReaderDoctor
//   fleets          HistoryPostgres (the history in PostgreSQL through postgres-nio, for many hosts;
//                   its client is built with the `Fleet` trait only, see below),
//                   LiveMetrics (Prometheus text to a Pushgateway while a run goes)
//   comparing runs  Comparison (pure statistics: quantile intervals, rank tests, verdicts),
//                   RunComparison (result files in, verdicts and reports out),
//                   ComparisonSimulation (synthetic shapes and peer rules, for tests and figures)
//   the tool        ReaderBenchCLI (the `readerbench` executable)
//
// Parsing and encoding know nothing of readers, files or clocks; I/O modules
// sit on top of them. Benchmarks live in the nested package under Benchmarks/
// so package-benchmark stays out of the library's dependency graph.

import PackageDescription

let package = Package(
    name: "readerbench",
    platforms: [.macOS("26.0")],
    products: [
        .executable(name: "readerbench", targets: ["ReaderBenchCLI"]),
        .library(name: "HexCoding", targets: ["HexCoding"]),
        .library(name: "APDU", targets: ["APDU"]),
        .library(name: "BERTLV", targets: ["BERTLV"]),
        .library(name: "CardIdentity", targets: ["CardIdentity"]),
        .library(name: "CardTransport", targets: ["CardTransport"]),
        .library(name: "PCSC", targets: ["PCSC"]),
        .library(name: "VPCD", targets: ["VPCD"]),
        .library(name: "CardCrypto", targets: ["CardCrypto"]),
        .library(name: "Measurement", targets: ["Measurement"]),
        .library(name: "CardTiming", targets: ["CardTiming"]),
        .library(name: "SimulatedCard", targets: ["SimulatedCard"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "Results", targets: ["Results"]),
        .library(name: "ReadPath", targets: ["ReadPath"]),
        .library(name: "Traces", targets: ["Traces"]),
        .library(name: "RunModel", targets: ["RunModel"]),
        .library(name: "RunEngine", targets: ["RunEngine"]),
        .library(name: "Calibration", targets: ["Calibration"]),
        .library(name: "CCID", targets: ["CCID"]),
        .library(name: "ReaderCatalog", targets: ["ReaderCatalog"]),
        .library(name: "USBDevices", targets: ["USBDevices"]),
        .library(name: "ReaderMatching", targets: ["ReaderMatching"]),
        .library(name: "ReaderDoctor", targets: ["ReaderDoctor"]),
        .library(name: "Comparison", targets: ["Comparison"]),
        .library(name: "RunComparison", targets: ["RunComparison"]),
        .library(name: "ComparisonSimulation", targets: ["ComparisonSimulation"]),
        .library(name: "History", targets: ["History"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "HistoryPostgres", targets: ["HistoryPostgres"]),
        .library(name: "LiveMetrics", targets: ["LiveMetrics"]),
        .executable(name: "readerbench-fuzz", targets: ["ReaderBenchFuzz"]),
        .executable(name: "readerbench-fleet-scale", targets: ["FleetScale"]),
    ],
    // `Fleet`: the PostgreSQL history client (docs/fleet.md). Off by default: postgres-nio brings
    // swift-nio, swift-nio-ssl and swift-crypto (two copies of BoringSSL), which triple a clean
    // build, and a care business measuring its one reader needs none of it. Without the trait a
    // `postgresql://` history is refused with a sentence naming the trait; everything else,
    // live metrics included, is in every build. scripts/test builds the tests with it.
    traits: [
        .trait(
            name: "Fleet",
            description: "The history in PostgreSQL for fleets of hosts (postgres-nio, swift-nio, BoringSSL)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The fleet history's PostgreSQL driver (issue 17), used with the Fleet trait only; brings
        // swift-nio, swift-nio-ssl, swift-crypto, swift-log and swift-metrics (the build-time cost
        // is in docs/fleet.md).
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        // Prometheus text format for live metrics; its only dependencies (swift-atomics,
        // swift-metrics) are already in the graph through postgres-nio.
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // Already in the graph through postgres-nio (Fleet); named for the modules HistoryPostgres imports.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
    ],
    targets: [
        // MARK: - C libraries (headers imported, nothing declared by hand)
        // pcsc-lite is a header-only C target rather than a pkg-config system library: its
        // pkg-config flags carry -pthread, which SwiftPM prohibits (a warning on every clean
        // build), and the -I/usr/include/PCSC they carry is what include/'s two forwarding
        // headers provide. The module map links libpcsclite (Debian: libpcsclite-dev).
        .target(name: "CPCSCLite", path: "Sources/CSystem/CPCSCLite"),
        .systemLibrary(
            name: "CLibUSB", path: "Sources/CSystem/CLibUSB", pkgConfig: "libusb-1.0",
            providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/CSystem/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),

        // MARK: - Pure byte-level core
        .target(name: "HexCoding"),
        .target(name: "APDU"),
        .target(name: "BERTLV"),
        .target(name: "CardIdentity", dependencies: ["HexCoding"]),

        // MARK: - Card I/O
        .target(name: "CardTransport", dependencies: ["APDU", "Measurement"]),
        .target(name: "PCSC", dependencies: ["CPCSCLite", "APDU", "CardTransport", "CardIdentity"]),
        .target(name: "VPCD", dependencies: ["CardTransport", "HexCoding", "Measurement"]),
        .target(name: "CardCrypto", dependencies: ["COpenSSL"]),
        .target(name: "CardLayout", dependencies: ["APDU", "HexCoding"]),
        .target(
            name: "SimulatedCard", dependencies: ["APDU", "CardLayout", "CardTransport", "CardCrypto"],
            exclude: ["Identity"]),

        // MARK: - Measurement
        .target(name: "Measurement", dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]),
        .target(name: "CardTiming", dependencies: ["Measurement"], resources: [.copy("Profiles")]),

        // MARK: - The simulator: the card model, timing and faults served through vpcd or in-process
        .target(
            name: "Simulator",
            dependencies: [
                "SimulatedCard", "CardTiming", "CardTransport", "VPCD", "Measurement", "HexCoding", "APDU", "Traces",
            ]),

        // MARK: - The read path and its results
        .target(name: "RunModel"),
        .target(
            name: "ReadPath",
            dependencies: [
                "APDU", "BERTLV", "CardIdentity", "CardLayout", "CardTransport", "CardCrypto", "Measurement",
                "RunModel",
            ]),
        .target(name: "Results", dependencies: ["Measurement", "CardIdentity", "RunModel"]),
        .target(name: "Traces", dependencies: ["APDU", "HexCoding", "CardTransport", "Measurement"]),

        // MARK: - The host's own error bars, measured on the stack a run uses
        .target(
            name: "Calibration",
            dependencies: [
                "APDU", "CardTransport", "Measurement", "PCSC", "ReadPath", "Results", "SimulatedCard", "Simulator",
                "Traces", "VPCD",
            ]),

        // MARK: - The run: one reader or a pool, card-source selection, result sinks
        .target(
            name: "RunEngine",
            dependencies: [
                "RunModel", "ReadPath", "Results", "Measurement", "CardTransport", "CardIdentity", "CardCrypto", "PCSC",
                "VPCD", "Simulator", "SimulatedCard", "CardTiming", "Traces", "HexCoding", "ReaderMatching",
                "ReaderCatalog",
                "USBDevices",
                "CCID", .product(name: "Subprocess", package: "swift-subprocess"),
            ]),
        // MARK: - Every run kept (SQLite through GRDB), and the procurement report (pure rendering)
        .target(
            name: "History",
            dependencies: [
                "Results", "RunModel", "Measurement", "CardIdentity", "CardCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(name: "Report", dependencies: ["Results", "RunModel", "Measurement", "CardIdentity"]),
        // MARK: - Fleets: the history in PostgreSQL (same schema and queries), live metrics
        .target(
            name: "HistoryPostgres",
            dependencies: [
                "History", "Results", "RunModel", "Measurement",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Fleet"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Fleet"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Fleet"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Fleet"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Fleet"])),
            ]),
        .target(
            name: "LiveMetrics",
            dependencies: [
                "Results", "RunModel", "Measurement", .product(name: "Prometheus", package: "swift-prometheus"),
            ]),

        // The fleet's scale figures (scripts/fleet-scale, docs/fleet.md): hosts forwarding at once,
        // and the trend query over what they wrote. A measuring tool; it asserts nothing.
        .executableTarget(
            name: "FleetScale",
            dependencies: ["History", "HistoryPostgres", "HistoryFixtures", "Results", "RunModel"]),

        // MARK: - USB readers: descriptors (pure), enumeration (libusb)
        .target(name: "CCID"),
        .target(name: "ReaderCatalog", dependencies: ["CCID"]),
        .target(name: "USBDevices", dependencies: ["CCID", "CLibUSB"]),
        .target(name: "ReaderMatching", dependencies: ["CCID", "CardIdentity", "ReaderCatalog"]),
        .target(name: "ReaderDoctor", dependencies: ["CCID", "CardIdentity", "ReaderCatalog", "ReaderMatching"]),
        // MARK: - Comparing runs: pure statistics, then result files in and verdicts out
        .target(name: "Comparison"),
        .target(name: "RunComparison", dependencies: ["Comparison", "Results", "RunModel", "Measurement"]),
        // Synthetic shapes and peer rules for the simulation tests and the README's figures.
        .target(name: "ComparisonSimulation", dependencies: ["Comparison"]),

        // MARK: - The tool
        .executableTarget(
            name: "ReaderBenchCLI",
            dependencies: [
                "HexCoding", "APDU", "BERTLV", "CardIdentity", "CardTransport", "PCSC", "VPCD", "Measurement",
                "Simulator", "SimulatedCard", "CardTiming", "ReadPath", "Results", "CardLayout", "CardCrypto", "Traces",
                "RunModel", "RunEngine", "Calibration",
                "CCID", "USBDevices", "ReaderCatalog", "ReaderMatching", "ReaderDoctor", "History", "Report",
                "Comparison", "RunComparison", "HistoryPostgres", "LiveMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Fuzzing (Fuzz/README.md): the harnesses, and the libFuzzer driver scripts/fuzz builds
        .target(
            name: "FuzzTargets",
            dependencies: [
                "APDU", "BERTLV", "CardIdentity", "CardTransport", "CCID", "HexCoding", "Results", "Traces", "VPCD",
            ]),
        .executableTarget(name: "ReaderBenchFuzz", dependencies: ["FuzzTargets"]),

        // MARK: - Tests (one target per module, named for the module)
        // What tests that need the real PC/SC rig or servers share: the READERBENCH_RIG and
        // READERBENCH_POSTGRES conventions, scriptor, psql.
        .target(name: "RigSupport", dependencies: ["VPCD"], path: "Tests/RigSupport"),
        .testTarget(name: "SystemLibrarySmokeTests", dependencies: ["CPCSCLite", "CLibUSB", "COpenSSL"]),
        .testTarget(name: "HexCodingTests", dependencies: ["HexCoding"]),
        .testTarget(
            name: "APDUTests",
            dependencies: ["APDU", "HexCoding", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(
            name: "BERTLVTests",
            dependencies: ["BERTLV", "HexCoding", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "CardIdentityTests", dependencies: ["CardIdentity", "HexCoding"]),
        .testTarget(name: "CardLayoutTests", dependencies: ["CardLayout", "APDU", "HexCoding"]),
        .testTarget(name: "CardTransportTests", dependencies: ["CardTransport", "APDU", "HexCoding"]),
        .testTarget(
            name: "PCSCTests", dependencies: ["PCSC", "APDU", "HexCoding", "CardTransport", "VPCD", "RigSupport"]),
        .testTarget(name: "MeasurementTests", dependencies: ["Measurement"]),
        .testTarget(
            name: "ReadPathTests",
            dependencies: [
                "ReadPath", "RunModel", "Simulator", "SimulatedCard", "CardTiming", "CardTransport", "APDU",
                "CardLayout", "Measurement",
            ]),
        .testTarget(
            name: "TracesTests",
            dependencies: ["Traces", "APDU", "HexCoding", "CardTransport", "Measurement", "RigSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["Results", "RigSupport", "Measurement", "RunModel", "CardIdentity"]),
        .testTarget(
            name: "RunEngineTests",
            dependencies: [
                "RunEngine", "RunModel", "Results", "ReadPath", "Measurement", "CardTransport", "APDU", "SimulatedCard",
                "Simulator", "RigSupport",
            ]),
        .testTarget(
            name: "ResultsTests", dependencies: ["Results", "Measurement", "CardIdentity", "RunModel"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "CardTimingTests", dependencies: ["CardTiming", "Measurement"]),
        .testTarget(
            name: "SimulatedCardTests",
            dependencies: ["SimulatedCard", "CardLayout", "CardTransport", "APDU", "HexCoding", "CardCrypto", "BERTLV"]),
        .testTarget(
            name: "SimulatorTests",
            dependencies: [
                "Simulator", "SimulatedCard", "CardTiming", "CardTransport", "APDU", "HexCoding", "CardCrypto",
                "BERTLV", "PCSC", "Measurement", "ReadPath", "RigSupport",
            ]),
        .testTarget(name: "VPCDTests", dependencies: ["VPCD", "CardTransport", "APDU", "HexCoding", "RigSupport"]),
        .testTarget(
            name: "CardCryptoTests", dependencies: ["CardCrypto", "HexCoding"], resources: [.copy("Fixtures")]),
        // The CCID driver project's 697 reader descriptor dumps (facts, with SOURCE.md), and the code
        // that turns a dump's fields back into descriptor bytes; shared by the reader test targets.
        .target(
            name: "CCIDFixtures", dependencies: ["CCID", "CardIdentity"], path: "Tests/CCIDFixtures",
            exclude: ["README.md"],
            resources: [.copy("ccid-readers")]),
        .testTarget(name: "CCIDTests", dependencies: ["CCID", "CCIDFixtures"]),
        .testTarget(name: "USBDevicesTests", dependencies: ["USBDevices", "CCID", "CLibUSB", "CCIDFixtures"]),
        .testTarget(
            name: "ReaderMatchingTests",
            dependencies: ["ReaderMatching", "CCID", "CardIdentity", "ReaderCatalog", "CCIDFixtures"]),
        .testTarget(
            name: "ReaderDoctorTests",
            dependencies: ["ReaderDoctor", "ReaderMatching", "CCID", "CardIdentity", "ReaderCatalog", "CCIDFixtures"]),
        .testTarget(name: "ReaderCatalogTests", dependencies: ["ReaderCatalog", "CCID", "CCIDFixtures"]),
        .testTarget(
            name: "ComparisonTests", dependencies: ["Comparison", "ComparisonSimulation"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "RunComparisonTests", dependencies: ["RunComparison", "Comparison", "Results", "RunModel"],
            resources: [.copy("Fixtures")]),
        // The statistical promises, simulated: A/A false alarms, power, coverage.
        .testTarget(
            name: "ComparisonSimulationTests", dependencies: ["ComparisonSimulation", "Comparison", "RunComparison"]),
        // Result files built in code, shared by the history's two stores' tests.
        .target(
            name: "HistoryFixtures", dependencies: ["Results", "RunModel", "Measurement", "CardIdentity"],
            path: "Tests/HistoryFixtures"),
        .testTarget(
            name: "HistoryTests",
            dependencies: [
                "HistoryFixtures", "History", "Results", "RunModel", "Measurement", "CardIdentity",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // READERBENCH_POSTGRES=1: against the server scripts/postgres started (a missing one fails).
        .testTarget(
            name: "HistoryPostgresTests",
            dependencies: [
                "HistoryPostgres", "History", "HistoryFixtures", "RigSupport", "Results", "RunModel", "Measurement",
                "CardIdentity",
            ]),
        // READERBENCH_PUSHGATEWAY=1: pushes to the Pushgateway scripts/pushgateway started.
        .testTarget(
            name: "LiveMetricsTests",
            dependencies: ["LiveMetrics", "HistoryFixtures", "Results", "RunModel", "Measurement"]),
        .testTarget(
            name: "ReportTests", dependencies: ["Report", "Results", "RunModel", "Measurement", "CardIdentity"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets"]),
    ]
)

// MARK: - Settings for every target
// Returning spans from functions (`@_lifetime`) needs the Lifetimes feature; it is not an
// unsafe flag, so packages depending on ReaderBench still build.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableExperimentalFeature("Lifetimes"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
