import Results

// MARK: - The host a run was on

/// What `readerbench calibrate` measured about the stack a run was on: its round-trip floor
/// and its A/A noise (how much identical runs differ). Every field is optional: older files
/// carry none, and a partial calibration is still worth checking.
///
/// Units: floors in nanoseconds; noise as a fraction of the quantile (0.02 is 2%): the
/// difference between two identical runs at that quantile.
public struct HostNoise: Sendable, Hashable, Codable {
    /// The round-trip floor's median, ns.
    public var floorP50: Double?
    /// The round-trip floor's p99, ns.
    public var floorP99: Double?
    /// A/A noise at p50, as a fraction.
    public var noiseP50: Double?
    /// A/A noise at p90, as a fraction.
    public var noiseP90: Double?
    /// A/A noise at p99, as a fraction.
    public var noiseP99: Double?

    /// What a result file's host calibration says: the floor, and the worst A/A difference over
    /// the series at each quantile.
    public init(calibration: Results.HostCalibration) {
        let worst = calibration.aa?.worst
        self.init(
            floorP50: calibration.floor.map { Double($0.p50) }, floorP99: calibration.floor.map { Double($0.p99) },
            noiseP50: worst?.p50, noiseP90: worst?.p90, noiseP99: worst?.p99)
    }

    /// A calibration from whatever was measured.
    public init(
        floorP50: Double? = nil, floorP99: Double? = nil, noiseP50: Double? = nil, noiseP90: Double? = nil,
        noiseP99: Double? = nil
    ) {
        self.floorP50 = floorP50
        self.floorP99 = floorP99
        self.noiseP50 = noiseP50
        self.noiseP90 = noiseP90
        self.noiseP99 = noiseP99
    }
}

/// Whether the baseline's host and the current one are alike enough for a verdict at a margin.
public struct HostCheck: Sendable, Hashable, Codable {
    /// The outcome.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Both calibrations recorded and alike within the margin.
        case same
        /// Recorded and different beyond what the margin allows; ``HostCheck/reasons`` says how.
        case different
        /// Either file has no calibration: nothing to check (not a failure).
        case notRecorded = "not-recorded"
    }

    /// The outcome.
    public var outcome: Outcome
    /// Why: one sentence per finding.
    public var reasons: [String]

    /// Compares two hosts' calibrations at a margin (a fraction, the gate's `--max-regression`).
    ///
    /// The hosts differ when:
    /// - a floor (p50 or p99) moved by more than the margin plus the larger A/A noise of that
    ///   quantile: a regression of the margin could then be the host, not the change;
    /// - either host's A/A noise at p50 or p90 is at least the margin: run-to-run noise alone
    ///   can then produce a "regression" of the margin, which no statistics on one run can see.
    ///
    /// Fields recorded on one side only are skipped; with nothing recorded on a side the outcome
    /// is ``Outcome/notRecorded``.
    public init(baseline: HostNoise?, current: HostNoise?, margin: Double) {
        guard let baseline, let current else {
            let which =
                baseline == nil && current == nil
                ? "either run" : baseline == nil ? "the baseline run" : "the current run"
            outcome = .notRecorded
            reasons = ["no calibration recorded for \(which); the hosts were not compared"]
            return
        }
        var reasons: [String] = []
        func percent(_ fraction: Double) -> String {
            "\((fraction * 1000).rounded() / 10)%"
        }
        let floors: [(String, Double?, Double?, [Double?])] = [
            ("p50", baseline.floorP50, current.floorP50, [baseline.noiseP50, current.noiseP50]),
            ("p99", baseline.floorP99, current.floorP99, [baseline.noiseP99, current.noiseP99]),
        ]
        for (name, b, c, noise) in floors {
            guard let b, let c, b > 0 else { continue }
            let allowed = margin + (noise.compactMap { $0 }.max() ?? 0)
            let change = c / b - 1
            if abs(change) > allowed {
                reasons.append(
                    "round-trip floor \(name) \(Self.milliseconds(b)) → \(Self.milliseconds(c)) ms "
                        + "(\(change >= 0 ? "+" : "")\(percent(change))), beyond the ±\(percent(allowed)) "
                        + "the margin and the hosts' noise allow")
            }
        }
        let noise: [(String, Double?, Double?)] = [
            ("p50", baseline.noiseP50, current.noiseP50), ("p90", baseline.noiseP90, current.noiseP90),
        ]
        for (name, b, c) in noise {
            for (side, value) in [("baseline", b), ("current", c)] {
                if let value, value >= margin {
                    reasons.append(
                        "the \(side) host's A/A noise at \(name) is \(percent(value)), not below the "
                            + "\(percent(margin)) margin: identical runs differ by that much")
                }
            }
        }
        self.outcome = reasons.isEmpty ? .same : .different
        self.reasons = reasons.isEmpty ? ["host calibrations agree within the margin"] : reasons
    }

    private static func milliseconds(_ nanoseconds: Double) -> String {
        let value = (nanoseconds / 1000).rounded() / 1000
        return "\(value)"
    }
}
