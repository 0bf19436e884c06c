import Comparison
import ComparisonSimulation
import Testing

/// Ranked groups with ties: never a single winner the data cannot separate.
@Suite("Ranking")
struct RankingTests {
    @Test("three sides each decisively apart rank 1, 2, 3")
    func clearOrder() {
        let beats: Set<[Int]> = [[0, 1], [0, 2], [1, 2]]
        let ranking = RankedGroups(estimates: [1, 2, 3]) { beats.contains([$0, $1]) }
        #expect(ranking.groups == [[0], [1], [2]])
        #expect(ranking.ranks == [1, 2, 3])
        #expect(ranking.overlaps.isEmpty)
    }

    @Test("two sides inside the margin share rank 1; the third is rank 3")
    func tieAtTheTop() {
        let beats: Set<[Int]> = [[0, 2], [1, 2]]
        let ranking = RankedGroups(estimates: [1.02, 1, 3]) { beats.contains([$0, $1]) }
        #expect(ranking.groups == [[1, 0], [2]])
        #expect(ranking.ranks == [1, 3])
    }

    @Test("the fastest estimate is no single winner when it does not beat every other side")
    func noFalseWinner() {
        // A beats B, B beats C, but A against C is inconclusive (C's interval is wide).
        let beats: Set<[Int]> = [[0, 1], [1, 2]]
        let ranking = RankedGroups(estimates: [1, 1.1, 1.2]) { beats.contains([$0, $1]) }
        #expect(ranking.groups[0].count > 1)
        #expect(ranking.groups[0].contains(0) && ranking.groups[0].contains(2))
    }

    @Test(
        "for random verdicts: a lone winner beats everyone, nobody ranks above a side that beats it, groups partition")
    func invariants() {
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<300 {
            let count = 2 + Int(generator.next() % 6)
            let estimates = (0..<count).map { _ in generator.nextUnit() }
            var beats = Set<[Int]>()
            for i in 0..<count {
                for j in 0..<count where estimates[i] < estimates[j] && generator.nextUnit() < 0.5 {
                    beats.insert([i, j])
                }
            }
            let ranking = RankedGroups(estimates: estimates) { beats.contains([$0, $1]) }
            #expect(ranking.groups.flatMap { $0 }.sorted() == Array(0..<count))
            if ranking.groups[0].count == 1 {
                let winner = ranking.groups[0][0]
                #expect((0..<count).allSatisfy { $0 == winner || beats.contains([winner, $0]) })
            }
            for (high, upper) in ranking.groups.enumerated() {
                for lower in ranking.groups[(high + 1)...] {
                    for winner in lower {
                        #expect(!upper.contains { beats.contains([winner, $0]) })
                    }
                }
            }
        }
    }
}
