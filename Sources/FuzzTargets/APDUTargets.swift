import APDU
import HexCoding

/// Command APDUs both ways (a received command read by `CommandView`, a command built by
/// `CommandEncoder` and `CommandChain`), PIN redaction, and response views.
enum APDUTargets {
    static let command = FuzzTarget(
        name: "apdu-command",
        summary: "command APDUs: a command CommandView reads re-encodes to the same bytes; a command encoded from "
            + "fields decodes to the same fields (or is refused for a stated reason); a chain's segments reassemble; "
            + "PIN redaction keeps the length and is idempotent"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "apdu-command")
        try readThenEncode(bytes, check)
        var input = FuzzInput(bytes)
        try encodeThenRead(&input, check)
        try redaction(bytes, check)
    }

    static let response = FuzzTarget(
        name: "apdu-response",
        summary: "response APDUs and status words: ResponseView splits data and SW1 SW2 exactly (or refuses under 2 "
            + "bytes); a status word's meaning and its 61XX/6CXX/63CX numbers agree; hex encodes and decodes back"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "apdu-response")
        let all = array(bytes)
        var parsed: (data: [UInt8], sw: StatusWord, count: Int)?
        var refused: APDUError?
        do throws(APDUError) {
            let view = try ResponseView(bytes)
            parsed = (array(view.data), view.statusWord, view.count)
        } catch {
            refused = error
        }
        if let parsed {
            let sw = parsed.sw
            try check.expect(bytes.count >= 2, "a \(bytes.count)-byte response was read")
            try check.expect(
                parsed.data + [sw.sw1, sw.sw2] == all && parsed.count == all.count,
                "data and status word do not add up to the input")
            try check.expect(
                !sw.meaning.isEmpty && sw.description.hasPrefix(Hex.encode([sw.sw1, sw.sw2])), "\(sw) described badly")
            if let available = sw.bytesAvailable {
                try check.expect(sw.sw1 == 0x61 && (1...256).contains(available), "61XX gives \(available)")
            }
            if let exact = sw.exactExpectedLength {
                try check.expect(sw.sw1 == 0x6C && (1...256).contains(exact), "6CXX gives \(exact)")
            }
            if let tries = sw.triesLeft {
                try check.expect(sw.sw1 == 0x63 && (0...15).contains(tries), "63CX gives \(tries)")
            }
            try check.expect(sw.isSuccess == (sw.rawValue == 0x9000), "isSuccess wrong for \(sw)")
        } else {
            try check.expect(
                bytes.count < 2 && refused == .responseTooShort(count: bytes.count),
                "a \(bytes.count)-byte response refused: \(String(describing: refused))")
        }
        for style in [Hex.Style.compact, .spaced] {
            let text = Hex.encode(bytes, style: style)
            let decoded = try? Hex.decode(text)
            try check.expect(decoded == all, "hex (\(style)) does not decode back")
        }
        _ = try? Hex.decode(String(decoding: all, as: UTF8.self))
    }

    // MARK: - Command properties

    /// What `CommandView` reads, the encoder writes back byte for byte.
    private static func readThenEncode(_ bytes: Span<UInt8>, _ check: Checker) throws(PropertyViolation) {
        let view: CommandView
        do throws(APDUError) { view = try CommandView(bytes) } catch {
            switch error {
            case .commandTooShort(let count):
                try check.expect(count == bytes.count && count < 4, "refused as too short: \(error)")
            case .malformedCommand: try check.expect(bytes.count > 5, "a short command refused as malformed: \(error)")
            default: throw check.violation("CommandView threw \(error)")
            }
            return
        }
        let expectedCase = (view.data.isEmpty ? 1 : 3) + (view.expectedLength == nil ? 0 : 1)
        try check.expect(view.caseNumber == expectedCase, "case \(view.caseNumber), expected \(expectedCase)")
        var buffer = APDUBuffer(capacity: bytes.count)
        do throws(APDUError) {
            try buffer.encode(
                view.header, data: view.data, expectedLength: view.expectedLength,
                form: view.isExtended ? .extended : .short)
        } catch {
            try check.expect(
                error == .reservedInstruction(view.header.ins) && view.header.hasReservedInstruction,
                "a command CommandView read cannot be encoded: \(error)")
            return
        }
        try check.expect(buffer.copyBytes() == array(bytes), "re-encoding gives \(Hex.encode(buffer.copyBytes()))")
    }

    /// A command encoded from fields reads back as those fields.
    private static func encodeThenRead(_ input: inout FuzzInput, _ check: Checker) throws(PropertyViolation) {
        let header = APDUHeader(cla: input.byte(), ins: input.byte(), p1: input.byte(), p2: input.byte())
        let flags = input.byte()
        let form: LengthForm = [.automatic, .short, .extended][Int(flags % 3)]
        // Sizes near the limits of the short and extended forms, or small ones; a random large size
        // for every data byte would spend the run copying and comparing 64 KB arrays.
        let limits = [254, 255, 256, 257, 4096, 65_534, 65_535, 65_536]
        let large = flags & 0x10 != 0
        let dataCount =
            large ? limits[Int(input.byte()) % limits.count] : Int(input.byte()) + (flags & 0x20 != 0 ? 1 : 0)
        let le: Int? =
            flags & 0x40 != 0 ? (large ? limits[Int(input.byte()) % limits.count] : 1 + Int(input.byte())) : nil
        let seed = input.byte()
        let data = (0..<dataCount).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }

        var buffer = APDUBuffer(capacity: 4 + 3 + dataCount + 3)
        do throws(APDUError) {
            try buffer.encode(header, data: data.span, expectedLength: le, form: form)
        } catch {
            let fitsShort = dataCount <= 255 && (le ?? 0) <= 256
            switch error {
            case .reservedInstruction: try check.expect(header.hasReservedInstruction, "refused INS \(header.ins)")
            case .shortFormCannotCarry:
                try check.expect(
                    form == .short && !fitsShort, "short form refused \(dataCount)/\(String(describing: le))")
            case .dataTooLong: try check.expect(dataCount > 65535, "data of \(dataCount) refused")
            default:
                throw check.violation(
                    "encoding \(dataCount) bytes, Le \(String(describing: le)), \(form) threw \(error)")
            }
            return
        }
        let encoded = buffer.copyBytes()
        let count = try? CommandEncoder.encodedCount(dataCount: dataCount, expectedLength: le, form: form)
        try check.expect(
            count == encoded.count, "encodedCount says \(String(describing: count)), encode wrote \(encoded.count)")
        let extended = try? CommandEncoder.usesExtendedForm(dataCount: dataCount, expectedLength: le, form: form)
        do {
            let view = try CommandView(encoded.span)
            try check.expect(
                view.header == header && array(view.data) == data && view.expectedLength == le
                    && (view.isExtended == extended || (dataCount == 0 && le == nil)),
                "\(Hex.encode(encoded)) reads back as other fields")
        } catch {
            throw check.violation("\(Hex.encode(encoded)) does not read back: \(error)")
        }

        // The same data as a chain of short segments (at most 64 of them, to keep each input fast).
        guard form != .extended, !data.isEmpty else { return }
        let segmentSize = max(Int(input.byte() % 255) + 1, (dataCount + 63) / 64)
        guard segmentSize <= 255 else { return }
        guard
            let chain = try? CommandChain(
                header, dataCount: dataCount, expectedLength: le, segmentSize: segmentSize, form: .short)
        else { return }
        var gathered: [UInt8] = []
        for index in 0..<chain.segmentCount {
            var segment = APDUBuffer(capacity: 4 + 1 + 255 + 1)
            do {
                try segment.fill { (raw: UnsafeMutableRawBufferPointer) throws(APDUError) -> Int in
                    var out = OutputRawSpan(buffer: raw, initializedCount: 0)
                    try chain.encodeSegment(index, data: data.span, into: &out)
                    return out.finalize(for: raw)
                }
            } catch {
                throw check.violation("segment \(index) of \(chain.segmentCount) does not encode: \(error)")
            }
            let bytes = segment.copyBytes()
            guard let view = try? CommandView(bytes.span) else {
                throw check.violation("segment \(index) does not read back")
            }
            let last = index == chain.segmentCount - 1
            try check.expect(
                view.isChained == (!last || header.cla & 0x10 != 0), "segment \(index): chaining bit wrong")
            try check.expect(view.expectedLength == (last ? le : nil), "segment \(index): Le wrong")
            gathered += array(view.data)
        }
        try check.expect(gathered == data, "the chain's segments do not reassemble the data")
    }

    /// Redaction keeps the length, hides every data byte of a PIN command, and is idempotent.
    private static func redaction(_ bytes: Span<UInt8>, _ check: Checker) throws(PropertyViolation) {
        let once = PINRedaction.redacted(bytes)
        try check.expect(once.count == bytes.count, "redaction changed the length")
        try check.expect(PINRedaction.redacted(once) == once, "redaction is not idempotent")
        guard bytes.count > 4, PINRedaction.carriesPIN(ins: bytes[1]) else {
            try check.expect(once == array(bytes), "a command without a PIN was changed")
            return
        }
        try check.expect(Array(once.prefix(4)) == Array(array(bytes).prefix(4)), "redaction changed the header")
        if let view = try? CommandView(bytes) {
            let start = view.isExtended ? 7 : 5
            for index in start..<(start + view.data.count) {
                try check.expect(once[index] == PINRedaction.marker, "data byte \(index) of a PIN command kept")
            }
        }
    }
}
