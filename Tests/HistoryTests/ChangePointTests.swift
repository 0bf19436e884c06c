import History
import Testing

@Suite struct ChangePointTests {
    /// Deterministic noise: a fixed linear congruential sequence in ±`spread`.
    static func noisy(_ count: Int, level: Double, spread: Double = 0.02, seed: UInt64 = 7) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            return level * (1 + spread * (2 * unit - 1))
        }
    }

    @Test("a flat, noisy series has no change point")
    func flat() {
        #expect(ChangePointDetector().detect(Self.noisy(400, level: 500_000)).isEmpty)
    }

    @Test("a 20% step is found where it happened")
    func step() {
        let values = Self.noisy(60, level: 500_000) + Self.noisy(40, level: 600_000, seed: 9)
        let changes = ChangePointDetector().detect(values)
        #expect(changes.map(\.index) == [60])
        #expect(abs((changes.first?.ratio ?? 0) - 1.2) < 0.02)
    }

    @Test("a step below the minimum change is not reported, however clear")
    func small() {
        let values = [Double](repeating: 100, count: 30) + [Double](repeating: 103, count: 30)
        #expect(ChangePointDetector().detect(values).isEmpty)
    }

    @Test("two steps are both found")
    func twoSteps() {
        let values =
            Self.noisy(30, level: 1e6) + Self.noisy(30, level: 1.5e6, seed: 3) + Self.noisy(30, level: 1e6, seed: 5)
        #expect(ChangePointDetector().detect(values).map(\.index) == [30, 60])
    }

    @Test("too short a series has none")
    func short() {
        #expect(ChangePointDetector().detect([1, 2, 3, 100, 200]).isEmpty)
    }
}
