#if canImport(Glibc)
    import Glibc
#endif

// MARK: - System calls

/// The few file operations the writers need, over raw descriptors: the validity guarantee rests
/// on knowing exactly which system call writes which bytes, which a buffered API would hide.
enum POSIXFile {
    /// Writes all of `bytes` at `offset` with as few pwrite calls as the kernel allows (one, for
    /// a regular file with space left). Returns errno on failure.
    static func write(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int64) -> Int32? {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
            }
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if count == 0 { return ENOSPC }
            done += count
        }
        return nil
    }

    /// Appends all of `bytes` to a descriptor opened with O_APPEND.
    static func append(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + done, raw.count - done)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if count == 0 { return ENOSPC }
            done += count
        }
        return nil
    }

    /// Creates `path` holding `contents` so that the name never shows an empty or partial file:
    /// the contents go to a temporary file in the same directory, are synced, and the temporary
    /// file is then linked (or, when replacing, renamed) to the name. Returns a descriptor open
    /// for reading and writing.
    static func createComplete(
        _ path: String, contents: [UInt8], replacingExisting: Bool
    ) throws(ResultsError) -> Int32 {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .system(.cannotCreate, path: path, operation: "creating a temporary file beside it", errno: errno)
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        func fail(_ error: ResultsError) -> ResultsError {
            close(descriptor)
            unlink(temporary)
            return error
        }
        guard fchmod(descriptor, 0o644) == 0 else {
            throw fail(.system(.cannotCreate, path: path, operation: "fchmod", errno: errno))
        }
        if let number = write(descriptor, contents, at: 0) {
            throw fail(.system(.cannotWrite, path: path, operation: "writing the header", errno: number))
        }
        guard fsync(descriptor) == 0 else {
            throw fail(.system(.cannotSync, path: path, operation: "fsync", errno: errno))
        }
        if replacingExisting {
            guard rename(temporary, path) == 0 else {
                throw fail(.system(.cannotCreate, path: path, operation: "rename", errno: errno))
            }
        } else {
            // link() fails with EEXIST instead of replacing, atomically.
            guard link(temporary, path) == 0 else {
                let number = errno
                if number == EEXIST {
                    throw fail(
                        ResultsError(
                            .alreadyExists, path: path,
                            reason: "the file exists; choose another name or ask to replace it"))
                }
                throw fail(.system(.cannotCreate, path: path, operation: "link", errno: number))
            }
            unlink(temporary)
        }
        syncDirectory(directory.isEmpty ? "/" : directory)
        return descriptor
    }

    /// Opens a new file for appending; fails if it exists unless replacing is asked for.
    static func createForAppending(_ path: String, replacingExisting: Bool) throws(ResultsError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (replacingExisting ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let number = errno
            if number == EEXIST {
                throw ResultsError(
                    .alreadyExists, path: path, reason: "the file exists; choose another name or ask to replace it")
            }
            throw .system(.cannotCreate, path: path, operation: "open", errno: number)
        }
        return descriptor
    }

    /// Best effort: makes the new directory entry durable. A failure only matters on power loss,
    /// and the file itself is already complete, so it is not reported.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// The whole file.
    static func readAll(_ path: String) throws(ResultsError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(.cannotRead, path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(.cannotRead, path: path, operation: "read", errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
