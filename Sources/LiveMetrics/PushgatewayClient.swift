import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - Pushing to a Pushgateway

/// Pushes a text exposition to a Prometheus Pushgateway over HTTP (Foundation's URLSession: no
/// HTTP client library to build).
///
/// Each host pushes into its own group, `/metrics/job/readerbench/instance/<host id>`, with PUT:
/// the group is replaced by the host's current metrics, so hosts never overwrite each other and a
/// host's next run replaces its last. Blocking: called from ``MetricsPusher``'s thread.
public struct PushgatewayClient: Sendable {
    /// The Pushgateway's base URL.
    public let base: URL
    /// The group's `instance` (the host id).
    public let instance: String
    /// The longest a push may take.
    public let timeout: TimeInterval

    public init(base: URL, instance: String, timeout: TimeInterval = 5) {
        self.base = base
        self.instance = instance
        self.timeout = timeout
    }

    /// The group's URL. Label values in the path are base64url-encoded (`instance@base64/…`), the
    /// Pushgateway's form for values that may hold a slash.
    public var groupURL: URL {
        let encoded = Data(instance.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let value = encoded.isEmpty ? "=" : encoded
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + "/metrics/job/readerbench/instance@base64/" + value)!
    }

    /// Replaces the group with `body` (text exposition format 0.0.4).
    public func push(_ body: [UInt8]) throws(MetricsError) {
        try send(method: "PUT", body: Data(body))
    }

    /// Removes the group.
    public func delete() throws(MetricsError) {
        try send(method: "DELETE", body: nil)
    }

    private func send(method: String, body: Data?) throws(MetricsError) {
        var request = URLRequest(url: groupURL, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("text/plain; version=0.0.4", forHTTPHeaderField: "Content-Type") }
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(status: (response as? HTTPURLResponse)?.statusCode, data: data, error: error)
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw MetricsError(.pushFailed, "\(base.absoluteString): no answer within \(Int(timeout)) s")
        }
        let (status, data, error) = box.get()
        if let error { throw MetricsError(.pushFailed, "\(base.absoluteString): \(error.localizedDescription)") }
        guard let status, (200..<300).contains(status) else {
            let text = data.map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? ""
            throw MetricsError(
                .pushFailed, "\(base.absoluteString) answered \(status.map(String.init) ?? "nothing"): \(text)")
        }
    }
}

/// The completion handler's results, handed to the waiting thread.
private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int?
    private var data: Data?
    private var error: (any Error)?

    func set(status: Int?, data: Data?, error: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        self.status = status
        self.data = data
        self.error = error
    }

    func get() -> (Int?, Data?, (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (status, data, error)
    }
}
