import Foundation

// MARK: - JSON coding

/// The encoders and decoders every file of the format uses, so output is byte-for-byte stable:
/// keys sorted, slashes not escaped.
enum ResultJSON {
    /// One line, no spaces: for iteration rows.
    static func line<T: Encodable>(_ value: T, path: String) throws(ResultsError) -> [UInt8] {
        try encode(value, formatting: [.sortedKeys, .withoutEscapingSlashes], path: path)
    }

    /// Indented, for the header and summary people read with `less`.
    static func pretty<T: Encodable>(_ value: T, path: String) throws(ResultsError) -> [UInt8] {
        try encode(value, formatting: [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted], path: path)
    }

    private static func encode<T: Encodable>(
        _ value: T, formatting: JSONEncoder.OutputFormatting, path: String
    ) throws(ResultsError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw ResultsError(.cannotEncode, path: path, reason: "cannot encode \(T.self) as JSON: \(error)")
        }
    }

    /// "at iterations[3].apdus[1]: …" from a decoding error, so the message points into the file.
    static func describe(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "at the top level" }
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return "at \(text)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(location(context.codingPath)): the field \"\(key.stringValue)\" is missing"
        case .typeMismatch(let type, let context):
            return "\(location(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(location(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            return "\(location(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
