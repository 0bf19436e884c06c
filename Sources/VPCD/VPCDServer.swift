import CardTransport
import Glibc
import Measurement
import Synchronization

// MARK: - Configuration

/// How a `VPCDServer` reaches vpcd and how it behaves on the link.
public struct VPCDServerConfiguration: Sendable {
    /// Where vpcd listens; `.slot(0)` is "Virtual PCD 00 00".
    public var endpoint: VPCDEndpoint

    /// Set `TCP_QUICKACK` before every `recv`. vpcd 3.3 (Debian 12) writes a frame's length and
    /// payload in two `send`s; if the card delays its ACK of the length, Nagle holds back the
    /// payload and every APDU costs ~44 ms instead of ~70 µs. Linux clears the flag after use,
    /// hence before every read. Turn off only to measure the pitfall.
    public var quickAck: Bool

    /// Set `TCP_NODELAY` once on the socket, so a reply never waits behind an unacknowledged one.
    public var noDelay: Bool

    /// How long a blocked `recv` or a reconnect backoff may run before the stop flag is looked
    /// at again: the worst-case latency of `VPCDStopSignal.requestStop()`.
    public var stopCheckInterval: Duration

    /// The first wait after a failed connection attempt; it doubles up to `maximumReconnectDelay`.
    public var reconnectDelay: Duration

    /// The longest wait between connection attempts.
    public var maximumReconnectDelay: Duration

    /// How long to keep trying while vpcd is unreachable (not started yet, or pcscd restarting)
    /// before `run` throws `cannotConnect`; nil keeps trying until stopped.
    public var giveUpConnectingAfter: Duration?

    public init(
        endpoint: VPCDEndpoint = .slot(0),
        quickAck: Bool = true,
        noDelay: Bool = true,
        stopCheckInterval: Duration = .milliseconds(100),
        reconnectDelay: Duration = .milliseconds(50),
        maximumReconnectDelay: Duration = .milliseconds(500),
        giveUpConnectingAfter: Duration? = .seconds(10)
    ) {
        self.endpoint = endpoint
        self.quickAck = quickAck
        self.noDelay = noDelay
        self.stopCheckInterval = stopCheckInterval
        self.reconnectDelay = reconnectDelay
        self.maximumReconnectDelay = maximumReconnectDelay
        self.giveUpConnectingAfter = giveUpConnectingAfter
    }
}

// MARK: - Stop signal, events, outcome

/// Asks a running server, from any thread, to stop. It stops within `stopCheckInterval`.
public final class VPCDStopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the server to stop; it closes the link, which vpcd reports as the card leaving.
    public func requestStop() { flag.store(true, ordering: .releasing) }

    /// Whether a stop was asked for.
    public var isStopRequested: Bool { flag.load(ordering: .acquiring) }
}

/// What happened on the link, for logs and for tests that wait for the reader to see the card.
public enum VPCDEvent: Sendable, Hashable {
    /// The TCP connection to vpcd is up (vpcd accepts it at its next presence poll).
    case connected(VPCDEndpoint)
    /// vpcd closed the link or it broke (pcscd stopped or restarted); the server reconnects.
    case disconnected(reason: String)
    /// vpcd sent a control message.
    case control(VPCDControl)
    /// The card chose to leave the field; the server closed the link.
    case cardRemoved
}

/// Why `VPCDServer.run` returned.
public enum VPCDRunOutcome: Sendable, Hashable {
    /// A stop was requested.
    case stopped
    /// The card answered `.remove` or `.respondThenRemove`; call `run` again to insert it again.
    case cardRemoved
}

/// The moment a reply may leave, given the command, the response and when the command's last
/// byte arrived (all times `MonotonicClock` nanoseconds). nil sends at once. This is where timing
/// profiles plug in: the server sleeps until the returned deadline, then writes.
public typealias VPCDReplyDeadline = (
    _ command: Span<UInt8>, _ response: Span<UInt8>, _ receivedAtNanoseconds: UInt64
) -> UInt64?

// MARK: - Server

/// Serves one `VirtualCard` to one vpcd reader slot: the card side of vsmartcard's virtual reader.
///
/// `run` blocks the calling thread: it connects (retrying while vpcd is not there), reads frames
/// into a preallocated buffer, lets the card answer into a preallocated send buffer and writes each
/// reply with one `send`. Nothing is allocated per command. Noncopyable because it owns its buffers
/// and, while running, a socket; run it on a thread of its own (see `VPCDCardThread`).
public struct VPCDServer<Card: VirtualCard>: ~Copyable {
    /// The card being served; read it after `run` returns to see what it counted.
    public var card: Card
    /// Where and how to connect.
    public let configuration: VPCDServerConfiguration
    /// When each reply may leave; nil answers as fast as possible.
    public var replyDeadline: VPCDReplyDeadline?
    /// Called on the serving thread for every `VPCDEvent`.
    public var onEvent: ((VPCDEvent) -> Void)?

