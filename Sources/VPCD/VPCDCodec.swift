// The vpcd wire format, as bytes in and frames out. Nothing here touches a socket, so every edge
// case (truncation, oversized lengths, unknown control bytes) is testable without a reader.
//
// A frame is a 2-byte big-endian length followed by that many payload bytes. vpcd sends 1-byte
// control payloads and C-APDUs; the card answers GET ATR and C-APDUs with one frame each.

import HexCoding

// MARK: - Control messages

/// The one-byte control payloads vpcd sends (`VPCD_CTRL_*` in vsmartcard's `vpcd.h`).
public enum VPCDControl: UInt8, Sendable, Hashable, CaseIterable {
    /// `VPCD_CTRL_OFF`: the reader powers the card down. No reply.
    case powerOff = 0x00
    /// `VPCD_CTRL_ON`: the reader powers the card up. No reply.
    case powerOn = 0x01
    /// `VPCD_CTRL_RESET`: warm reset. No reply.
    case reset = 0x02
    /// `VPCD_CTRL_ATR`: the reader asks for the ATR; the card replies with it. vpcd also sends this
    /// every 400 ms as its presence poll, so it is the most frequent message on an idle link.
    case getATR = 0x04

    /// Whether vpcd waits for a reply frame after this control message.
    public var expectsReply: Bool { self == .getATR }
}

// MARK: - Decoded frames

/// One complete frame found at the start of a byte stream.
///
/// The payload is described by its position rather than copied out, so the caller can hand the
/// C-APDU to a card as a slice of its own receive buffer.
public struct VPCDFrame: Sendable, Hashable {
    /// What the payload asks of the card.
    public enum Kind: Sendable, Hashable {
        /// A one-byte control message.
        case control(VPCDControl)
        /// A C-APDU (two bytes or more); the reply is the R-APDU.
        case command
    }

    /// What the frame asks of the card.
    public var kind: Kind
    /// Where the payload lies in the decoded bytes (after the 2-byte length).
    public var payload: Range<Int>
    /// How many bytes the frame takes in the stream, header included.
    public var byteCount: Int { payload.upperBound }

    public init(kind: Kind, payload: Range<Int>) {
        self.kind = kind
        self.payload = payload
    }
}

/// Why bytes are not a valid vpcd stream.
public enum VPCDFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A frame declares a zero-length payload. vpcd never sends one, and it treats an empty reply
    /// as the card leaving, so an empty frame in either direction is a bug.
    case emptyPayload
    /// A one-byte payload that is not one of the known control bytes.
    case unknownControl(UInt8)
    /// A frame declares, or a reply needs, more payload than the limit (at most 65535, the largest
    /// length two bytes can carry).
    case payloadTooLong(length: Int, limit: Int)
    /// The stream ends inside a frame: `available` of the `needed` bytes arrived.
    case truncated(needed: Int, available: Int)

    public var description: String {
        switch self {
        case .emptyPayload:
            return "vpcd frame with an empty payload"
        case .unknownControl(let byte):
            return "unknown vpcd control byte 0x\(Hex.encode([byte])) (known: 00 off, 01 on, 02 reset, 04 ATR)"
        case .payloadTooLong(let length, let limit):
            return "vpcd frame payload of \(length) bytes exceeds the limit of \(limit) bytes"
        case .truncated(let needed, let available):
            return "vpcd stream ends inside a frame: \(available) of \(needed) bytes present"
        }
    }
}

// MARK: - Codec

/// Decodes and encodes vpcd frames.
public enum VPCDCodec {
    /// Bytes in the length prefix.
    public static let headerLength = 2
    /// The largest payload a 2-byte length can describe; extended APDUs up to this size pass.
    public static let maximumPayloadLength = 0xFFFF
    /// The largest frame, header included: the size a receive or send buffer needs.
    public static let maximumFrameLength = headerLength + maximumPayloadLength

