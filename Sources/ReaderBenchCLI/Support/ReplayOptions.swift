import Traces

/// `--timing` and `--matching` of the commands that replay traces (`run --trace`, `simulate --trace`).
enum ReplayOptionParsing {
    static func timing(_ text: String, seed: UInt64) throws -> ReplayTiming {
        switch text {
        case "none": return .none
        case "recorded": return .recorded
        case "sampled": return .sampled(seed: seed)
        case let text where text.hasPrefix("scaled:"):
            guard let factor = Double(text.dropFirst("scaled:".count)), factor > 0, factor.isFinite else {
                throw fail("--timing scaled:K needs a positive factor K", status: ExitStatus.badInput)
            }
            return .scaled(factor)
        default:
            throw fail("--timing must be none, recorded, scaled:K or sampled", status: ExitStatus.badInput)
        }
    }

    static func matching(_ text: String) throws -> ReplayMatching {
        switch text {
        case "strict": return .strict
        case "lenient": return .lenient
        default: throw fail("--matching must be strict or lenient", status: ExitStatus.badInput)
        }
    }
}
