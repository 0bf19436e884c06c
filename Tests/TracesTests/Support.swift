import APDU
import CardTransport
import Foundation
import HexCoding
import Traces

/// A small card for recording tests: SELECT answers 90 00, READ BINARY answers bytes of a file
/// at the offset, VERIFY answers 90 00 for PIN "1234" and 63 C2 otherwise, anything else 6D 00.
struct ScriptedCard: VirtualCard {
    var atr: [UInt8] = [0x3B, 0x80, 0x80, 0x01, 0x01]
    var file: [UInt8] = Array(0..<200)
    var removeOnINS: UInt8? = nil

    mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        guard command.count >= 4 else {
            response.append(StatusWord(rawValue: 0x6700))
            return .respond
        }
        if let removeOnINS, command[1] == removeOnINS { return .remove }
        switch command[1] {
        case 0xA4:
            response.append(StatusWord.success)
        case 0xB0:
            let offset = Int(command[2]) << 8 | Int(command[3])
            let le = command.count > 4 ? Int(command[4]) : 0
            for k in offset..<min(offset + le, file.count) { response.append(file[k]) }
            response.append(StatusWord.success)
        case 0x20:
            let pinOK =
                command.count == 9 && command[5] == 0x31 && command[6] == 0x32 && command[7] == 0x33
                && command[8] == 0x34
            response.append(StatusWord(rawValue: pinOK ? 0x9000 : 0x63C2))
        default:
            response.append(StatusWord(rawValue: 0x6D00))
        }
        return .respond
    }
}

enum Fixture {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

func bytes(_ hex: String) -> [UInt8] { try! Hex.decode(hex) }

/// A header for tests.
func testHeader(note: String? = nil) -> TraceHeader {
    TraceHeader(
        tool: .init(name: "readerbench-tests", version: "1"), createdAt: "2025-01-31T09:15:00Z",
        reader: .init(name: "Test Reader 00 00", modelKey: "test:reader"), atr: [0x3B, 0x80, 0x80, 0x01, 0x01],
        synthetic: true, note: note)
}

/// A small trace in text: two iterations of SELECT, READ BINARY, VERIFY (redacted), SIGN.
func sampleTraceText() -> [UInt8] {
    var writer = TraceWriter(header: testHeader())
    let challenges: [[UInt8]] = [Array(repeating: 0x11, count: 32), Array(repeating: 0x22, count: 32)]
    var t: UInt64 = 0
    for iteration in 0..<2 {
        let challenge = challenges[iteration]
        try! writer.iteration(
            time: t, number: iteration, mode: iteration == 0 ? .cold : .warm, challenge: challenge.span)
        try! writer.connect(time: t + 1, duration: 500)
        let exchanges: [(String, String, UInt64)] = [
            ("00A4040C0AD392F000260100000001", "9000", 1_000),
            ("00B0000004", "010203049000", 2_000 + UInt64(iteration) * 100),
            ("0020008004" + "31323334", "9000", 3_000),
            ("002A9E9A03" + Hex.encode(challenges[iteration].prefix(3)) + "00", "AABB9000", 50_000),
        ]
        for (command, response, duration) in exchanges {
            t += 10_000
            let c = bytes(command), r = bytes(response)
            try! writer.transmit(time: t, duration: duration, command: c.span, response: r.span)
        }
        t += 10_000
        try! writer.disconnect(time: t, action: iteration == 0 ? .leave : .unpower, duration: 100)
    }
    return writer.writtenBytes
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
