// MARK: - Ranking more than two sides

/// Readers (or any sides) in ranked groups with ties: the procurement answer to "which is
/// fastest?" that never names a single winner the data cannot separate.
///
/// How groups are formed, from the pairwise verdicts:
/// 1. Sides are taken in order of their estimate, fastest first.
/// 2. The fastest remaining side leads a new group; every remaining side it does not *decisively*
///    beat (a "faster" verdict) joins the group: inside the margin, or inconclusive, is a tie.
/// 3. If a side in a lower group decisively beats one in a higher group (possible when intervals
///    differ in width), the groups in between are merged: a tie is always the safe reading.
///
/// So a group of one at the top means its side beats every other side decisively, and nothing
/// less. ``overlaps`` lists, for each side, the sides of other groups it is not decisively
/// separated from, for a report that wants to say so.
public struct RankedGroups: Sendable, Hashable, Codable {
    /// Groups of side indices, best first; inside a group, in order of estimate.
    public var groups: [[Int]]
    /// For each side index: sides in other groups it was not decisively separated from.
    public var overlaps: [Int: [Int]]

    /// Ranks `estimates.count` sides.
    ///
    /// - Parameters:
    ///   - estimates: each side's point estimate; lower is faster.
    ///   - beats: whether side `i` is decisively faster than side `j`.
    public init(estimates: [Double], beats: (Int, Int) -> Bool) {
        var remaining = estimates.indices.sorted { (estimates[$0], $0) < (estimates[$1], $1) }
        var groups: [[Int]] = []
        while let leader = remaining.first {
            let group = remaining.filter { $0 == leader || !beats(leader, $0) }
            groups.append(group)
            remaining.removeAll { group.contains($0) }
        }
        // Merge when a lower group beats a higher one.
        var merged = true
        while merged {
            merged = false
            search: for high in groups.indices {
                for low in groups.indices where low > high {
                    if groups[low].contains(where: { winner in groups[high].contains { beats(winner, $0) } }) {
                        let span = groups[high...low].flatMap { $0 }
                        let sorted = span.sorted { (estimates[$0], $0) < (estimates[$1], $1) }
                        groups.replaceSubrange(high...low, with: [sorted])
                        merged = true
                        break search
                    }
                }
            }
        }
        var overlaps: [Int: [Int]] = [:]
        for (g, group) in groups.enumerated() {
            for side in group {
                let others = groups.enumerated().filter { $0.offset != g }.flatMap { $0.element }
                let tied = others.filter { !beats(side, $0) && !beats($0, side) }
                if !tied.isEmpty { overlaps[side] = tied }
            }
        }
        self.groups = groups
        self.overlaps = overlaps
    }

    /// The rank of each group, from 1, in competition style: a group's rank is one more than the
    /// number of sides in the groups above it ("1, 1, 3").
    public var ranks: [Int] {
        var rank = 1
        return groups.map { group in
            defer { rank += group.count }
            return rank
        }
    }
}
