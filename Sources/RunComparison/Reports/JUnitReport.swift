import Comparison

// MARK: - JUnit XML

/// The gate's decision as JUnit XML, one test case per series, so CI systems list every series
/// and show the slower ones as failures.
///
/// - slower: `<failure type="regression">`;
/// - faster: `<failure type="improvement">` when the gate fails on improvements, else passed;
/// - inconclusive: `<skipped>` with the number of samples that would decide;
/// - same: passed.
///
/// Runs the gate refused (incomparable) give one failed test case saying why.
public enum JUnitReport {
    /// The XML document.
    public static func render(_ decision: GateDecision, failOnImprovement: Bool) -> String {
        var suites: [String] = []
        var tests = 0
        var failures = 0
        var skipped = 0
        if decision.outcome == .incomparable {
            let message = decision.reasons.joined(separator: "; ")
            suites.append(
                "  <testsuite name=\"readerbench gate\" tests=\"1\" failures=\"1\" skipped=\"0\">\n"
                    + "    <testcase classname=\"readerbench.gate\" name=\"runs are comparable\">\n"
                    + "      <failure type=\"incomparable\" message=\"\(escape(message))\">\(escape(message))</failure>\n"
                    + "    </testcase>\n  </testsuite>")
            tests = 1
            failures = 1
        }
        for pair in decision.report?.pairs ?? [] where decision.outcome != .incomparable {
            var cases: [String] = []
            var suiteFailures = 0
            var suiteSkipped = 0
            for result in pair.series {
                let comparison = result.comparison
                let name = escape(result.key.description)
                let className = escape("readerbench.\(pair.current.readerKey).\(result.key.mode)")
                var body = ""
                switch comparison.verdict {
                case .slower:
                    body = "<failure type=\"regression\" message=\"\(escape(comparison.reason))\"/>"
                    suiteFailures += 1
                case .faster where failOnImprovement:
                    body = "<failure type=\"improvement\" message=\"\(escape(comparison.reason))\"/>"
                    suiteFailures += 1
                case .inconclusive:
                    body = "<skipped message=\"\(escape("inconclusive: " + comparison.reason))\"/>"
                    suiteSkipped += 1
                case .same, .faster:
                    body = "<system-out>\(escape("\(comparison.verdict.rawValue): \(comparison.reason)"))</system-out>"
                }
                cases.append("    <testcase classname=\"\(className)\" name=\"\(name)\">\(body)</testcase>")
            }
            tests += pair.series.count
            failures += suiteFailures
            skipped += suiteSkipped
            let suiteName = escape(
                "\(pair.current.readerName): \(pair.current.documentName) vs \(pair.baseline.documentName)")
            suites.append(
                "  <testsuite name=\"\(suiteName)\" tests=\"\(pair.series.count)\" failures=\"\(suiteFailures)\" "
                    + "skipped=\"\(suiteSkipped)\">\n" + cases.joined(separator: "\n") + "\n  </testsuite>")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"readerbench gate\" tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
            + suites.joined(separator: "\n") + "\n</testsuites>\n"
    }

    /// Escapes text for XML attributes and content.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            default:
                // Control characters other than tab are not allowed in XML 1.0.
                if scalar.value < 0x20 && scalar != "\t" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
