import Glibc
import Testing
import VPCD

// MARK: - A stand-in for vpcd on loopback

/// Plays vpcd's side of the link on an ephemeral loopback port, sending each frame as vpcd 3.3
/// does (length and payload in two writes), so the server's framing, replies, faults, reconnects
/// and stop can be checked without pcscd.
private final class FakeVPCD {
    let listener: CInt
    let port: UInt16
    var client: CInt = -1

    init() throws {
        let listener = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, address, &length) == 0
            }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        try #require(bound, "cannot listen on loopback: errno \(errno)")
    }

    deinit {
        if client >= 0 { close(client) }
        close(listener)
    }

    func accept() {
        if client >= 0 { close(client) }
        client = Glibc.accept(listener, nil, nil)
    }

    func dropClient() {
        close(client)
        client = -1
    }

    /// Sends one frame the way vpcd 3.3 does: the length, then the payload.
    func send(_ payload: [UInt8]) {
        let header: [UInt8] = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        _ = header.withUnsafeBytes { Glibc.send(client, $0.baseAddress, 2, CInt(MSG_NOSIGNAL)) }
        _ = payload.withUnsafeBytes { Glibc.send(client, $0.baseAddress, payload.count, CInt(MSG_NOSIGNAL)) }
    }

    /// Reads one reply frame; nil when the card closed the link.
    func receive() -> [UInt8]? {
        guard let header = read(2) else { return nil }
        return read(Int(header[0]) << 8 | Int(header[1]))
    }

    private func read(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let received = bytes.withUnsafeMutableBytes { recv(client, $0.baseAddress, count, CInt(MSG_WAITALL)) }
        return received == count ? bytes : nil
    }
}

// MARK: - Tests

@Suite("vpcd server against a stand-in vpcd")
struct VPCDServerTests {
    private static func serve(_ card: ScriptedCard, on fake: FakeVPCD) throws -> VPCDCardThread<ScriptedCard> {
        let configuration = VPCDServerConfiguration(
            endpoint: VPCDEndpoint(port: fake.port), stopCheckInterval: .milliseconds(20),
            reconnectDelay: .milliseconds(10), giveUpConnectingAfter: .seconds(5))
        return try VPCDCardThread(card: card, configuration: configuration)
    }

    @Test("the server answers GET ATR and commands with one frame each, and control messages with none")
    func answersFrames() throws {
        let fake = try FakeVPCD()
        let card = try ScriptedCard(atr: [0x3B, 0x01, 0x02], hexResponses: ["00B0000002": "AABB9000"])
        let thread = try Self.serve(card, on: fake)
        fake.accept()
        fake.send([0x01])  // power on: no reply
        fake.send([0x04])
        #expect(fake.receive() == [0x3B, 0x01, 0x02])
        fake.send([0x00, 0xB0, 0x00, 0x00, 0x02])
        #expect(fake.receive() == [0xAA, 0xBB, 0x90, 0x00])
        fake.send([0x02])  // reset: no reply
        fake.send([0x00, 0xCA, 0x00, 0x00, 0x00])
        #expect(fake.receive() == [0x6D, 0x00])
        thread.stop()
        #expect(fake.receive() == nil, "the server should close the link when stopped")
        let result = thread.join()
        #expect(try result.outcome.get() == .stopped)
        #expect(result.card.commandCount == 2 && result.card.powerOnCount == 1 && result.card.resetCount == 1)
    }

    @Test("a mute command gets no answer: the next reply belongs to the next command")
    func muteSkipsReply() throws {
        let fake = try FakeVPCD()
        let card = try ScriptedCard(hexResponses: ["00000000": "6A82", "00000001": "9000"], muteOnCommand: 1)
        let thread = try Self.serve(card, on: fake)
        fake.accept()
        fake.send([0x00, 0x00, 0x00, 0x00])
        fake.send([0x00, 0x00, 0x00, 0x01])
        #expect(fake.receive() == [0x90, 0x00])
        thread.stop()
        #expect(thread.join().card.commandCount == 2)
    }

    @Test("an extended command of 65535 bytes arrives whole")
    func extendedCommand() throws {
        let fake = try FakeVPCD()
        var command: [UInt8] = [0x00, 0xD6, 0x00, 0x00, 0x00, 0xFF, 0xF8]
        command += [UInt8](repeating: 0x42, count: 0xFFFF - command.count)
        let card = ScriptedCard(responses: [(command, [0x90, 0x00])])
        let thread = try Self.serve(card, on: fake)
        fake.accept()
        fake.send(command)
        #expect(fake.receive() == [0x90, 0x00])
        thread.stop()
        _ = thread.join()
    }

    @Test("the server reconnects when vpcd drops the link, as when pcscd restarts")
    func reconnects() throws {
        let fake = try FakeVPCD()
        let thread = try Self.serve(ScriptedCard(), on: fake)
        fake.accept()
        fake.dropClient()
        fake.accept()
        fake.send([0x04])
        #expect(fake.receive() == ScriptedCard.myNumberCardContactlessATR)
        thread.stop()
        #expect(try thread.join().outcome.get() == .stopped)
    }

    @Test("a card that leaves closes the link after its answer and ends the run")
    func removalClosesLink() throws {
        let fake = try FakeVPCD()
        let thread = try Self.serve(ScriptedCard(removeAfterCommand: 1), on: fake)
        fake.accept()
        fake.send([0x00, 0xCA, 0x00, 0x00, 0x00])
        #expect(fake.receive() == [0x6D, 0x00])
        #expect(fake.receive() == nil)
        #expect(try thread.join().outcome.get() == .cardRemoved)
    }

    @Test("an unreachable vpcd fails with a message that says how to start the rig")
    func unreachable() throws {
        let port: UInt16
        do {
            let fake = try FakeVPCD()
            port = fake.port  // Closed again at the end of this scope: nothing listens there.
        }
        let configuration = VPCDServerConfiguration(
            endpoint: VPCDEndpoint(port: port), stopCheckInterval: .milliseconds(20),
            reconnectDelay: .milliseconds(10), giveUpConnectingAfter: .milliseconds(100))
        let thread = try VPCDCardThread(card: ScriptedCard(), configuration: configuration)
        let outcome = thread.join().outcome
        #expect(throws: VPCDError.self) { try outcome.get() }
        guard case .failure(let error) = outcome else { return }
        #expect(error.code == .cannotConnect)
        #expect(error.description.contains("127.0.0.1:\(port)"))
        #expect(error.description.contains("scripts/virtual-reader start"))
    }

    @Test("the endpoint of slot n is vpcd's base port plus n")
    func slotEndpoints() {
        let base = VPCDEndpoint.basePort
        #expect(VPCDEndpoint.slot(0).port == base)
        #expect(VPCDEndpoint.slot(1).description == "127.0.0.1:\(base + 1)")
        #expect(VPCDEndpoint.defaultBasePort == 35963)
    }
}
