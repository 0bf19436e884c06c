// readerbench-fuzz: the libFuzzer driver for FuzzTargets, and a replayer for the inputs it finds.
//
// Built by `scripts/fuzz` with `swift build --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING`:
// libFuzzer then owns `main`, and READERBENCH_FUZZ_TARGET names the target, which
// `LLVMFuzzerInitialize` looks up once (`list` prints every target and what it checks). In an ordinary build it is a plain program that runs files
// (a crash libFuzzer kept, a corpus) through a target, to reproduce a finding under a debugger.

import FuzzTargets

#if canImport(Glibc)
    import Glibc
#endif

#if FUZZING

    nonisolated(unsafe) private var selected: FuzzTarget?

    /// Writes a line to standard error with one write(2), so it lands whole beside libFuzzer's output.
    private func printError(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzerInitialize(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
    ) -> CInt {
        let name = getenv("READERBENCH_FUZZ_TARGET").map { String(cString: $0) }
        if name == "list" {
            for target in FuzzTarget.all { print("\(target.name): \(target.summary)") }
            exit(0)
        }
        guard let name, let target = FuzzTarget.named(name) else {
            let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
            printError("readerbench-fuzz: set READERBENCH_FUZZ_TARGET to one of: \(names) (or list)")
            exit(2)
        }
        selected = target
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let buffer = UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
        let span = Span(_unsafeElements: buffer)
        do { try selected!.run(span) } catch {
            // A wrong answer is a finding like a crash: abort so libFuzzer keeps the input.
            printError("readerbench-fuzz: property violated: \(error)")
            abort()
        }
        return 0
    }

#else

    @main
    struct ReplayMain {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard let name = arguments.first, let target = FuzzTarget.named(name) else {
                print("usage: readerbench-fuzz TARGET FILE...   (runs each file through the target's harness)")
                print("targets:")
                for target in FuzzTarget.all { print("  \(target.name): \(target.summary)") }
                exit(arguments.isEmpty ? 0 : 2)
            }
            var failed = 0
            for path in arguments.dropFirst() {
                guard let bytes = read(path) else {
                    print("\(path): cannot read")
                    failed += 1
                    continue
                }
                do {
                    try target.run(bytes.span)
                    print("\(path): ok")
                } catch {
                    print("\(path): \(error)")
                    failed += 1
                }
            }
            exit(failed == 0 ? 0 : 1)
        }

        static func read(_ path: String) -> [UInt8]? {
            guard let file = fopen(path, "rb") else { return nil }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if n == 0 { break }
                bytes += chunk[0..<n]
            }
            return bytes
        }
    }

#endif
