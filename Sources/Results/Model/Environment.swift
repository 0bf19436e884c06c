#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Environment

/// The machine a run was on. Timings depend on the kernel's USB stack, pcsc-lite and the CPU,
/// so two result files are only comparable when a reader of them can see these.
///
/// Fields that could not be found are absent (nil) rather than guessed.
public struct Environment: Codable, Sendable, Hashable {
    /// PRETTY_NAME from /etc/os-release (`Debian GNU/Linux 12 (bookworm)`).
    public var os: String?
    /// The kernel release, as `uname -r` prints it.
    public var kernel: String?
    /// The hardware name, as `uname -m` prints it (`x86_64`).
    public var machine: String?
    /// The first "model name" in /proc/cpuinfo (absent on CPUs whose kernel does not report one).
    public var cpu: String?
    /// Online processors.
    public var cpuCount: Int
    /// The pcsc-lite version, when the caller knows it (from pcscd or pkg-config).
    public var pcscLiteVersion: String?
    /// The OpenSSL version used for signature checks, when the caller knows it.
    public var openSSLVersion: String?

    /// An environment from known values (tests, traces); for this machine use
    /// ``current(pcscLiteVersion:openSSLVersion:)``.
    public init(
        os: String?, kernel: String?, machine: String?, cpu: String?, cpuCount: Int,
        pcscLiteVersion: String? = nil, openSSLVersion: String? = nil
    ) {
        self.os = os
        self.kernel = kernel
        self.machine = machine
        self.cpu = cpu
        self.cpuCount = cpuCount
        self.pcscLiteVersion = pcscLiteVersion
        self.openSSLVersion = openSSLVersion
    }

    /// This machine, read from /etc/os-release, /proc/cpuinfo and uname(2). A file that is
    /// missing or unreadable leaves its field nil; this never fails, because a result without
    /// the OS name is still worth writing.
    public static func current(pcscLiteVersion: String? = nil, openSSLVersion: String? = nil) -> Environment {
        let names = unameFields()
        return Environment(
            os: readSmallTextFile("/etc/os-release").flatMap(prettyName(osRelease:)),
            kernel: names.release, machine: names.machine,
            cpu: readSmallTextFile("/proc/cpuinfo").flatMap(cpuModelName(cpuInfo:)),
            cpuCount: Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
            pcscLiteVersion: pcscLiteVersion, openSSLVersion: openSSLVersion)
    }

    // MARK: - Parsing (pure)

    /// PRETTY_NAME from the text of an os-release file, unquoted; nil when absent or empty.
    public static func prettyName(osRelease text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix("PRETTY_NAME=") else { continue }
            var value = line.dropFirst("PRETTY_NAME=".count).trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    /// The first "model name" value from the text of /proc/cpuinfo; nil when there is none.
    public static func cpuModelName(cpuInfo text: String) -> String? {
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            guard line[..<colon].trimmingWhitespace() == "model name" else { continue }
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    // MARK: - I/O

    private static func unameFields() -> (release: String?, machine: String?) {
        var names = utsname()
        guard uname(&names) == 0 else { return (nil, nil) }
        func field<T>(_ tuple: T) -> String? {
            withUnsafeBytes(of: tuple) { raw in
                let bytes = raw.prefix { $0 != 0 }
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            }
        }
        return (field(names.release), field(names.machine))
    }

    /// The whole file as text, or nil if it cannot be opened or read. Files in /proc report a
    /// size of zero, so this reads until end of file rather than trusting stat.
    private static func readSmallTextFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while bytes.count < 4 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
