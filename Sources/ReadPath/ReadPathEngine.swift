import APDU
import BERTLV
import CardLayout
import CardTransport
import Measurement
import RunModel

private let jpkiTokenPrefix: [UInt8] = Array(CardFile.jpkiTokenText.utf8)

/// Runs a ``Scenario`` on a card, one iteration at a time, timing every APDU and phase.
///
/// The measured path — from the connect to the disconnect — encodes into reusable buffers,
/// transmits, and appends timestamps into storage reserved up front: no allocation, no
/// formatting, no I/O but the card's. Everything that checks what the card returned (DER,
/// signature, text fields) runs after the iteration's clock has stopped, in ``checkResults()``.
public struct ReadPathEngine<Channel: CardConnection & ~Copyable>: ~Copyable {
    public var transport: ISO7816Transport<Channel>
    public let scenario: Scenario
    public let strategy: ReadStrategy
    /// What the last iteration recorded.
    public private(set) var recorder: IterationRecorder
    /// The PIN for scenarios that verify one.
    public var pin: SecretPIN?
    /// VERIFY is refused when the card reports fewer tries left than this.
    public var pinFloor: Int
    /// Told when each exchange starts, for a watchdog that enforces the timeout.
    public var heartbeat: Heartbeat?
    /// The longest an exchange may take, in nanoseconds; nil for no limit. An answer that comes
    /// later fails the iteration as ``FailureCause/timeout`` without stopping the run: the card
    /// still answers, so the next iteration may succeed. (A card that does not answer at all is
    /// the watchdog's to stop, since a transmit cannot be interrupted.)
    public var exchangeTimeoutNanoseconds: UInt64?
    /// The DigestInfo the sign step sends (set per iteration with ``setChallenge(digestInfo:)``).
    public private(set) var digestInfo: [UInt8] = []

    /// What the card returned in the last iteration, for the checks.
    public private(set) var objectBytes: [UInt8]
    public private(set) var signature: [UInt8]
    public private(set) var tokenOK = false

    private var command: APDUBuffer
    private var response: APDUBuffer
    /// Commands that never change (SELECTs, the token read, the retry query), encoded once so
    /// the measured path only copies them.
    private let fixedCommands: [[UInt8]?]

    /// - Parameters:
    ///   - pinFloor: refuse VERIFY below this many tries left (default: the PIN's maximum, so a
    ///     card that has seen a single wrong PIN is never touched).
    public init(
        channel: consuming Channel, scenario: Scenario, strategy: ReadStrategy = ReadStrategy(), pin: SecretPIN? = nil,
        pinFloor: Int? = nil
    ) {
        transport = ISO7816Transport(channel)
        self.scenario = scenario
        self.strategy = strategy
        self.pin = pin
        // Never below 1: a PIN with no tries left is blocked, whatever the caller allows.
        self.pinFloor = max(1, pinFloor ?? (scenario.pinRole?.maximumTries ?? 3))
        // Room for every APDU of an iteration, including GET RESPONSE and 6C resends.
        recorder = IterationRecorder(apduCapacity: 4096, phaseCapacity: Phase.allCases.count * 2)
        command = APDUBuffer(capacity: 4 + 3 + 1024 + 3)
        response = APDUBuffer()
        objectBytes = []
        objectBytes.reserveCapacity(65_536 + 512)
        signature = []
        signature.reserveCapacity(1024)
        fixedCommands = scenario.steps.map(\.fixedCommand)
    }

    /// Sets the DigestInfo for the next iteration's sign step (outside the measured path).
    public mutating func setChallenge(digestInfo: [UInt8]) { self.digestInfo = digestInfo }

    // MARK: - One iteration

