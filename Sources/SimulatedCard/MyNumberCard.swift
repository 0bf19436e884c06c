import APDU
import CardCrypto
import CardLayout

/// A stateful model of the My Number Card's applets: APDU in, response out, nothing else.
///
/// It follows `../shared/reference/jpki.md`. Where the reference marks behaviour as inferred,
/// the choice is written beside the code. The model is pure (no sockets, clocks or files), so
/// it runs the same in-process, behind vpcd, and in tests; card-side time is added by a timing
/// profile outside it.
///
/// Non-volatile state (PIN try counters) survives power cycles; volatile state (selection,
/// verified PINs) does not, as on a real card.
public struct MyNumberCard: Sendable {
    public let profile: CardProfile
    /// How many commands the card has answered since it was made.
    public private(set) var commandCount = 0

    private let fileSystem: CardFileSystem
    private let keys: KeyRing
    private var pinValues: [PINReference: [UInt8]]
    private var triesLeft: [PINReference: Int]
    private var verified: Set<PINReference> = []
    private var application: CardApplication?
    private var currentFile: ElementaryFile?

    /// Makes a fresh card: every PIN with all its tries.
    public init(
        profile: CardProfile = .contactless, pins: CardPINs = CardPINs(),
        identity: CardIdentityMaterial = .synthetic, person: FictitiousPerson = FictitiousPerson()
    ) throws(CardCryptoError) {
        self.profile = profile
        fileSystem = CardFileSystem(identity: identity, person: person)
        keys = try KeyRing(identity: identity)
        let pinB = Array((String(person.birthDate.dropFirst(2)) + "2035" + "1234").utf8)
        pinValues = [
            .jpkiAuthentication: Array(pins.authentication.utf8), .jpkiSignature: Array(pins.signature.utf8),
            .text: Array(pins.text.utf8), .textA: Array(person.myNumber.utf8), .textB: pinB,
            .visualA: Array(person.myNumber.utf8), .visualB: pinB,
        ]
        triesLeft = Dictionary(uniqueKeysWithValues: PINReference.allCases.map { ($0, $0.maximumTries) })
    }

    /// Tries left on a PIN (for tests and for `simulate --verbose`).
    public func tries(_ pin: PINReference) -> Int { triesLeft[pin] ?? 0 }

    /// Sets a PIN's try counter, e.g. to start a test from a card with one try left.
    public mutating func setTries(_ pin: PINReference, _ count: Int) {
        triesLeft[pin] = max(0, min(count, pin.maximumTries))
    }

    // MARK: - Power

    /// Power on, power off and reset all lose the volatile state.
    public mutating func clearVolatileState() {
        application = nil
        currentFile = nil
        verified.removeAll()
    }

    // MARK: - Commands

    /// Answers one command: appends the response data and SW1 SW2 to `response`, which must have
    /// room for a full extended response (65538 bytes) — the vpcd server's buffer does.
    public mutating func process(_ command: Span<UInt8>, into response: inout OutputSpan<UInt8>) {
        commandCount += 1
        let status = dispatch(command, &response)
        response.append(status)
    }

    private mutating func dispatch(_ bytes: Span<UInt8>, _ response: inout OutputSpan<UInt8>) -> StatusWord {
        let command: CommandView
        do { command = try CommandView(bytes) } catch { return .wrongLength }
        if command.isExtended && !profile.extendedLength { return .wrongLength }
        let cla = command.header.cla & ~0x10
        guard cla == 0x00 || cla == 0x80 else { return .classNotSupported }
        if command.isChained { return StatusWord(rawValue: 0x6884) }  // chaining not supported (ISO 7816-4)
        switch command.header.ins {
        case 0xA4: return select(command)
        case 0xB0: return readBinary(command, &response)
        case 0x20: return verify(command)
        case 0x2A: return computeSignature(command, &response)
        case 0xB2: return readRecord(command, &response)
        default: return .instructionNotSupported
        }
    }

    // MARK: SELECT

    private mutating func select(_ command: borrowing CommandView) -> StatusWord {
        switch command.header.p1 {
        case 0x04:
            guard let app = applicationsByAID.first(where: { equal(command.data, $0.aid) })?.application else {
                return .fileNotFound
            }
            // Selecting an application (even the same one again) drops the security state:
            // OpenSC logs out of JPKI by re-selecting the AP.
            clearVolatileState()
            application = app
            return .success
        case 0x02:
            guard command.data.count == 2 else { return .wrongLength }
            guard let app = application else { return .fileNotFound }
            let id = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            guard let file = fileSystem.files[app]?[id] else { return .fileNotFound }
            currentFile = file
            return .success
        default:
            return .incorrectP1P2
        }
    }

    // MARK: READ BINARY

