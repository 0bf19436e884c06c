import APDU
import CardLayout
import CardTransport

/// How the hostile faults (`long-answer` … `signature-length:N`) shape answers, and the little
/// state they need: the GET RESPONSE loop a hostile answer started, and whether a JPKI
/// certificate EF is selected (for `deep-certificate`).
///
/// Every answer is written with the response buffer's free capacity in mind (65,535 bytes behind
/// vpcd, 65,548 in-process): a hostile card must hurt the harness through what it says, never by
/// trapping in the simulator.
struct HostileAnswers: Sendable {
    /// The largest data field one vpcd frame can carry with SW1 SW2 (65,535 − 2).
    static let maximumDataCount = 65_533

    /// The GET RESPONSE loop a hostile answer started; any other command ends it.
    private var loop: Loop?
    /// Whether the JPKI application is selected, and one of its certificate EFs.
    private var inJPKI = false
    private var certificateSelected = false

    private enum Loop {
        /// `huge-answer`: every GET RESPONSE gets 256 bytes and `61 00`.
        case huge
        /// `endless-61xx`: every GET RESPONSE gets `61 10` and nothing else.
        case endless
    }

    /// Power and resets lose the selection and any chain.
    mutating func reset() {
        loop = nil
        inJPKI = false
        certificateSelected = false
    }

    /// Follows SELECTs, which the base card answers as usual.
    mutating func observe(_ command: Span<UInt8>) {
        guard command.count >= 5, command[1] == 0xA4 else { return }
        let data = command.extracting(droppingFirst: 5)
        switch command[2] {
        case 0x04:
            inJPKI = Self.equal(data, CardApplication.jpki.aid)
            certificateSelected = false
        case 0x02:
            let certificates = [
                CardFile.jpkiAuthenticationCertificate, CardFile.jpkiAuthenticationCA,
                CardFile.jpkiSignatureCertificate, CardFile.jpkiSignatureCA,
            ]
            certificateSelected =
                inJPKI && data.count == 2 && certificates.contains(UInt16(data[0]) << 8 | UInt16(data[1]))
        default:
            break
        }
    }

    /// Answers that do not involve the base card: GET RESPONSE inside a hostile loop, and READ
    /// BINARY of the deep certificate. Nil when the base card should answer.
    mutating func answerBeforeBase(
        _ command: Span<UInt8>, faults: [CardFault], into response: inout OutputSpan<UInt8>
    ) -> CardAction? {
        let current = loop
        loop = nil
        if let current, command.count >= 4, command[1] == 0xC0 {
            switch current {
            case .huge:
                let count = min(256, response.freeCapacity - 2)
                response.append(repeating: 0xA5, count: count)
                response.append(.bytesAvailable(256))
            case .endless:
                response.append(.bytesAvailable(0x10))
            }
            loop = current
            return .respond
        }
        if certificateSelected, faults.contains(.deepCertificate), command.count >= 4, command[1] == 0xB0 {
            readDeepCertificate(command, into: &response)
            return .respond
        }
        return nil
    }

    /// Reshapes an answer of the base card that carries data (`answer` is data then SW1 SW2);
    /// nil when no hostile fault applies to it.
    mutating func reshape(
        _ command: Span<UInt8>, answer: Span<UInt8>, faults: [CardFault], into response: inout OutputSpan<UInt8>
    ) -> CardAction? {
        let dataCount = answer.count - 2
        guard dataCount > 0 else { return nil }
        let expected = (try? CommandView(command))?.expectedLength
        for fault in faults {
            switch fault {
            case .longAnswer:
                let count = min((expected ?? dataCount) + 16, response.freeCapacity - 2)
                Self.appendFilled(answer.extracting(first: dataCount), count: count, into: &response)
                response.append(.success)
            case .hugeAnswer:
                let count = min(expected ?? 256, dataCount, response.freeCapacity - 2)
                response.append(bytes: answer.extracting(first: count))
                response.append(.bytesAvailable(256))
                loop = .huge
            case .endless61XX:
                response.append(.bytesAvailable(0x10))
                loop = .endless
            case .wrongLeLoop:
                // Never the length just asked for: Le + 1 (256 + 1 wraps to 01; 255 + 1 is 00, i.e. 256).
                response.append(.wrongExpectedLength(exact: (expected ?? dataCount) + 1))
            case .emptyAnswer:
                break
            case .oneByteStatus:
                response.append(answer[answer.count - 2])
            case .signatureLength(let length) where command.count >= 4 && command[1] == 0x2A:
                Self.appendFilled(
                    answer.extracting(first: dataCount), count: min(length, response.freeCapacity - 2), into: &response)
                response.append(.success)
            default:
                continue
            }
            return .respond
        }
        return nil
    }

    // MARK: - The deep certificate

    /// A SEQUENCE nested 10,000 levels deep around a NULL, every length in its shortest form: the
    /// shape that overflows the stack of a recursive parser without a depth limit.
    static let deepCertificate: [UInt8] = nested(depth: 10_000)

    static func nested(depth: Int) -> [UInt8] {
        // Built from the inside out, reversed, so each level is an append.
        var reversed: [UInt8] = [0x00, 0x05]
        for _ in 0..<depth {
            let length = reversed.count
            if length < 0x80 {
                reversed.append(UInt8(length))
            } else if length <= 0xFF {
                reversed += [UInt8(length), 0x81]
            } else {
                reversed += [UInt8(length & 0xFF), UInt8(length >> 8), 0x82]
            }
            reversed.append(0x30)
        }
        return reversed.reversed()
    }

    private func readDeepCertificate(_ command: Span<UInt8>, into response: inout OutputSpan<UInt8>) {
        let file = Self.deepCertificate
        let offset = Int(command[2] & 0x7F) << 8 | Int(command[3])
        guard offset < file.count else {
            response.append(.wrongParameters)
            return
        }
        let wanted = (try? CommandView(command))?.expectedLength ?? 256
        let count = min(wanted, file.count - offset, response.freeCapacity - 2)
        response.append(bytes: file.span.extracting(offset..<(offset + count)))
        response.append(.success)
    }

    // MARK: - Bytes

    /// The lying ATR of `lying-atr`: T0 = 8F announces 15 historical bytes; after TD1 = 80 and
    /// TD2 = 01 (T=1) only 5 bytes follow.
    static let lyingATR: [UInt8] = [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00]

    /// `data`, cut or repeated to `count` bytes.
    private static func appendFilled(_ data: Span<UInt8>, count: Int, into response: inout OutputSpan<UInt8>) {
        guard !data.isEmpty else {
            response.append(repeating: 0, count: count)
            return
        }
        var written = 0
        while written < count {
            let piece = min(count - written, data.count)
            response.append(bytes: data.extracting(first: piece))
            written += piece
        }
    }

    private static func equal(_ a: Span<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        for index in a.indices where a[index] != b[index] { return false }
        return true
    }
}

extension CardFault {
    /// What the certificate EFs hold under `deep-certificate`.
    public static var deepCertificateContent: [UInt8] { HostileAnswers.deepCertificate }
    /// The ATR the card gives under `lying-atr`.
    public static var lyingATRBytes: [UInt8] { HostileAnswers.lyingATR }
}
