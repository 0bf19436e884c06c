import CardTransport
import Testing

@testable import PCSC

/// What pcsc-lite's results turn into for the person at the reader. Codes are pcsc-lite 1.9.9's
/// `<PCSC/pcsclite.h>` values, written out so a renumbering would show here.
@Suite("PC/SC error names, messages and kinds")
struct PCSCErrorTests {
    static let noService = 0x8010_001D
    static let serviceStopped = 0x8010_001E
    static let commError = 0x8010_0013
    static let removedCard = 0x8010_0069
    static let resetCard = 0x8010_0068
    static let sharingViolation = 0x8010_000B
    static let noSmartcard = 0x8010_000C
    static let notTransacted = 0x8010_0016
    static let readerUnavailable = 0x8010_0017
    static let timeout = 0x8010_000A
    static let cancelled = 0x8010_0002
    static let invalidHandle = 0x8010_0003

    @Test("pcscd not running names the constant and says how to start the rig or the service")
    func noServiceMessage() {
        let error = PCSCError(code: Self.noService, function: "SCardEstablishContext")
        #expect(error.name == "SCARD_E_NO_SERVICE")
        #expect(error.message.contains("scripts/virtual-reader start"))
        #expect(error.message.contains("systemctl"))
        #expect(error.kind == .serviceUnavailable)
    }

    @Test("losing pcscd during a call says how to start it again")
    func commErrorMessage() {
        let error = PCSCError(code: Self.commError, function: "SCardTransmit")
        #expect(error.name == "SCARD_F_COMM_ERROR")
        #expect(error.message.contains("scripts/virtual-reader start"))
        #expect(error.kind == .serviceUnavailable)
    }

    @Test("a card removed mid-command is reported in those words")
    func removedCardMessage() {
        let error = PCSCError(code: Self.removedCard, function: "SCardTransmit")
        #expect(error.name == "SCARD_W_REMOVED_CARD")
        #expect(error.message == "card removed during the command")
        #expect(error.kind == .cardRemoved)
    }

    @Test("a sharing violation says another application holds the reader")
    func sharingViolationMessage() {
        let error = PCSCError(code: Self.sharingViolation, function: "SCardConnect")
        #expect(error.name == "SCARD_E_SHARING_VIOLATION")
        #expect(error.message.contains("in use by another application"))
        #expect(error.kind == .sharingViolation)
    }

    @Test(
        "each code that matters maps to its failure kind",
        arguments: [
            (noService, TransportError.Kind.serviceUnavailable),
            (serviceStopped, .serviceUnavailable),
            (commError, .serviceUnavailable),
            (removedCard, .cardRemoved),
            (resetCard, .cardRemoved),
            (noSmartcard, .noCard),
            (readerUnavailable, .readerUnavailable),
            (invalidHandle, .readerUnavailable),
            (sharingViolation, .sharingViolation),
            (timeout, .timeout),
            (cancelled, .cancelled),
            (notTransacted, .other),
        ])
    func kindMapping(code: Int, kind: TransportError.Kind) {
        #expect(PCSCError(code: code, function: "SCardTransmit").kind == kind)
    }

    @Test("hexCode is eight upper-case digits, whether the LONG came signed or not")
    func hexCode() {
        #expect(PCSCError(code: Self.removedCard, function: "f").hexCode == "0x80100069")
        #expect(PCSCError(code: Int(Int32(bitPattern: 0x8010_0069)), function: "f").hexCode == "0x80100069")
        #expect(PCSCError(code: 0x1D, function: "f").hexCode == "0x0000001D")
    }

    @Test("an unknown code still has a name, a message and the kind other")
    func unknownCode() {
        let error = PCSCError(code: 0x8010_7777, function: "SCardTransmit")
        #expect(error.name == "unknown PC/SC error")
        #expect(error.message == "pcsc-lite returned an unknown error")
        #expect(error.kind == .other)
        #expect(
            error.description == "SCardTransmit: pcsc-lite returned an unknown error [unknown PC/SC error 0x80107777]")
    }

    @Test("the transport error keeps the kind, the function and the constant")
    func transportError() {
        let error = PCSCError(code: Self.removedCard, function: "SCardTransmit").transportError
        #expect(error.kind == .cardRemoved)
        #expect(error.message == "SCardTransmit: card removed during the command")
        #expect(error.code == "SCARD_W_REMOVED_CARD 0x80100069")
    }
}

@Suite("PC/SC multi-strings")
struct MultiStringTests {
    private func multiString(_ text: String) -> [CChar] {
        text.utf8.map { CChar(bitPattern: $0) }
    }

    @Test("a reader list splits at each NUL and stops at the double NUL")
    func twoReaders() {
        let buffer = multiString("Virtual PCD 00 00\0Virtual PCD 00 01\0\0")
        #expect(PCSCContext.splitMultiString(buffer) == ["Virtual PCD 00 00", "Virtual PCD 00 01"])
    }

    @Test("an empty list (a lone NUL or nothing) has no names")
    func empty() {
        #expect(PCSCContext.splitMultiString(multiString("\0")) == [])
        #expect(PCSCContext.splitMultiString([]) == [])
    }

    @Test("bytes after the terminating double NUL are ignored")
    func trailingGarbage() {
        #expect(PCSCContext.splitMultiString(multiString("A\0\0B\0")) == ["A"])
    }

    @Test("a list missing its final NUL keeps its last name")
    func unterminated() {
        #expect(PCSCContext.splitMultiString(multiString("A\0B")) == ["A", "B"])
    }

    @Test("names are UTF-8, as pcsc-lite passes them through from the driver")
    func utf8() {
        #expect(PCSCContext.splitMultiString(multiString("リーダー 00 00\0\0")) == ["リーダー 00 00"])
    }
}
