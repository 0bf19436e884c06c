import Comparison

// MARK: - Comparing documents

/// Compares result documents: which sides are set against which, one family of series for the
/// correction, and a ranking when there are more than two sides.
///
/// - Two documents: readers are matched by model key (a pool run against a pool run); when each
///   document holds exactly one reader, the two are compared whatever their keys (a change on
///   one reader, or reader A against reader B).
/// - More than two documents, the procurement case: every reader against the reference side
///   (the first reader of the reference document), then every pair of sides on the check total
///   for the ranking. The ranking's pairs are a family of their own, corrected together.
///
/// Every series of every pair is one family for the correction: with 3 readers × 30 series,
/// the chance of any false "faster" or "slower" in the whole report is at most 1 − confidence.
public struct RunComparer: Sendable {
    /// The statistics' settings.
    public let settings: ComparisonSettings

    /// A comparer for `settings`.
    public init(settings: ComparisonSettings) {
        self.settings = settings
    }

    /// Compares `documents`, the first being the reference (baseline).
    ///
    /// - Throws: ``RunComparisonError/Code/badArguments`` for fewer than two documents.
    public func compare(_ documents: [SeriesDocument]) throws(RunComparisonError) -> ComparisonReport {
        guard documents.count >= 2 else {
            throw RunComparisonError(.badArguments, path: "", reason: "at least two documents are needed to compare")
        }
        let infos = documents.enumerated().map { index, document in Self.info(document, index: index) }
        var pairings: [(baseline: (Int, ReaderSeries), current: (Int, ReaderSeries))] = []
        if documents.count == 2 {
            let (a, b) = (documents[0], documents[1])
            if a.readers.count == 1 && b.readers.count == 1 {
                pairings.append(((0, a.readers[0]), (1, b.readers[0])))
            } else {
                for reader in a.readers {
                    if let match = b.readers.first(where: { $0.key == reader.key }) {
                        pairings.append(((0, reader), (1, match)))
                    }
                }
            }
        } else if let reference = documents[0].readers.first {
            for (index, document) in documents.enumerated() {
                for reader in document.readers where !(index == 0 && reader.key == reference.key) {
                    pairings.append(((0, reference), (index, reader)))
                }
            }
        }

        // One family: every series both sides of every pair have.
        let comparator = Comparator(settings: settings)
        var family: [SeriesEvidence] = []
        var layout: [[SeriesKey]] = []
        for pairing in pairings {
            var keys: [SeriesKey] = []
            for series in pairing.baseline.1.series {
                guard let other = pairing.current.1[series.key] else { continue }
                // Extracted samples are positive by construction (0 ns counts as 1 ns).
                guard let evidence = try? comparator.evidence(baseline: series.samples, current: other.samples) else {
                    continue
                }
                family.append(evidence)
                keys.append(series.key)
            }
            layout.append(keys)
        }
        var decided = comparator.decide(family)[...]
        var pairs: [PairReport] = []
        for (pairing, keys) in zip(pairings, layout) {
            let results = keys.map { key in SeriesResult(key: key, comparison: decided.removeFirst()) }
            let (b, c) = (pairing.baseline, pairing.current)
            let baselineKeys = Set(b.1.series.map(\.key))
            let currentKeys = Set(c.1.series.map(\.key))
            var issues = Comparability.issues(baseline: documents[b.0].context, current: documents[c.0].context)
            if b.1.key != c.1.key {
                issues.append(
                    ComparabilityIssue(
                        .differentReader, documents.count > 2 ? .note : .warning,
                        "readers: \(b.1.name) [\(b.1.key)] vs \(c.1.name) [\(c.1.key)]"))
            }
            let modes = (b.1.iterations.map(\.mode) + c.1.iterations.map(\.mode)).reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }
            pairs.append(
                PairReport(
                    baseline: Self.side(b, infos), current: Self.side(c, infos), issues: issues,
                    host: HostCheck(
                        baseline: documents[b.0].context.hostCalibration,
                        current: documents[c.0].context.hostCalibration, margin: settings.threshold),
                    iterations: modes.map { mode in
                        IterationCounts(
                            mode: mode, baseline: b.1.iterations.first { $0.mode == mode },
                            current: c.1.iterations.first { $0.mode == mode })
                    },
                    series: results,
                    onlyInBaseline: b.1.series.map(\.key).filter { !currentKeys.contains($0) },
                    onlyInCurrent: c.1.series.map(\.key).filter { !baselineKeys.contains($0) }))
        }
        let sides = documents.enumerated().flatMap { index, document in document.readers.map { (index, $0) } }
        let rankings = documents.count > 2 && sides.count > 2 ? rank(sides, infos: infos) : []
        return ComparisonReport(
            settings: settings, documents: infos, pairs: pairs, rankings: rankings, familySize: family.count)
    }

    // MARK: - Ranking

    /// Ranked groups per mode on the check total, from every pair of sides.
    private func rank(_ sides: [(Int, ReaderSeries)], infos: [DocumentInfo]) -> [ModeRanking] {
        let comparator = Comparator(settings: settings)
        let quantile = settings.quantiles.contains(0.5) ? 0.5 : settings.quantiles[0]
        var modes: [String] = []
        for (_, reader) in sides {
            for counts in reader.iterations where !modes.contains(counts.mode) { modes.append(counts.mode) }
        }
        // Every pair of sides, every mode: one family.
        struct Match {
            var mode: String
            var i: Int
            var j: Int
        }
        var matches: [Match] = []
        var family: [SeriesEvidence] = []
        for mode in modes {
            for i in sides.indices {
                for j in sides.indices where j > i {
                    guard let a = sides[i].1[.total(mode)], let b = sides[j].1[.total(mode)],
                        let evidence = try? comparator.evidence(baseline: a.samples, current: b.samples)
                    else { continue }
                    matches.append(Match(mode: mode, i: i, j: j))
                    family.append(evidence)
                }
            }
        }
        let verdicts = comparator.decide(family).map(\.verdict)
        return modes.compactMap { mode in
            let ranked = sides.indices.filter { sides[$0].1[.total(mode)] != nil }
            guard ranked.count > 2 else { return nil }
            var beats = Set<[Int]>()
            for (match, verdict) in zip(matches, verdicts) where match.mode == mode {
                // Baseline i, current j: "faster" means j beats i.
                if verdict == .faster { beats.insert([match.j, match.i]) }
                if verdict == .slower { beats.insert([match.i, match.j]) }
            }
            let estimates = ranked.map { index in
                SampleQuantile.estimate(SampleQuantile.sorted(sides[index].1[.total(mode)]!.samples), quantile)
            }
            let groups = RankedGroups(estimates: estimates) { beats.contains([ranked[$0], ranked[$1]]) }
            let info = { (position: Int) in Self.side(sides[ranked[position]], infos) }
            return ModeRanking(
                mode: mode, quantile: quantile,
                groups: groups.groups.map { group in
                    group.map { position in
                        RankedSide(
                            side: info(position), estimate: estimates[position],
                            notSeparatedFrom: (groups.overlaps[position] ?? []).map(info))
                    }
                },
                ranks: groups.ranks)
        }
    }

    // MARK: - Names

    private static func info(_ document: SeriesDocument, index: Int) -> DocumentInfo {
        DocumentInfo(
            name: document.name, scenario: document.context.scenario, cardSource: document.context.cardSource,
            measurement: document.context.measurement, timingProfile: document.context.timingProfile,
            createdAt: document.context.createdAt, complete: document.context.complete,
            readers: document.readers.map {
                SideInfo(document: index, documentName: document.name, readerKey: $0.key, readerName: $0.name)
            })
    }

    private static func side(_ side: (Int, ReaderSeries), _ infos: [DocumentInfo]) -> SideInfo {
        SideInfo(document: side.0, documentName: infos[side.0].name, readerKey: side.1.key, readerName: side.1.name)
    }
}
