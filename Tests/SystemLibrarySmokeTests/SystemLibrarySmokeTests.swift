import CLibUSB
import COpenSSL
import CPCSCLite
import Testing

/// Each C library links and answers one call, so later modules can rely on the module maps.
@Suite("System libraries link and answer")
struct SystemLibrarySmokeTests {
    @Test("libpcsclite answers SCardIsValidContext for a context that does not exist")
    func pcscLiteRejectsUnknownContext() {
        // No pcscd is needed: an unknown context is rejected inside the client library.
        let result = SCardIsValidContext(0x1234_5678)
        #expect(result == SCARD_E_INVALID_HANDLE)
    }

    @Test("pcsc-lite's DWORD and LONG are 64-bit on Linux, as imported from the headers")
    func pcscLiteTypesAreWide() {
        #expect(MemoryLayout<DWORD>.size == 8)
        #expect(MemoryLayout<LONG>.size == 8)
        #expect(MemoryLayout<SCARDCONTEXT>.size == 8)
    }

    @Test("libusb reports its version")
    func libusbReportsVersion() throws {
        let version = try #require(libusb_get_version())
        #expect(version.pointee.major == 1)
    }

    @Test("OpenSSL computes SHA-256 of \"abc\"")
    func openSSLHashes() {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let input: [UInt8] = Array("abc".utf8)
        let ok = EVP_Digest(input, input.count, &digest, &length, EVP_sha256(), nil)
        #expect(ok == 1)
        #expect(length == 32)
        #expect(digest.prefix(4) == [0xBA, 0x78, 0x16, 0xBF])
    }
}
