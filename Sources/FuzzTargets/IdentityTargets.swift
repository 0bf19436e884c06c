import CardIdentity
import Foundation

/// ATRs, and what a reader says about itself (PC/SC Part 10 features and TLV properties,
/// attributes, its name): bytes from a card or a reader the harness does not control.
enum ATRTarget {
    static let target = FuzzTarget(
        name: "atr",
        summary: "ATR parsing and description: a parsed ATR's parts (TS, T0, interface groups, historical bytes, "
            + "TCK) reassemble to the input; the description never fails and names the problem exactly when "
            + "parsing fails; the JSON form decodes back to the same ATR"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "atr")
        let all = array(bytes)
        let description = ATRDescription(all)
        try check.expect(!description.lines.isEmpty, "no lines")
        let atr: ATR
        do throws(ATRError) { atr = try ATR(bytes: bytes) } catch {
            try check.expect(
                description.problem == error.description,
                "parse failed (\(error)) but the description says \(String(describing: description.problem))")
            try check.expect(
                error.offset >= 0 && error.offset <= all.count, "error offset \(error.offset) outside the input")
            return
        }
        try check.expect(
            description.problem == nil, "parsed, but the description has a problem: \(description.problem ?? "")")
        try check.expect(atr.bytes == all, "the ATR keeps other bytes")

        var rebuilt: [UInt8] = [all[0], atr.formatByte]
        for group in atr.interfaceGroups {
            for byte in [group.ta, group.tb, group.tc, group.td] { if let byte { rebuilt.append(byte) } }
        }
        rebuilt += atr.historicalBytes
        switch atr.checkCharacter {
        case .valid(let tck): rebuilt.append(tck)
        case .invalid(let found, _): rebuilt.append(found)
        case .notExpected, .missing: break
        }
        try check.expect(rebuilt == all, "the parts reassemble to \(rebuilt)")
        try check.expect(!atr.offeredProtocols.isEmpty, "no protocol offered")
        _ = atr.contactless
        _ = atr.description

        guard let json = try? JSONEncoder().encode(atr) else { throw check.violation("the ATR does not encode") }
        let decoded = try? JSONDecoder().decode(ATR.self, from: json)
        try check.expect(decoded == atr, "the JSON form does not decode back")
    }
}

enum ReaderPayloadsTarget {
    static let target = FuzzTarget(
        name: "reader-payloads",
        summary: "what a reader reports: feature lists, TLV properties and DWORD attributes parse or throw, never "
            + "trap; reader names split without losing the name; model keys read back as written"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "reader-payloads")
        guard !bytes.isEmpty else { return }
        let payload = bytes.extracting(droppingFirst: 1)
        switch bytes[0] % 5 {
        case 0:
            if let features = try? ReaderFeatures(featureRequestResponse: payload) {
                try check.expect(
                    payload.count % 6 == 0 && features.controlCodes.count <= payload.count / 6,
                    "features from \(payload.count) bytes")
            }
        case 1:
            if let properties = try? ReaderTLVProperties(bytes: payload) {
                _ = properties.firmwareID
            }
        case 2:
            let version = try? IFDVersion(attribute: payload)
            let channel = try? ChannelID(attribute: payload)
            try check.expect(
                (version == nil) == (channel == nil), "the two DWORD attributes disagree on \(payload.count) bytes")
            if let version { _ = version.description + version.release }
        case 3:
            let name = String(decoding: array(payload), as: UTF8.self)
            let parts = ReaderName(name)
            try check.expect(parts.fullName == name, "the reader name changed")
            let identity = ReaderIdentity(
                name: name, attributes: ReaderAttributes(vendorName: array(payload), serialNumber: array(payload)))
            let key = identity.modelKey
            try check.expect(ModelKey(key.description) == key, "model key \(key) does not read back")
        default:
            let text = String(decoding: array(payload), as: UTF8.self)
            if let key = ModelKey(text) { try check.expect(key.description == text, "model key changed: \(key)") }
        }
    }
}
