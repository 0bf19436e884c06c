import APDU
import ArgumentParser
import CardLayout
import HexCoding

/// `readerbench apdu …`: work with single APDUs.
struct APDUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apdu", abstract: "Encode and decode single APDUs.",
        subcommands: [Encode.self, Decode.self])

    /// `readerbench apdu encode --cla 00 --ins A4 --p1 04 --p2 0C --data D392… [--le 256] [--extended]`
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an encoded command APDU in hex.",
            discussion: """
                Chooses the short or extended form from the sizes (Lc ≤ 255 and Le ≤ 256 are short) \
                unless --short or --extended forces one. Le 256 encodes as 00 (short); Le 65536 as 0000 \
                (extended). With --chain, long data is split into a command chain (CLA bit 0x10).
                """)

        @Option(help: "Class byte, hex.") var cla: String = "00"
        @Option(help: "Instruction byte, hex.") var ins: String
        @Option(help: "Parameter 1, hex.") var p1: String = "00"
        @Option(help: "Parameter 2, hex.") var p2: String = "00"
        @Option(help: "Command data, hex (spaces allowed).") var data: String = ""
        @Option(help: "Expected response length, 1…65536 (decimal).") var le: Int?
        @Flag(help: "Force the extended length form.") var extended = false
        @Flag(help: "Force the short length form.") var short = false
        @Option(help: "Split the data into a command chain of segments of at most this many bytes.")
        var chain: Int?

        func run() throws {
            if extended && short {
                throw fail("--extended and --short exclude each other", status: ExitStatus.badInput)
            }
            let header: APDUHeader
            let bytes: [UInt8]
            do {
                header = APDUHeader(
                    cla: try byte(cla, "--cla"), ins: try byte(ins, "--ins"), p1: try byte(p1, "--p1"),
                    p2: try byte(p2, "--p2"))
                bytes = try Hex.decode(data)
            } catch let error as HexError {
                throw fail("--data: \(error)", status: ExitStatus.badInput)
            }
            let form: LengthForm = extended ? .extended : (short ? .short : .automatic)
            do {
                for line in try Self.encodeLines(header, data: bytes, le: le, form: form, chainSegment: chain) {
                    print(line)
                }
            } catch {
                throw fail(error.description, status: ExitStatus.badInput)
            }
        }

        /// The command (or each command of the chain) in compact hex.
        static func encodeLines(
            _ header: APDUHeader, data: [UInt8], le: Int?, form: LengthForm, chainSegment: Int?
        ) throws(APDUError) -> [String] {
            var buffer = APDUBuffer()
            guard let segmentSize = chainSegment else {
                try buffer.encode(header, data: data.span, expectedLength: le, form: form)
                return [Hex.encode(buffer.span)]
            }
            let plan = try CommandChain(
                header, dataCount: data.count, expectedLength: le, segmentSize: segmentSize,
                form: form == .automatic ? .short : form)
            var lines: [String] = []
            for index in 0..<plan.segmentCount {
                let last = index == plan.segmentCount - 1
                let segment = Array(data[plan.dataRange(ofSegment: index)])
                try buffer.encode(
                    last ? header : header.chained, data: segment.span, expectedLength: last ? le : nil, form: plan.form
                )
                lines.append(Hex.encode(buffer.span))
            }
            return lines
        }

        private func byte(_ text: String, _ name: String) throws -> UInt8 {
            let value = try? Hex.decode(text)
            guard let value, value.count == 1 else {
                throw fail("\(name) must be one byte in hex (e.g. A4), got '\(text)'", status: ExitStatus.badInput)
            }
            return value[0]
        }
    }

    /// `readerbench apdu decode HEX [--response]`
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a command or response APDU given in hex.",
            discussion: """
                A command is named in the read path's words first (SELECT by AID or file id with the \
                My Number Card's application and file names, READ BINARY offset and length, VERIFY, \
                COMPUTE DIGITAL SIGNATURE, GET RESPONSE), then its fields. PIN data (VERIFY, CHANGE \
                REFERENCE DATA, RESET RETRY COUNTER) is shown redacted.
                """)

        @Argument(help: "The APDU in hex (spaces allowed).") var hex: String
        @Flag(help: "Read it as a response (data + SW1 SW2) rather than a command.") var response = false

        func run() throws {
            let bytes: [UInt8]
            do { bytes = try Hex.decode(hex) } catch { throw fail("\(error)", status: ExitStatus.badInput) }
            let lines: [String]
            do { lines = try response ? Self.responseLines(bytes) : Self.commandLines(bytes) } catch {
                throw fail(error.description, status: ExitStatus.badInput)
            }
            for line in lines { print(line) }
        }

        static func responseLines(_ bytes: [UInt8]) throws(APDUError) -> [String] {
            let view = try ResponseView(bytes.span)
            return [
                "data (\(view.data.count) bytes): \(Hex.encode(view.data, style: .spaced))",
                "status: \(view.statusWord)",
            ]
        }

        /// What the command asks for, then its case, header, data (PINs redacted) and Le.
        static func commandLines(_ bytes: [UInt8]) throws(APDUError) -> [String] {
            let description = try CommandDescription(bytes.span)
            let view = try CommandView(bytes.span)
            let h = view.header
            var lines = [description.summary]
            lines.append(
                "case \(view.caseNumber)\(view.isExtended ? " extended" : view.caseNumber == 1 ? "" : " short")")
            lines.append(
                "CLA \(Hex.encode([h.cla]))  INS \(Hex.encode([h.ins]))  P1 \(Hex.encode([h.p1]))  P2 \(Hex.encode([h.p2]))"
            )
            if !description.shownData.isEmpty {
                let redacted = description.dataIsRedacted ? " (PIN, redacted)" : ""
                lines.append(
                    "Lc \(description.shownData.count): \(Hex.encode(description.shownData, style: .spaced))\(redacted)"
                )
            }
            if let le = view.expectedLength { lines.append("Le \(le)") }
            return lines
        }
    }
}
