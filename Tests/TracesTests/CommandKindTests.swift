import Testing
import Traces

/// The names trace info and trace diff group exchanges by.
@Suite("command kinds")
struct CommandKindTests {
    @Test("JPKI's COMPUTE DIGITAL SIGNATURE (80 2A 00 80) is named as such, as is ISO's PSO 9E 9A")
    func computeDigitalSignature() {
        #expect(CommandKind.name(ins: 0x2A, p1: 0x00, p2: 0x80) == "COMPUTE DIGITAL SIGNATURE")
        #expect(CommandKind.name(ins: 0x2A, p1: 0x9E, p2: 0x9A) == "COMPUTE DIGITAL SIGNATURE")
        #expect(CommandKind.name(ins: 0x2A, p1: 0x80, p2: 0x86) == "PERFORM SECURITY OPERATION")
    }
}
