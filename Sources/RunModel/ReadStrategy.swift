/// How READ BINARY fetches a certificate or record: part of a run's options because it changes
/// the number and size of exchanges, and so the times.
public struct ReadStrategy: Codable, Sendable, Hashable, CustomStringConvertible {
    /// How many bytes are read first to learn the object's length.
    public enum HeaderLength: Int, Codable, Sendable, Hashable, CaseIterable {
        /// Tag, `82`, two length bytes: enough for a DER SEQUENCE under 64 KiB (as OpenSC reads).
        case four = 4
        /// Seven bytes, as myna's マイナポータル login sequence reads it.
        case seven = 7
    }

    /// How the rest is split into READ BINARY commands.
    public enum Chunking: String, Codable, Sendable, Hashable, CaseIterable {
        /// Le = 256 (`00`) every time; the last read returns EF padding past the object (as myna does).
        case blocks256 = "256"
        /// Le = 256, and exactly the remaining length for the last read (as OpenSC does).
        case exact
        /// One READ BINARY with an extended Le for everything after the header.
        case extended
    }

    /// The length of the first READ BINARY.
    public var headerLength: HeaderLength
    /// How the rest is read.
    public var chunking: Chunking

    /// A read strategy; the default is OpenSC's (4-byte header, exact last chunk).
    public init(headerLength: HeaderLength = .four, chunking: Chunking = .exact) {
        self.headerLength = headerLength
        self.chunking = chunking
    }

    public var description: String { "header \(headerLength.rawValue), chunks \(chunking.rawValue)" }
}
