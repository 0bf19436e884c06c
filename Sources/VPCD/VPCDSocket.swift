import Glibc

// MARK: - Endpoint

/// Where vpcd listens for a card: one TCP port per reader slot.
public struct VPCDEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// vpcd's own first port (`VPCDPORT` in vsmartcard), which Debian's `/etc/reader.conf.d/vpcd` uses.
    public static let defaultBasePort: UInt16 = 35963

    /// The first card port of the rig this process talks to: `READERBENCH_VPCD_PORT` when set
    /// (scripts/virtual-reader runs private rigs on ports of its choosing and exports it), else
    /// vpcd's default. Slot n listens on this + n.
    public static var basePort: UInt16 {
        guard let text = getenv("READERBENCH_VPCD_PORT").map({ String(cString: $0) }), let port = UInt16(text), port > 0
        else { return defaultBasePort }
        return port
    }

    /// How many reader slots the rig offers: `READERBENCH_RIG_READERS` when set, else the two of
    /// Debian's single vpcd entry.
    public static var rigReaderCount: Int {
        guard let text = getenv("READERBENCH_RIG_READERS").map({ String(cString: $0) }), let count = Int(text),
            (1...16).contains(count)
        else { return 2 }
        return count
    }

    /// The PC/SC name of the reader behind slot `slot`. vpcd entries come in pairs of slots; the
    /// rig names entry 0 "Virtual PCD" (as Debian does) and entry E "Virtual PCD E", and pcscd
    /// appends the reader index (00) and the slot within the entry. scripts/virtual-reader keeps
    /// to the same rule.
    public static func readerName(slot: Int) -> String {
        let entry = slot / 2
        return (entry == 0 ? "Virtual PCD" : "Virtual PCD \(entry)") + " 00 0\(slot % 2)"
    }

    /// Host name or address of the machine running pcscd.
    public var host: String
    /// TCP port of the slot.
    public var port: UInt16

    public init(host: String = "127.0.0.1", port: UInt16 = VPCDEndpoint.basePort) {
        self.host = host
        self.port = port
    }

    /// The endpoint of reader slot `slot` (0 for "Virtual PCD 00 00"); see ``readerName(slot:)``.
    public static func slot(_ slot: Int, host: String = "127.0.0.1") -> VPCDEndpoint {
        VPCDEndpoint(host: host, port: basePort &+ UInt16(truncatingIfNeeded: slot))
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

// MARK: - Socket

/// A connected TCP socket, closed exactly once when the value goes away.
struct VPCDSocket: ~Copyable {
    let fd: CInt

    init(adopting fd: CInt) { self.fd = fd }

    deinit { close(fd) }

    /// One connection attempt. `Result` keeps the errno, so the caller can tell "vpcd not there
    /// yet" (retry) from a broken configuration (give up).
    static func connect(to endpoint: VPCDEndpoint) -> Result<VPCDSocket, VPCDError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(.cannotResolve(endpoint, detail: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var lastErrno = ECONNREFUSED
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            node = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | CInt(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastErrno = errno
                continue
            }
            var result: CInt
            repeat {
                result = Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            } while result < 0
                && errno == EINTR
            if result == 0 { return .success(VPCDSocket(adopting: fd)) }
            lastErrno = errno
            close(fd)
        }
        return .failure(.cannotConnect(endpoint, errno: lastErrno))
    }

    // MARK: Options

    func setOption(level: CInt, name: CInt, value: CInt) -> CInt? {
        var value = value
        let result = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<CInt>.size))
        return result == 0 ? nil : errno
    }

    /// Bounds every `recv`, so the serving loop wakes up to look at its stop flag.
    func setReceiveTimeout(nanoseconds: Int64) -> CInt? {
        var time = timeval(
            tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int(nanoseconds % 1_000_000_000 / 1000))
        if time.tv_sec == 0 && time.tv_usec == 0 { time.tv_usec = 1000 }
        let result = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        return result == 0 ? nil : errno
    }

    // MARK: I/O

    /// Reads what is available into `buffer`: >0 bytes read, 0 the peer closed, <0 `-errno`.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        return count >= 0 ? count : -Int(errno)
    }

    /// Writes all of `bytes`; one `send` in practice. nil on success, else the errno.
    func sendAll(_ bytes: UnsafeRawBufferPointer) -> CInt? {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, CInt(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += sent
        }
        return nil
    }
}
