// Walks of the synthetic RSA-2048 certificate: BERTLV against swift-asn1 on the same bytes, in the same run,
// so the ratio holds even though wall-clock on these shared machines moves by tens of percent between runs.
// CI gates on mallocCountTotal only (Thresholds/6.3/).

import BERTLV
import Benchmark
import Foundation
import SwiftASN1

// MARK: - Walks

/// Visits every node with BERTLV, descending into constructed values, and folds tags and lengths
/// into a number the optimiser cannot discard.
@inline(never)
func walkWithBERTLV(_ bytes: Span<UInt8>) throws(TLVError) -> UInt64 {
    var reader = TLVReader(bytes)
    var sum: UInt64 = 0
    try walkLevel(&reader, &sum)
    return sum
}

func walkLevel(_ reader: inout TLVReader, _ sum: inout UInt64) throws(TLVError) {
    while let node = try reader.next() {
        sum &+= UInt64(node.tag.rawValue) &+ UInt64(node.valueLength)
        if node.isConstructed {
            var children = node.children
            try walkLevel(&children, &sum)
        }
    }
}

/// The same walk with swift-asn1: `DER.parse` builds its node list, then every node is visited.
@inline(never)
func walkWithSwiftASN1(_ bytes: [UInt8]) throws -> UInt64 {
    let root = try DER.parse(bytes)
    var sum: UInt64 = 0
    visit(root, &sum)
    return sum
}

func visit(_ node: ASN1Node, _ sum: inout UInt64) {
    sum &+= UInt64(node.identifier.tagNumber)
    switch node.content {
    case .constructed(let children):
        sum &+= UInt64(node.encodedBytes.count)
        for child in children { visit(child, &sum) }
    case .primitive(let value):
        sum &+= UInt64(value.count)
    }
}

// MARK: - Fixture

/// The certificate from the target's `Fixtures/` resources, loaded once outside any measurement.
func loadCertificate() -> [UInt8] {
    guard
        let url = Bundle.module.url(forResource: "synthetic-rsa2048", withExtension: "der", subdirectory: "Fixtures"),
        let data = try? Data(contentsOf: url)
    else {
        fatalError("Fixtures/synthetic-rsa2048.der is missing from the TLVBenchmarks bundle")
    }
    return [UInt8](data)
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let certificate = loadCertificate()
    // 1000 walks per measured iteration keeps the timer's own cost out of a sub-microsecond walk.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000)

    Benchmark("TLV.walkCertificate", configuration: configuration) { benchmark in
        let bytes = certificate.span
        for _ in benchmark.scaledIterations {
            blackHole(try walkWithBERTLV(bytes))
        }
    }

    Benchmark("TLV.swiftASN1WalkCertificate", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try walkWithSwiftASN1(certificate))
        }
    }
}