    /// Decodes the frame at the start of `bytes`.
    ///
    /// Returns nil when the bytes are a strict prefix of a frame (read more and call again); never
    /// reads past `bytes`. Throws as soon as the header alone proves the stream invalid, so a bad
    /// length is rejected before the reader waits for 64 KiB that will never come.
    @inlinable
    public static func decodeFrame(
        _ bytes: Span<UInt8>, maximumPayloadLength limit: Int = maximumPayloadLength
    ) throws(VPCDFrameError) -> VPCDFrame? {
        guard bytes.count >= headerLength else { return nil }
        let length = Int(bytes[0]) << 8 | Int(bytes[1])
        if length == 0 { throw .emptyPayload }
        if length > limit { throw .payloadTooLong(length: length, limit: limit) }
        if length == 1 {
            // The control byte can be judged as soon as it arrives.
            guard bytes.count >= headerLength + 1 else { return nil }
            guard let control = VPCDControl(rawValue: bytes[headerLength]) else {
                throw .unknownControl(bytes[headerLength])
            }
            return VPCDFrame(kind: .control(control), payload: headerLength..<headerLength + 1)
        }
        guard bytes.count >= headerLength + length else { return nil }
        return VPCDFrame(kind: .command, payload: headerLength..<headerLength + length)
    }

    /// Decodes a whole, finished stream (a capture, or what was left when the link closed) into
    /// frames. Unlike `decodeFrame`, a stream that stops inside a frame is an error.
    public static func decodeStream(
        _ bytes: Span<UInt8>, maximumPayloadLength limit: Int = maximumPayloadLength
    ) throws(VPCDFrameError) -> [VPCDFrame] {
        var frames: [VPCDFrame] = []
        var offset = 0
        while offset < bytes.count {
            let rest = bytes.extracting(offset...)
            guard let frame = try decodeFrame(rest, maximumPayloadLength: limit) else {
                let declared = rest.count >= headerLength ? Int(rest[0]) << 8 | Int(rest[1]) : 1
                throw .truncated(needed: offset + headerLength + declared, available: bytes.count)
            }
            let payload = frame.payload.lowerBound + offset..<frame.payload.upperBound + offset
            frames.append(VPCDFrame(kind: frame.kind, payload: payload))
            offset = payload.upperBound
        }
        return frames
    }

    /// The 2-byte big-endian length prefix for a payload of `length` bytes.
    @inlinable
    public static func header(forPayloadLength length: Int) throws(VPCDFrameError) -> (UInt8, UInt8) {
        guard length > 0 else { throw .emptyPayload }
        guard length <= maximumPayloadLength else {
            throw .payloadTooLong(length: length, limit: maximumPayloadLength)
        }
        return (UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length))
    }

    /// Appends one frame (header and payload) to `output`.
    ///
    /// Throws rather than trapping when the payload is empty, too long, or does not fit in
    /// `output`'s free capacity (reported as `payloadTooLong` with the room left).
    public static func encodeFrame(
        payload: Span<UInt8>, into output: inout OutputSpan<UInt8>
    ) throws(VPCDFrameError) {
        let (high, low) = try header(forPayloadLength: payload.count)
        guard output.freeCapacity >= headerLength + payload.count else {
            throw .payloadTooLong(length: payload.count, limit: max(0, output.freeCapacity - headerLength))
        }
        output.append(high)
        output.append(low)
        _ = copy(payload, into: &output)
    }

    /// One frame as a new array: for tests, tools and the rare control message.
    public static func encodeFrame(payload: Span<UInt8>) throws(VPCDFrameError) -> [UInt8] {
        let (high, low) = try header(forPayloadLength: payload.count)
        var frame: [UInt8] = []
        frame.reserveCapacity(headerLength + payload.count)
        frame.append(high)
        frame.append(low)
        for index in payload.indices { frame.append(payload[index]) }
        return frame
    }

    /// The frame vpcd sends for a control message.
    public static func encodeControl(_ control: VPCDControl) -> [UInt8] {
        [0x00, 0x01, control.rawValue]
    }

    /// Copies `bytes` to the end of `output` in one `memcpy`; returns false, copying nothing, when
    /// they do not fit. Cards use this to write scripted or stored answers without a byte loop.
    @discardableResult
    public static func copy(_ bytes: Span<UInt8>, into output: inout OutputSpan<UInt8>) -> Bool {
        let count = bytes.count
        guard count <= output.freeCapacity else { return false }
        if count == 0 { return true }
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination, initialized in
                let start = destination.baseAddress! + initialized
                start.initialize(from: source.baseAddress!, count: count)
                initialized += count
            }
        }
        return true
    }
}