    private let buffers = FrameBuffers()

    public init(card: Card, configuration: VPCDServerConfiguration = VPCDServerConfiguration()) {
        self.card = card
        self.configuration = configuration
    }

    /// Gives the card back, ending the server.
    public consuming func takeCard() -> Card { card }

    /// Serves the card until `stop` is signalled or the card leaves the field.
    ///
    /// - Throws: `VPCDError` with code `cannotConnect` when vpcd stays unreachable longer than
    ///   `giveUpConnectingAfter`, `protocolViolation` when the peer is not speaking vpcd's framing.
    public mutating func run(until stop: VPCDStopSignal) throws(VPCDError) -> VPCDRunOutcome {
        while !stop.isStopRequested {
            guard let socket = try connect(until: stop) else { return .stopped }
            onEvent?(.connected(configuration.endpoint))
            switch try serve(socket, until: stop) {
            case .stopped:
                return .stopped
            case .cardRemoved:
                onEvent?(.cardRemoved)
                return .cardRemoved
            case .linkLost(let reason):
                onEvent?(.disconnected(reason: reason))
            }
        }
        return .stopped
    }

    // MARK: Connecting

    /// Connects, retrying with backoff; nil when stopped first.
    private func connect(until stop: VPCDStopSignal) throws(VPCDError) -> VPCDSocket? {
        let endpoint = configuration.endpoint
        let started = MonotonicClock.now()
        let limit = configuration.giveUpConnectingAfter.map { started &+ Self.nanoseconds($0) }
        var delay = Self.nanoseconds(configuration.reconnectDelay)
        while !stop.isStopRequested {
            switch VPCDSocket.connect(to: endpoint) {
            case .success(let socket):
                if configuration.noDelay,
                    let error = socket.setOption(level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
                {
                    throw .socketFailure("setsockopt(TCP_NODELAY)", endpoint, errno: error)
                }
                if let error = socket.setReceiveTimeout(
                    nanoseconds: Int64(Self.nanoseconds(configuration.stopCheckInterval)))
                {
                    throw .socketFailure("setsockopt(SO_RCVTIMEO)", endpoint, errno: error)
                }
                return socket
            case .failure(let error) where error.code == .cannotConnect:
                let now = MonotonicClock.now()
                if let limit, now >= limit { throw error }
                var wakeUp = now &+ delay
                if let limit { wakeUp = min(wakeUp, limit) }
                sleep(untilNanoseconds: wakeUp, unless: stop)
                delay = min(delay &* 2, Self.nanoseconds(configuration.maximumReconnectDelay))
            case .failure(let error):
                throw error
            }
        }
        return nil
    }

    /// Sleeps in slices of `stopCheckInterval`, so a stop is not held up by a long backoff.
    private func sleep(untilNanoseconds deadline: UInt64, unless stop: VPCDStopSignal) {
        let slice = Self.nanoseconds(configuration.stopCheckInterval)
        while !stop.isStopRequested {
            let now = MonotonicClock.now()
            if now >= deadline { return }
            PreciseWait.sleep(until: min(deadline, now &+ slice))
        }
    }

    // MARK: Serving

    private enum LinkEnd {
        case stopped
        case cardRemoved
        case linkLost(String)
    }

    /// Serves frames on one connection until it ends.
    private mutating func serve(_ socket: borrowing VPCDSocket, until stop: VPCDStopSignal) throws(VPCDError) -> LinkEnd
    {
        let endpoint = configuration.endpoint
        let receive = buffers.receive
        var start = 0
        var filled = 0
        var receivedAt: UInt64 = 0
        let wantsTime = replyDeadline != nil
        while true {
            // Every complete frame in the buffer, in order.
            while filled > start {
                let decoded: VPCDFrame?
                do {
                    decoded = try VPCDCodec.decodeFrame(
                        Span(_unsafeElements: UnsafeBufferPointer(rebasing: receive[start..<filled])))
                } catch {
                    throw .protocolViolation(endpoint, error)
                }
                guard let frame = decoded else { break }
                let payloadStart = start + frame.payload.lowerBound
                start += frame.byteCount
                let end: LinkEnd?
                switch frame.kind {
                case .control(let control):
                    onEvent?(.control(control))
                    end = handle(control, on: socket)
                case .command:
                    let command = UnsafeBufferPointer(
                        rebasing: receive[payloadStart..<payloadStart + frame.payload.count])
                    end = handleCommand(command, receivedAt: receivedAt, on: socket)
                }
                if let end { return end }
            }
            // Keep a partial frame at the front, so the whole buffer is free for the next read.
            if start == filled {
                start = 0
                filled = 0
            } else if start > 0 {
                let base = receive.baseAddress!
                (base).update(from: base + start, count: filled - start)
                filled -= start
                start = 0
            }
            if stop.isStopRequested { return .stopped }
            if configuration.quickAck,
                let error = socket.setOption(level: CInt(IPPROTO_TCP), name: TCP_QUICKACK, value: 1)
            {
                return .linkLost("setsockopt(TCP_QUICKACK) failed: \(VPCDError.describe(error))")
            }
            let count = socket.receive(
                into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(receive)[filled...]))
            if count > 0 {
                filled += count
                if wantsTime { receivedAt = MonotonicClock.now() }
            } else if count == 0 {
                return .linkLost("vpcd closed the connection")
            } else if count == -Int(EAGAIN) || count == -Int(EWOULDBLOCK) || count == -Int(EINTR) {
                continue
            } else {
                return .linkLost("recv failed: \(VPCDError.describe(CInt(-count)))")
            }
        }
    }

