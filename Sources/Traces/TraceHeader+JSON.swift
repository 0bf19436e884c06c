import HexCoding

#if canImport(Glibc)
    import Glibc
#endif

extension TraceHeader {
    /// Now, as ISO 8601 UTC with seconds (`2025-01-31T09:15:00Z`).
    public static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The header line, without the newline.
    public func jsonLine() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        JSONOutput.ascii("{\"type\":\"header\",\"format\":\"readerbench-trace\",\"version\":", to: &out)
        JSONOutput.integer(UInt64(Self.currentVersion), to: &out)
        JSONOutput.ascii(",\"tool\":{\"name\":", to: &out)
        JSONOutput.string(tool.name, to: &out)
        JSONOutput.ascii(",\"version\":", to: &out)
        JSONOutput.string(tool.version, to: &out)
        JSONOutput.ascii("},\"createdAt\":", to: &out)
        JSONOutput.string(createdAt, to: &out)
        JSONOutput.ascii(",\"reader\":{\"name\":", to: &out)
        JSONOutput.string(reader.name, to: &out)
        JSONOutput.ascii(",\"modelKey\":", to: &out)
        JSONOutput.string(reader.modelKey, to: &out)
        if let identity = reader.identity {
            JSONOutput.ascii(",\"identity\":", to: &out)
            JSONOutput.value(identity, to: &out)
        }
        JSONOutput.ascii("},\"atr\":", to: &out)
        JSONOutput.hex(atr.span, to: &out)
        JSONOutput.ascii(",\"protocol\":", to: &out)
        JSONOutput.string(protocolName, to: &out)
        if let scenario {
            JSONOutput.ascii(",\"scenario\":", to: &out)
            JSONOutput.value(scenario, to: &out)
        }
        if let options {
            JSONOutput.ascii(",\"options\":", to: &out)
            JSONOutput.value(options, to: &out)
        }
        JSONOutput.ascii(",\"redacted\":", to: &out)
        JSONOutput.value(.array(redacted.map { .string($0) }), to: &out)
        JSONOutput.ascii(",\"synthetic\":", to: &out)
        synthetic ? JSONOutput.ascii("true", to: &out) : JSONOutput.ascii("false", to: &out)
        JSONOutput.ascii(",\"modelled\":", to: &out)
        modelled ? JSONOutput.ascii("true", to: &out) : JSONOutput.ascii("false", to: &out)
        if let note {
            JSONOutput.ascii(",\"note\":", to: &out)
            JSONOutput.string(note, to: &out)
        }
        if responsesMissing { JSONOutput.ascii(",\"responsesMissing\":true", to: &out) }
        out.append(0x7D)
        return out
    }

    /// Reads a header from its parsed JSON object. Checks `format` and `version` before anything
    /// else, so a file from another program or a newer ReaderBench says so instead of
    /// complaining about a field.
    init(json: TraceValue) throws(TraceError) {
        guard case .object = json else { throw TraceError(.wrongType, "the header must be a JSON object") }
        guard let format = json["format"] else { throw TraceError(.missingField, "the header has no \"format\"") }
        guard format.stringValue == TraceHeader.formatName else {
            throw TraceError(.unknownFormat, "format is \(Self.show(format)), expected \"\(TraceHeader.formatName)\"")
        }
        guard let version = json["version"] else { throw TraceError(.missingField, "the header has no \"version\"") }
        guard case .integer(let number) = version else {
            throw TraceError(.wrongType, "\"version\" must be an integer")
        }
        guard number == Int64(TraceHeader.currentVersion) else {
            throw TraceError(
                .unsupportedVersion,
                "version \(number) is not supported; this ReaderBench reads version \(TraceHeader.currentVersion)")
        }

        let toolValue = try Self.object(json, "tool")
        tool = Tool(
            name: try Self.string(toolValue, "name", in: "tool"),
            version: try Self.string(toolValue, "version", in: "tool"))
        createdAt = try Self.string(json, "createdAt")
        let readerValue = try Self.object(json, "reader")
        reader = Reader(
            name: try Self.string(readerValue, "name", in: "reader"),
            modelKey: try Self.string(readerValue, "modelKey", in: "reader"),
            identity: readerValue["identity"].flatMap { $0 == .null ? nil : $0 })
        let atrText = try Self.string(json, "atr")
        do { atr = try Hex.decode(atrText) } catch { throw TraceError(.invalidHex, "\"atr\": \(error)") }
        guard atr.count <= 33 else {
            throw TraceError(.oversized, "\"atr\" has \(atr.count) bytes; an ATR has at most 33")
        }
        protocolName = try Self.string(json, "protocol")
        scenario = json["scenario"].flatMap { $0 == .null ? nil : $0 }
        options = json["options"].flatMap { $0 == .null ? nil : $0 }
        guard let redactedValue = json["redacted"] else {
            throw TraceError(.missingField, "the header has no \"redacted\"")
        }
        guard case .array(let words) = redactedValue else {
            throw TraceError(.wrongType, "\"redacted\" must be an array")
        }
        var list: [String] = []
        for word in words {
            guard let text = word.stringValue else { throw TraceError(.wrongType, "\"redacted\" must hold strings") }
            list.append(text)
        }
        redacted = list
        synthetic = try Self.bool(json, "synthetic")
        modelled = try Self.bool(json, "modelled")
        switch json["note"] {
        case nil, .null?: note = nil
        case .string(let text)?: note = text
        default: throw TraceError(.wrongType, "\"note\" must be a string")
        }
        switch json["responsesMissing"] {
        case nil, .null?: responsesMissing = false
        case .bool(let value)?: responsesMissing = value
        default: throw TraceError(.wrongType, "\"responsesMissing\" must be a boolean")
        }
    }

    private static func show(_ value: TraceValue) -> String {
        var out: [UInt8] = []
        JSONOutput.value(value, to: &out)
        return String(decoding: out.prefix(80), as: UTF8.self)
    }

    private static func object(_ json: TraceValue, _ key: String) throws(TraceError) -> TraceValue {
        guard let value = json[key] else { throw TraceError(.missingField, "the header has no \"\(key)\"") }
        guard case .object = value else { throw TraceError(.wrongType, "\"\(key)\" must be an object") }
        return value
    }

    private static func string(_ json: TraceValue, _ key: String, in parent: String? = nil) throws(TraceError) -> String
    {
        let name = parent.map { "\($0).\(key)" } ?? key
        guard let value = json[key] else { throw TraceError(.missingField, "the header has no \"\(name)\"") }
        guard let text = value.stringValue else { throw TraceError(.wrongType, "\"\(name)\" must be a string") }
        return text
    }

    private static func bool(_ json: TraceValue, _ key: String) throws(TraceError) -> Bool {
        guard let value = json[key] else { throw TraceError(.missingField, "the header has no \"\(key)\"") }
        guard case .bool(let flag) = value else { throw TraceError(.wrongType, "\"\(key)\" must be a boolean") }
        return flag
    }
}
