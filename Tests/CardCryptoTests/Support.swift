import Foundation
import Testing

@testable import CardCrypto

// MARK: - Fixtures

/// The files in Fixtures/ (see Fixtures/README.md for how each was made).
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return [UInt8](try Data(contentsOf: url))
    }

    static func authCertificateDER() throws -> [UInt8] { try bytes("auth-cert.der") }
    static func authCADER() throws -> [UInt8] { try bytes("auth-ca.der") }
    static func authKeyDER() throws -> [UInt8] { try bytes("auth-key.der") }

    // The DER is bound to a local before `.span`: passing `.span` of a throwing call's temporary result
    // crashes Swift 6.3.1's IR generation ("Instruction does not dominate all uses").
    static func authKey() throws -> RSAPrivateKey {
        let der = try authKeyDER()
        return try RSAPrivateKey(derEncoded: der.span)
    }

    static func authCertificate() throws -> X509Certificate {
        let der = try authCertificateDER()
        return try X509Certificate(derEncoded: der.span)
    }

    static func authCA() throws -> X509Certificate {
        let der = try authCADER()
        return try X509Certificate(derEncoded: der.span)
    }
}

// MARK: - Span helpers

/// A copy of `span`'s bytes, for comparing with `==` (spans and inline arrays are not `Equatable`).
func array(_ span: Span<UInt8>) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(span.count)
    for index in span.indices { bytes.append(span[index]) }
    return bytes
}

func array<let count: Int>(_ inline: InlineArray<count, UInt8>) -> [UInt8] {
    array(inline.span)
}

// MARK: - Outcomes

/// The error code `body` throws, or nil when it succeeds; lets a loop over many inputs end in one `#expect`.
func outcome(_ body: () throws(CardCryptoError) -> Void) -> CardCryptoError.Code? {
    do {
        try body()
        return nil
    } catch {
        return error.code
    }
}
