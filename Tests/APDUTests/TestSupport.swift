import APDU

/// Encodes one command into a fresh buffer and returns its bytes (tests only; the hot path
/// reuses one buffer).
func encoded(
    _ header: APDUHeader, data: [UInt8] = [], le: Int? = nil, form: LengthForm = .automatic
) throws(APDUError) -> [UInt8] {
    var buffer = APDUBuffer()
    try buffer.encode(header, data: data.span, expectedLength: le, form: form)
    return buffer.copyBytes()
}

/// What a parsed command says, as plain values (spans cannot leave their scope).
struct ParsedCommand: Equatable {
    var header: APDUHeader
    var data: [UInt8]
    var le: Int?
    var isExtended: Bool
    var caseNumber: Int

    init(_ bytes: [UInt8]) throws(APDUError) {
        let view = try CommandView(bytes.span)
        header = view.header
        var copy: [UInt8] = []
        for i in view.data.indices { copy.append(view.data[i]) }
        data = copy
        le = view.expectedLength
        isExtended = view.isExtended
        caseNumber = view.caseNumber
    }
}

let selectJPKI = APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x0C)
let readBinary = APDUHeader(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00)
let jpkiAID: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
