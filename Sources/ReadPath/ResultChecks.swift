import RunModel
import BERTLV
import CardCrypto
import CardIdentity
import CardTransport

/// What the card returned, checked after the iteration's clock has stopped: a fast wrong answer
/// is not a fast reader.
extension ReadPathEngine where Channel: ~Copyable {
    /// Checks the last iteration's token, certificate, signature and text record, as far as the
    /// scenario read them. Personal data from the text AP is decoded to check it, never kept or
    /// shown.
    public func checkResults() -> IterationFailure? {
        if let failure = checkAnswerToReset() { return failure }
        for step in scenario.steps {
            switch step.operation {
            case .readToken where !tokenOK:
                return IterationFailure(.checkFailed, step: step.label, "the token EF does not hold JPKIAPICCTOKEN2: not a My Number Card")
            case .readCertificate:
                if let failure = checkCertificate(step) { return failure }
            case .readTextRecord:
                if let failure = checkTextRecord(step) { return failure }
            default:
                continue
            }
        }
        return nil
    }

    /// The ATR is the card's first answer; one whose structure lies (a format byte announcing
    /// bytes that are not there, bytes after its end) is a broken or hostile card even when
    /// pcscd accepted it. A wrong or missing check character is not: readers synthesise those.
    /// An empty ATR (an imported log that did not show it) is not checked.
    private func checkAnswerToReset() -> IterationFailure? {
        let atr = transport.channel.atr
        guard !atr.isEmpty else { return nil }
        do { _ = try ATR(bytes: atr) } catch {
            return IterationFailure(.checkFailed, step: "connect", "the card's answer to reset is malformed: \(error)")
        }
        return nil
    }

    private func checkCertificate(_ step: Step) -> IterationFailure? {
        do { try TLV.validate(objectBytes.span, mode: .der) } catch {
            return IterationFailure(.checkFailed, step: step.label, "the certificate is not valid DER: \(error)")
        }
        guard scenario.signs else { return nil }
        let key: RSAPublicKey
        do {
            let bytes = objectBytes
            key = try X509Certificate(derEncoded: bytes.span).publicKey()
        } catch {
            return IterationFailure(.checkFailed, step: step.label, "cannot read the certificate's public key: \(error)")
        }
        let signatureCopy = signature
        let digestInfoCopy = digestInfo
        if signatureCopy.count != key.signatureByteCount {
            return IterationFailure(
                .checkFailed, step: "COMPUTE DIGITAL SIGNATURE",
                "the signature is \(signatureCopy.count) bytes; the certificate's \(key.modulusBitCount)-bit key makes "
                    + "\(key.signatureByteCount)-byte signatures")
        }
        if !key.verifyPKCS1v15(signature: signatureCopy.span, digestInfo: digestInfoCopy.span) {
            return IterationFailure(
                .checkFailed, step: "COMPUTE DIGITAL SIGNATURE",
                "the signature (\(signatureCopy.count) bytes) does not verify with the certificate's public key")
        }
        return nil
    }

    private func checkTextRecord(_ step: Step) -> IterationFailure? {
        let record = objectBytes
        do {
            try TLV.validate(record.span, mode: .ber)
            func field(_ tag: TLVTag) throws -> [UInt8]? {
                guard let node = try TLV.find(path: [0xFF20, tag], in: record.span, mode: .ber) else { return nil }
                return Array(record[node.valueRange])
            }
            for (tag, name) in [(TLVTag(0xDF22), "name"), (0xDF23, "address")] {
                guard let value = try field(tag), !value.isEmpty, String(validating: value, as: UTF8.self) != nil else {
                    return IterationFailure(.checkFailed, step: step.label, "the \(name) field is missing or not UTF-8")
                }
            }
            guard let birth = try field(0xDF24), birth.count == 8, birth.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return IterationFailure(.checkFailed, step: step.label, "the birth-date field is not 8 digits")
            }
            guard let sex = try field(0xDF25), sex.count == 1, [0x31, 0x32, 0x39].contains(sex[0]) else {
                return IterationFailure(.checkFailed, step: step.label, "the sex field is not 1, 2 or 9")
            }
        } catch {
            return IterationFailure(.checkFailed, step: step.label, "the basic-four record is not valid BER-TLV: \(error)")
        }
        return nil
    }
}