    /// Applies a control message; only GET ATR is answered.
    private mutating func handle(_ control: VPCDControl, on socket: borrowing VPCDSocket) -> LinkEnd? {
        switch control {
        case .powerOff: card.powerOff()
        case .powerOn: card.powerOn()
        case .reset: card.reset()
        case .getATR:
            let payload = buffers.sendPayload
            let atr = card.atr
            let count = min(atr.count, payload.count)
            atr.withUnsafeBufferPointer { source in
                _ = payload.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: source[..<count]))
            }
            return send(payloadCount: count, on: socket)
        }
        return nil
    }

    /// Lets the card answer a C-APDU, waits for the reply deadline, and acts on the card's choice.
    private mutating func handleCommand(
        _ command: UnsafeBufferPointer<UInt8>, receivedAt: UInt64, on socket: borrowing VPCDSocket
    ) -> LinkEnd? {
        let payload = buffers.sendPayload
        var output = OutputSpan<UInt8>(buffer: payload, initializedCount: 0)
        let action = card.respond(to: Span(_unsafeElements: command), into: &output)
        let count = output.finalize(for: payload)
        switch action {
        case .mute:
            return nil
        case .remove:
            return .cardRemoved
        case .respond, .respondThenRemove:
            if count == 0 {
                // vpcd 3.3 cannot carry an empty answer: it reads the length 0, then waits for a
                // payload that never comes, and the reader stays wedged until the link closes. A
                // closed link is how vpcd reports an empty answer (SCardTransmit succeeds with no
                // bytes), so the server closes it, and connects again at once as after any lost link.
                if action == .respondThenRemove { return .cardRemoved }
                return .linkLost("the card answered with no bytes, which vpcd can only be told by closing the link")
            }
            if let replyDeadline {
                let response = UnsafeBufferPointer(rebasing: payload[..<count])
                if let deadline = replyDeadline(
                    Span(_unsafeElements: command), Span(_unsafeElements: response), receivedAt)
                {
                    // Sleep most of the interval, spin the rest: timing profiles are measured.
                    PreciseWait.until(deadline)
                }
            }
            if let end = send(payloadCount: count, on: socket) { return end }
            return action == .respondThenRemove ? .cardRemoved : nil
        }
    }

    /// Writes the header in front of the payload already in the send buffer, then the whole frame
    /// in one `send`: two writes would recreate vpcd's own Nagle problem in the other direction.
    private func send(payloadCount: Int, on socket: borrowing VPCDSocket) -> LinkEnd? {
        let frame = buffers.send
        frame[0] = UInt8(truncatingIfNeeded: payloadCount >> 8)
        frame[1] = UInt8(truncatingIfNeeded: payloadCount)
        if let error = socket.sendAll(
            UnsafeRawBufferPointer(
                rebasing: UnsafeMutableRawBufferPointer(frame)[..<(VPCDCodec.headerLength + payloadCount)]))
        {
            return .linkLost("send failed: \(VPCDError.describe(error))")
        }
        return nil
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}

// MARK: - Buffers

/// The server's two frame buffers, allocated once and freed with the server.
///
/// Receive holds two maximum frames, so a frame vpcd pipelines behind a maximum one still fits;
/// send holds one maximum frame, header first, so a reply is written where it will be sent from.
private final class FrameBuffers {
    let receive: UnsafeMutableBufferPointer<UInt8>
    let send: UnsafeMutableBufferPointer<UInt8>

    /// The part of `send` after the 2-byte header, where the card writes its answer.
    var sendPayload: UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(rebasing: send[VPCDCodec.headerLength...])
    }

    init() {
        receive = .allocate(capacity: 2 * VPCDCodec.maximumFrameLength)
        receive.initialize(repeating: 0)
        send = .allocate(capacity: VPCDCodec.maximumFrameLength)
        send.initialize(repeating: 0)
    }

    deinit {
        receive.deallocate()
        send.deallocate()
    }
}
