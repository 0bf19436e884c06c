#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Numbers and text on the page

/// How figures are written: durations with three significant digits in a unit that fits, shares
/// as percentages, text escaped for HTML and Markdown.
public enum ReportFormat {
    /// `412 µs`, `12.3 ms`, `1.23 s`.
    public static func duration(_ nanoseconds: Double) -> String {
        guard nanoseconds.isFinite else { return "–" }
        if nanoseconds < 0 { return "−" + duration(-nanoseconds) }
        if nanoseconds == 0 { return "0" }
        if nanoseconds < 1_000 { return "\(Int(nanoseconds.rounded())) ns" }
        if nanoseconds < 1_000_000 { return significant(nanoseconds / 1_000) + " µs" }
        if nanoseconds < 1_000_000_000 { return significant(nanoseconds / 1_000_000) + " ms" }
        return significant(nanoseconds / 1_000_000_000) + " s"
    }

    /// Three significant digits, no exponent: `412`, `12.3`, `1.23`.
    static func significant(_ value: Double) -> String {
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
        return fixed(value, decimals: decimals)
    }

    /// `value` with `decimals` digits after the point.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let scaled = Int64((abs(value) * scale).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + "\(scaled)" }
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return sign + "\(whole).\(fraction)"
    }

    /// `1.5%`, `0%`, `0.05%`.
    public static func percent(_ share: Double) -> String {
        let value = share * 100
        if value == 0 { return "0%" }
        if value < 0.1 { return fixed(value, decimals: 2) + "%" }
        if value < 10 { return fixed(value, decimals: 1) + "%" }
        return fixed(value, decimals: 0) + "%"
    }

    /// `+12%`, `-3.0%`.
    static func change(_ ratio: Double) -> String {
        let value = (ratio - 1) * 100
        let text = abs(value) < 10 ? fixed(abs(value), decimals: 1) : fixed(abs(value), decimals: 0)
        return (value < 0 ? "−" : "+") + text + "%"
    }

    /// `p50`, `p95`, `p99.9`.
    public static func percentileName(_ quantile: Double) -> String {
        let percent = (quantile * 100_000).rounded() / 1000
        if percent == percent.rounded() { return "p\(Int(percent))" }
        var text = "\(percent)"
        while text.hasSuffix("0") { text.removeLast() }
        return "p" + text
    }

    /// Text safe inside HTML elements and attribute values.
    public static func html(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Text safe inside a Markdown table cell.
    public static func markdownCell(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|": result += "\\|"
            case "\n": result += " "
            case "*", "_", "`", "<", ">", "[", "]": result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }
}
