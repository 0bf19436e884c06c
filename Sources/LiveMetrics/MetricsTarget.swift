import Foundation

// MARK: - Where metrics go

/// What `--metrics` names.
public enum MetricsTarget: Sendable, Hashable {
    /// A Prometheus Pushgateway at this base URL (`http://host:9091`).
    case pushgateway(URL)

    /// Reads `pushgateway=URL`. `otlp=URL` is refused: this build has no OTLP exporter (see
    /// docs/fleet.md: swift-otel would add about seven minutes to every clean build, and the
    /// Pushgateway gives the dashboard what it needs).
    public static func parse(_ text: String) throws(MetricsError) -> MetricsTarget {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw MetricsError(.badTarget, "--metrics takes pushgateway=URL, not '\(text)'")
        }
        switch parts[0].lowercased() {
        case "pushgateway":
            guard let url = URL(string: parts[1]), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil
            else {
                throw MetricsError(.badTarget, "'\(parts[1])' is not an http(s) URL of a Pushgateway")
            }
            return .pushgateway(url)
        case "otlp":
            throw MetricsError(
                .unsupported,
                "this readerbench has no OTLP exporter; use --metrics pushgateway=URL (an OpenTelemetry collector can "
                    + "scrape the Pushgateway with its prometheus receiver)")
        default:
            throw MetricsError(.badTarget, "unknown metrics kind '\(parts[0])': pushgateway=URL")
        }
    }
}
