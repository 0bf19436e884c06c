import VPCD

/// The vpcd wire format: what a peer on the vpcd port sends the card's server.
enum VPCDTarget {
    static let target = FuzzTarget(
        name: "vpcd-codec",
        summary: "vpcd frames: a stream that decodes re-encodes to the same bytes; decodeFrame says 'need more' for "
            + "every strict prefix of a frame and agrees with decodeStream on the first frame; errors come from the "
            + "header alone"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "vpcd-codec")
        let all = array(bytes)
        let first: VPCDFrame?
        do throws(VPCDFrameError) { first = try VPCDCodec.decodeFrame(bytes) } catch {
            // The header alone proves it: the same error from the first three bytes.
            let fromHeader: Result<VPCDFrame?, VPCDFrameError>
            do throws(VPCDFrameError) {
                fromHeader = .success(try VPCDCodec.decodeFrame(bytes.extracting(0..<min(3, bytes.count))))
            } catch {
                fromHeader = .failure(error)
            }
            try check.expect(fromHeader == .failure(error), "\(error) from the input, \(fromHeader) from its header")
            return
        }
        if let first {
            for cut in 0..<first.byteCount {
                let prefix = try? VPCDCodec.decodeFrame(bytes.extracting(0..<cut))
                try check.expect(
                    prefix == .some(nil),
                    "the \(cut)-byte prefix of a \(first.byteCount)-byte frame decodes as \(String(describing: prefix))"
                )
            }
        }
        guard let frames = try? VPCDCodec.decodeStream(bytes) else { return }
        try check.expect(
            frames.first == first,
            "decodeStream's first frame \(String(describing: frames.first)) vs \(String(describing: first))")
        var encoded: [UInt8] = []
        for frame in frames {
            let payload = Array(all[frame.payload])
            switch frame.kind {
            case .control(let control):
                try check.expect(payload == [control.rawValue], "control frame payload \(payload)")
                encoded += VPCDCodec.encodeControl(control)
            case .command:
                guard let frameBytes = try? VPCDCodec.encodeFrame(payload: payload.span) else {
                    throw check.violation("a decoded payload of \(payload.count) bytes does not encode")
                }
                encoded += frameBytes
            }
        }
        try check.expect(encoded == all, "re-encoding the frames gives other bytes")
    }
}
