// swift-tools-version: 6.1
//
// ReaderBench: measures how fast smart-card readers run the My Number Card
// qualification-check read path. The module graph, from the bottom up:
//
//   pure bytes      HexCoding, APDU, BERTLV, CardIdentity
//   C libraries     CPCSCLite, CLibUSB, COpenSSL (system-library targets)
//   card I/O        CardTransport (the one protocol every card source implements), PCSC,
//                   VPCD (the card side of vsmartcard's virtual reader)
//   measurement     Measurement (monotonic clock, HdrHistogram summaries)
//   simulator       SimulatedCard (the pure card model), CardTiming (modelled card-side time),
//                   Simulator (card + timing + faults, served through vpcd or in-process)
//   crypto          CardCrypto (OpenSSL: SHA-256, RSA PKCS#1 v1.5, X.509 public keys)
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
        .executable(name: "readerbench-fuzz", targets: ["ReaderBenchFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // MARK: - C libraries (headers imported, nothing declared by hand)
        .systemLibrary(
            name: "CPCSCLite", path: "Sources/CSystem/CPCSCLite", pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]),
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
        .target(name: "CardLayout"),
        .target(name: "SimulatedCard", dependencies: ["APDU", "CardLayout", "CardTransport", "CardCrypto"], exclude: ["Identity"]),

        // MARK: - Measurement
        .target(name: "Measurement", dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]),
        .target(name: "CardTiming", dependencies: ["Measurement"], resources: [.copy("Profiles")]),

        // MARK: - The simulator: the card model, timing and faults served through vpcd or in-process
        .target(name: "Simulator", dependencies: ["SimulatedCard", "CardTiming", "CardTransport", "VPCD", "Measurement", "HexCoding", "APDU", "Traces"]),

        // MARK: - The read path and its results
        .target(
            name: "ReadPath",
            dependencies: [
                "APDU", "BERTLV", "CardIdentity", "CardLayout", "CardTransport", "CardCrypto", "Measurement",
            ]),
        .target(name: "Results", dependencies: ["Measurement", "CardIdentity"]),
        .target(name: "Traces", dependencies: ["APDU", "HexCoding", "CardTransport", "Measurement"]),

        // MARK: - The tool
        .executableTarget(
            name: "ReaderBenchCLI",
            dependencies: [
                "HexCoding", "APDU", "BERTLV", "CardIdentity", "CardTransport", "PCSC", "VPCD", "Measurement",
                "Simulator", "SimulatedCard", "CardTiming", "ReadPath", "Results", "CardLayout", "CardCrypto", "Traces",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Fuzzing (Fuzz/README.md): the harnesses, and the libFuzzer driver scripts/fuzz builds
        .target(
            name: "FuzzTargets",
            dependencies: ["APDU", "BERTLV", "CardIdentity", "CardTransport", "HexCoding", "Results", "Traces", "VPCD"]),
        .executableTarget(name: "ReaderBenchFuzz", dependencies: ["FuzzTargets"]),

        // MARK: - Tests (one target per module, named for the module)
        // What tests that need the real PC/SC rig share: the READERBENCH_RIG convention, scriptor.
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
        .testTarget(name: "CardTransportTests", dependencies: ["CardTransport", "APDU", "HexCoding"]),
        .testTarget(name: "PCSCTests", dependencies: ["PCSC", "APDU", "HexCoding", "CardTransport", "VPCD", "RigSupport"]),
        .testTarget(name: "MeasurementTests", dependencies: ["Measurement"]),
        .testTarget(
            name: "ReadPathTests",
            dependencies: ["ReadPath", "Simulator", "SimulatedCard", "CardTiming", "CardTransport", "APDU", "CardLayout", "Measurement"]),
        .testTarget(
            name: "TracesTests", dependencies: ["Traces", "APDU", "HexCoding", "CardTransport", "Measurement", "RigSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "EndToEndTests", dependencies: ["Results", "RigSupport", "Measurement"]),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "Measurement", "CardIdentity"]),
        .testTarget(name: "CardTimingTests", dependencies: ["CardTiming", "Measurement"]),
        .testTarget(name: "SimulatedCardTests", dependencies: ["SimulatedCard", "CardLayout", "CardTransport", "APDU", "HexCoding", "CardCrypto", "BERTLV"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "SimulatedCard", "CardTiming", "CardTransport", "APDU", "HexCoding", "CardCrypto", "BERTLV", "PCSC", "Measurement", "RigSupport"]),
        .testTarget(name: "VPCDTests", dependencies: ["VPCD", "CardTransport", "APDU", "HexCoding", "RigSupport"]),
        .testTarget(name: "CardCryptoTests", dependencies: ["CardCrypto", "HexCoding"], resources: [.copy("Fixtures")]),
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