    private func readBinary(_ command: borrowing CommandView, _ response: inout OutputSpan<UInt8>) -> StatusWord {
        if command.header.p1 & 0x80 != 0 { return .incorrectP1P2 }  // short EF identifiers are not used by JPKI
        guard let file = currentFile else { return .commandNotAllowed }
        guard case .binary(let bytes, let capacity, let padding) = file.content else {
            return StatusWord(rawValue: 0x6981)  // command incompatible with file structure
        }
        if let condition = file.readCondition, !verified.contains(condition) { return .securityStatusNotSatisfied }
        let offset = Int(command.header.p1p2)
        // Valid offsets are 0..<capacity; an offset at the end is outside the EF too (ISO/IEC
        // 7816-4 6B00), rather than an empty read that a reader could mistake for success.
        guard offset < capacity else { return .wrongParameters }
        let wanted = command.expectedLength ?? 256
        let count = min(wanted, capacity - offset)
        let fromData = max(0, min(count, bytes.count - offset))
        if fromData > 0 { response.append(bytes: bytes.span.extracting(offset..<(offset + fromData))) }
        if count > fromData { response.append(repeating: padding, count: count - fromData) }
        // Fewer bytes than Le: ISO 7816-4 warning "end of file reached before reading Le bytes",
        // except for Le = 256 short / 65536 extended, which mean "as many as there are".
        let meansAll = command.expectedLength == nil || command.expectedLength == 256 || command.expectedLength == 65536
        return count < wanted && !meansAll ? StatusWord(rawValue: 0x6282) : .success
    }

    // MARK: VERIFY

    private mutating func verify(_ command: borrowing CommandView) -> StatusWord {
        guard command.header.p1 == 0x00, command.header.p2 == 0x80 else { return .incorrectP1P2 }
        guard let file = currentFile, case .pin(let pin) = file.content else { return .commandNotAllowed }
        let left = triesLeft[pin] ?? 0
        if command.data.isEmpty {
            // Retry-counter query: 9000 when already verified, else 63CX (63C0 when blocked).
            if verified.contains(pin) { return .success }
            return .verificationFailed(triesLeft: left)
        }
        if left == 0 { return .referenceDataNotUsable }
        if equal(command.data, pinValues[pin] ?? []) {
            triesLeft[pin] = pin.maximumTries
            verified.insert(pin)
            return .success
        }
        // Choice [I]: a PIN of the wrong length or alphabet counts as a wrong PIN, as the card
        // cannot tell a typo from a guess; this is the conservative model for PIN safety tests.
        triesLeft[pin] = left - 1
        verified.remove(pin)
        return .verificationFailed(triesLeft: left - 1)
    }

    // MARK: COMPUTE DIGITAL SIGNATURE

    private func computeSignature(_ command: borrowing CommandView, _ response: inout OutputSpan<UInt8>) -> StatusWord {
        guard command.header.cla & ~0x10 == 0x80, command.header.p1 == 0x00, command.header.p2 == 0x80 else {
            return .incorrectP1P2
        }
        guard let file = currentFile, case .key(let key, let guardPIN) = file.content else { return .commandNotAllowed }
        guard verified.contains(guardPIN) else { return .securityStatusNotSatisfied }
        guard !command.data.isEmpty else { return .wrongLength }
        do {
            try keys.key(key).signPKCS1v15(digestInfo: command.data, into: &response)
            return .success
        } catch {
            return .incorrectData
        }
    }

    // MARK: READ RECORD (住基AP)

    private func readRecord(_ command: borrowing CommandView, _ response: inout OutputSpan<UInt8>) -> StatusWord {
        guard application == .juki else { return .commandNotAllowed }
        guard command.header.p1 == 0x01 else { return StatusWord(rawValue: 0x6A83) }
        // The 住基AP's first record holds the card's manufacture number; a synthetic one here.
        let number = Array("RBSIM0000001".utf8)
        let count = min(number.count, command.expectedLength ?? 256)
        response.append(bytes: number.span.extracting(0..<count))
        return .success
    }

    private func equal(_ span: Span<UInt8>, _ bytes: [UInt8]) -> Bool {
        guard span.count == bytes.count else { return false }
        for index in span.indices where span[index] != bytes[index] { return false }
        return true
    }
}

/// The AIDs, built once: `CardApplication.allCases` and `aid` make new arrays on each call, and
/// the card must not allocate per command.
private let applicationsByAID: [(application: CardApplication, aid: [UInt8])] = CardApplication.allCases.map {
    ($0, $0.aid)
}

/// The card's private keys, loaded once.
///
/// `@unchecked Sendable`: a card is used by one thread at a time (the vpcd server thread or the
/// in-process channel); it moves between threads only while nobody signs with it. OpenSSL 3 also
/// allows concurrent use of one `EVP_PKEY`, so even a mistake here would not corrupt state.
final class KeyRing: @unchecked Sendable {
    let authentication: RSAPrivateKey
    let signature: RSAPrivateKey

    init(identity: CardIdentityMaterial) throws(CardCryptoError) {
        authentication = try RSAPrivateKey(derEncoded: identity.authenticationKeyPKCS8.span)
        signature = try RSAPrivateKey(derEncoded: identity.signatureKeyPKCS8.span)
    }

    func key(_ which: SigningKey) -> RSAPrivateKey {
        which == .authentication ? authentication : signature
    }
}