    /// Runs one iteration: connect, every step, disconnect with `powerAfter`.
    ///
    /// - Returns: the failure, or nil when every step got the answer it expected. Samples are in
    ///   ``recorder`` either way.
    public mutating func runIteration(powerAfter: PowerAction) -> IterationFailure? {
        recorder.reset()
        objectBytes.removeAll(keepingCapacity: true)
        signature.removeAll(keepingCapacity: true)
        tokenOK = false
        var failure: IterationFailure?

        var phaseStart = MonotonicClock.now()
        heartbeat?.beat(startedAt: phaseStart, step: -1)
        do {
            try transport.channel.connect()
        } catch {
            failure = IterationFailure(error, step: "connect")
        }
        recorder.record(PhaseSample(phase: Phase.connect.rawValue, startNanoseconds: phaseStart, endNanoseconds: MonotonicClock.now()))

        if failure == nil {
            var current = scenario.steps.first?.phase ?? .select
            phaseStart = MonotonicClock.now()
            for index in scenario.steps.indices {
                let step = scenario.steps[index]
                if step.phase != current {
                    recorder.record(
                        PhaseSample(phase: current.rawValue, startNanoseconds: phaseStart, endNanoseconds: MonotonicClock.now()))
                    current = step.phase
                    phaseStart = MonotonicClock.now()
                }
                do { try perform(step, index: index) } catch {
                    failure = error
                    if error.cause == .statusWord || error.cause == .pcsc || error.cause == .timeout
                        || error.cause == .protocolViolation,
                        !recorder.apdus.isEmpty
                    {
                        failure?.apduIndex = recorder.apdus.count - 1
                    }
                    break
                }
            }
            recorder.record(PhaseSample(phase: current.rawValue, startNanoseconds: phaseStart, endNanoseconds: MonotonicClock.now()))
        }

        phaseStart = MonotonicClock.now()
        heartbeat?.beat(startedAt: phaseStart, step: -1)
        if transport.channel.isConnected {
            do { try transport.channel.disconnect(powerAfter) } catch {
                if failure == nil { failure = IterationFailure(error, step: "disconnect") }
            }
        }
        recorder.record(PhaseSample(phase: Phase.disconnect.rawValue, startNanoseconds: phaseStart, endNanoseconds: MonotonicClock.now()))
        heartbeat?.idle()
        return failure
    }

    // MARK: - Steps

    private mutating func perform(_ step: Step, index: Int) throws(IterationFailure) {
        switch step.operation {
        case .selectApplication:
            try useFixedCommand(index, step)
            try expectSuccess(try exchange(step, index, .selectApplication), step)
        case .selectFile:
            try useFixedCommand(index, step)
            try expectSuccess(try exchange(step, index, .selectFile), step)
        case .readToken:
            try useFixedCommand(index, step)
            try expectSuccess(try exchange(step, index, .readToken), step)
            tokenOK = responseStarts(with: jpkiTokenPrefix)
        case .queryRetries(let role):
            try useFixedCommand(index, step)
            let sw = try exchange(step, index, .queryRetries)
            try checkRetryCounter(sw, role: role, step: step)
        case .verify(let role):
            guard let pin else {
                throw IterationFailure(.checkFailed, step: step.label, "no \(role.label) was given", stopsRun: .pinStopped)
            }
            try encode(APDUHeader(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80), data: pin.bytes, step: step)
            let sw = try exchange(step, index, .verify)
            try checkVerify(sw, role: role, step: step)
        case .sign:
            try encode(APDUHeader(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80), data: digestInfo, le: 256, step: step)
            try expectSuccess(try exchange(step, index, .computeSignature), step)
            Self.appendData(of: response, to: &signature, limit: Int.max)
        case .readCertificate:
            try readObject(step, index, mode: .der)
        case .readTextRecord:
            try readObject(step, index, mode: .ber)
        }
    }


