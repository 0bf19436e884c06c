#if canImport(Glibc)
    import Glibc
#endif

extension Trace {
    /// Loads a trace file.
    ///
    /// The file is read in 4 MiB chunks and parsed line by line, so memory holds the trace and
    /// one chunk, never the whole text: a 300 MB trace costs about 150 MB of arena plus the
    /// event records. Errors carry the line number.
    public static func load(path: String, options: TraceLoadOptions = TraceLoadOptions()) throws(TraceError) -> Trace {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TraceError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw TraceError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        var parser = TraceParser(options: options, expectedBytes: Int(status.st_size))

        let chunkSize = 4 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var endOfFile = false
        while !endOfFile {
            let got = chunk.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + filled, chunkSize - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw TraceError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { endOfFile = true }
            filled += got
            let consumed = try parseLines(in: chunk.span.extracting(0..<filled), final: endOfFile, into: &parser)
            if consumed < filled {
                if filled - consumed >= TraceLimits.maximumLineBytes {
                    throw TraceError(
                        .oversized, line: parser.lineNumber + 1,
                        "the line is longer than \(TraceLimits.maximumLineBytes) bytes")
                }
                chunk.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                }
            }
            filled -= consumed
        }
        return try parser.finish()
    }

    /// Parses a whole trace held in memory (tests, traces received over a pipe).
    public init(parsing bytes: Span<UInt8>, options: TraceLoadOptions = TraceLoadOptions()) throws(TraceError) {
        var parser = TraceParser(options: options, expectedBytes: bytes.count)
        _ = try Self.parseLines(in: bytes, final: true, into: &parser)
        self = try parser.finish()
    }

    /// Parses a whole trace held in an array.
    public init(parsing bytes: [UInt8], options: TraceLoadOptions = TraceLoadOptions()) throws(TraceError) {
        let span = bytes.span
        try self.init(parsing: span, options: options)
    }

    /// Feeds every complete line of `bytes` to the parser; at the end of input the last line
    /// counts even without a newline. Returns how many bytes were consumed.
    private static func parseLines(
        in bytes: Span<UInt8>, final: Bool, into parser: inout TraceParser
    ) throws(TraceError) -> Int {
        var start = 0
        let count = bytes.count
        var index = 0
        while true {
            // memchr is several times faster than a byte loop on long hex lines.
            let found: Int? = bytes.withUnsafeBufferPointer { buffer in
                guard index < count, let base = buffer.baseAddress else { return nil }
                guard let hit = memchr(base + index, 0x0A, count - index) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            guard let end = found else { break }
            let line = bytes.extracting(start..<end)
            try parser.consume(line: line)
            start = end + 1
            index = start
        }
        if final && start < count {
            let line = bytes.extracting(start..<count)
            try parser.consume(line: line)
            start = count
        }
        return start
    }
}
