import Glibc

/// Why serving a card through vpcd failed. Tests compare `code`; people read `description`.
public struct VPCDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, stable for tests and callers.
    public enum Code: Sendable, Hashable {
        /// vpcd did not accept a connection before the server gave up: pcscd or its vpcd driver is
        /// not running.
        case cannotConnect
        /// The host name did not resolve to an IPv4 or IPv6 address.
        case cannotResolve
        /// A socket call failed in a way a retry will not fix.
        case socketFailure
        /// vpcd sent bytes that are not a valid frame.
        case protocolViolation
    }

    /// The kind of failure.
    public var code: Code
    /// The `errno` behind it, when there is one.
    public var errno: CInt?
    /// What happened and what to do about it.
    public var reason: String

    public var description: String { reason }

    // MARK: - Factories

    static func cannotConnect(_ endpoint: VPCDEndpoint, errno: CInt) -> VPCDError {
        VPCDError(
            code: .cannotConnect, errno: errno,
            reason: "cannot connect to vpcd at \(endpoint) (\(describe(errno))): is pcscd running with the "
                + "vsmartcard-vpcd driver? start it with scripts/virtual-reader start")
    }

    static func cannotResolve(_ endpoint: VPCDEndpoint, detail: String) -> VPCDError {
        VPCDError(
            code: .cannotResolve, errno: nil,
            reason: "cannot resolve vpcd host '\(endpoint.host)' (\(detail)): use an address such as 127.0.0.1")
    }

    static func socketFailure(_ call: String, _ endpoint: VPCDEndpoint, errno: CInt) -> VPCDError {
        VPCDError(
            code: .socketFailure, errno: errno,
            reason: "\(call) failed on the link to vpcd at \(endpoint): \(describe(errno))")
    }

    static func protocolViolation(_ endpoint: VPCDEndpoint, _ error: VPCDFrameError) -> VPCDError {
        VPCDError(
            code: .protocolViolation, errno: nil,
            reason: "vpcd at \(endpoint) sent an invalid frame (\(error)); is something other than vpcd "
                + "listening on that port?")
    }

    static func describe(_ errno: CInt) -> String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return String(cString: text)
    }
}