    /// Reads the selected EF's object: the header first to learn its length, then the rest as
    /// the strategy says.
    private mutating func readObject(_ step: Step, _ index: Int, mode: TLVMode) throws(IterationFailure) {
        let header = strategy.headerLength.rawValue
        try encode(APDUHeader(cla: 0x00, ins: 0xB0, p1: 0, p2: 0), le: header, step: step)
        try expectSuccess(try exchange(step, index, .readHeader), step)
        Self.appendData(of: response, to: &objectBytes, limit: header)
        let total: Int
        do { total = try TLV.header(ofPrefix: objectBytes.span, mode: mode).totalLength } catch {
            throw IterationFailure(.checkFailed, step: step.label, "the first \(objectBytes.count) bytes are not a TLV header: \(error)")
        }
        // READ BINARY addresses offsets up to 32,767 (P1's top bit selects a short EF id), so
        // chunked reads stop there; one extended read after the header can return 65,536 bytes.
        let limit = strategy.chunking == .extended ? objectBytes.count + 65_536 : Self.maximumOffset
        guard total <= limit else {
            throw IterationFailure(
                .checkFailed, step: step.label,
                "the object claims \(total) bytes, more than READ BINARY can address with \(strategy)")
        }
        var offset = objectBytes.count
        while offset < total {
            guard offset <= Self.maximumOffset else {
                throw IterationFailure(
                    .checkFailed, step: step.label,
                    "the object runs past offset \(Self.maximumOffset), the last one READ BINARY can address")
            }
            let remaining = total - offset
            let le: Int
            switch strategy.chunking {
            case .blocks256: le = 256
            case .exact: le = min(256, remaining)
            case .extended: le = remaining
            }
            try encode(APDUHeader(cla: 0x00, ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF)), le: le, step: step)
            let sw = try exchange(step, index, .readChunk)
            guard sw.isSuccess || sw.rawValue == 0x6282 else { throw statusFailure(sw, step) }
            let received = response.count - 2
            guard received > 0 else {
                throw IterationFailure(.statusWord, step: step.label, "READ BINARY at offset \(offset) returned no data (\(sw))")
            }
            Self.appendData(of: response, to: &objectBytes, limit: remaining)
            offset += received
        }
    }

    /// The largest offset READ BINARY can name in P1 P2.
    private static var maximumOffset: Int { 0x7FFF }

    // MARK: - Exchanges

    /// Copies a precomputed command into the reusable command buffer.
    private mutating func useFixedCommand(_ index: Int, _ step: Step) throws(IterationFailure) {
        guard let bytes = fixedCommands[index] else {
            throw IterationFailure(.checkFailed, step: step.label, "no fixed command for this step")
        }
        do { try command.assign(bytes.span) } catch {
            throw IterationFailure(.checkFailed, step: step.label, "cannot copy the command: \(error)")
        }
    }

    /// Encodes into the reusable command buffer.
    private mutating func encode(
        _ header: APDUHeader, data: [UInt8] = [], le: Int? = nil, step: Step
    ) throws(IterationFailure) {
        do { try command.encode(header, data: data.span, expectedLength: le) } catch {
            throw IterationFailure(.checkFailed, step: step.label, "cannot encode the command: \(error)")
        }
    }

    /// The timed exchange: two clock reads around the transport, one sample appended.
    @inline(__always)
    private mutating func exchange(_ step: Step, _ index: Int, _ kind: APDUKind) throws(IterationFailure) -> StatusWord {
        let start = MonotonicClock.now()
        heartbeat?.beat(startedAt: start, step: index)
        var counts = ExchangeCounts()
        var transportError: TransportError?
        do { counts = try Self.send(command, &transport, &response) } catch { transportError = error }
        let end = MonotonicClock.now()
        var sw: UInt16 = 0
        if transportError == nil, response.count >= 2 {
            let span = response.span
            sw = UInt16(span[span.count - 2]) << 8 | UInt16(span[span.count - 1])
        }
        recorder.record(
            APDUSample(
                step: UInt16(truncatingIfNeeded: index), kind: kind.rawValue, phase: step.phase.rawValue,
                startNanoseconds: start, endNanoseconds: end, statusWord: sw,
                roundTrips: UInt16(truncatingIfNeeded: max(counts.roundTrips, 1))))
        if let transportError { throw IterationFailure(transportError, step: step.label) }
        if let limit = exchangeTimeoutNanoseconds, end &- start > limit {
            let took = Self.milliseconds(end &- start)
            throw IterationFailure(
                .timeout, step: step.label,
                "the card answered after \(took) ms, past the \(Self.milliseconds(limit)) ms timeout")
        }
        return StatusWord(rawValue: sw)
    }

    private static func send(
        _ command: borrowing APDUBuffer, _ transport: inout ISO7816Transport<Channel>, _ response: inout APDUBuffer
    ) throws(TransportError) -> ExchangeCounts {
        try transport.transmit(command.span, into: &response)
    }

    /// Whole milliseconds, rounded down, for messages.
    private static func milliseconds(_ nanoseconds: UInt64) -> UInt64 { nanoseconds / 1_000_000 }

    private func expectSuccess(_ sw: StatusWord, _ step: Step) throws(IterationFailure) {
        if !sw.isSuccess { throw statusFailure(sw, step) }
    }

    private func statusFailure(_ sw: StatusWord, _ step: Step) -> IterationFailure {
        var failure = IterationFailure(.statusWord, step: step.label, "the card answered \(sw)")
        failure.statusWord = sw.rawValue
        return failure
    }

    private func responseStarts(with prefix: [UInt8]) -> Bool {
        let span = response.span
        guard span.count - 2 >= prefix.count else { return false }
        for i in prefix.indices where span[i] != prefix[i] { return false }
        return true
    }

    /// Appends up to `limit` bytes of the response's data to one of the result buffers (their
    /// capacity was reserved up front, so this does not allocate).
    private static func appendData(of response: borrowing APDUBuffer, to buffer: inout [UInt8], limit: Int) {
        let count = min(max(0, response.count - 2), limit)
        guard count > 0 else { return }
        response.withUnsafeBytes { raw in
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }

    // MARK: - PIN safety

    private func checkRetryCounter(_ sw: StatusWord, role: PINRole, step: Step) throws(IterationFailure) {
        if sw.isSuccess { return }  // already verified: nothing to risk
        if sw == .referenceDataNotUsable || sw == .authenticationMethodBlocked {
            throw IterationFailure(
                .statusWord, step: step.label, "the \(role.label) is blocked (\(sw)); ReaderBench will not touch it",
                stopsRun: .pinStopped)
        }
        guard let tries = sw.triesLeft else { throw statusFailure(sw, step) }
        if tries == 0 {
            throw IterationFailure(
                .statusWord, step: step.label, "the \(role.label) is blocked (no tries left); ReaderBench will not touch it",
                stopsRun: .pinStopped)
        }
        if tries < pinFloor {
            throw IterationFailure(
                .checkFailed, step: step.label,
                "refusing to VERIFY: the card has \(tries) tr\(tries == 1 ? "y" : "ies") left on the \(role.label), "
                    + "below the floor of \(pinFloor) (a locked My Number Card needs a visit to the city office; "
                    + "--allow-pin-retry-below N lowers the floor)",
                stopsRun: .pinStopped)
        }
    }

    private func checkVerify(_ sw: StatusWord, role: PINRole, step: Step) throws(IterationFailure) {
        if sw.isSuccess { return }
        if let tries = sw.triesLeft {
            throw IterationFailure(
                .statusWord, step: step.label,
                "wrong \(role.label): the card has \(tries) tr\(tries == 1 ? "y" : "ies") left. The run stopped and will not "
                    + "retry; check the PIN before running again",
                stopsRun: .pinStopped)
        }
        if sw == .referenceDataNotUsable || sw == .authenticationMethodBlocked {
            throw IterationFailure(.statusWord, step: step.label, "the \(role.label) is blocked (\(sw))", stopsRun: .pinStopped)
        }
        throw statusFailure(sw, step)
    }
}

// MARK: - Commands that never change

extension Step {
    /// The encoded command of a step whose bytes do not depend on the iteration. Outside the
    /// generic engine, so building the table captures no `Channel` metatype (which is not
    /// Sendable: Swift 6.3 warns).
    fileprivate var fixedCommand: [UInt8]? {
        var buffer = APDUBuffer(capacity: 64)
        do {
            switch operation {
            case .selectApplication(let application):
                let aid = application.aid
                try buffer.encode(APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x0C), data: aid.span)
            case .selectFile(let id):
                let data: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF)]
                try buffer.encode(APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C), data: data.span)
            case .readToken:
                try buffer.encode(APDUHeader(cla: 0x00, ins: 0xB0, p1: 0, p2: 0), expectedLength: 32)
            case .queryRetries:
                try buffer.encode(APDUHeader(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80))
            case .verify, .sign, .readCertificate, .readTextRecord:
                return nil
            }
        } catch {
            preconditionFailure("the fixed command of \(label) does not encode: \(error)")
        }
        return buffer.copyBytes()
    }
}
