// MARK: - Mode

/// How strictly encodings are checked.
///
/// Certificates from the card are DER, and DER has exactly one encoding per value, so
/// ``der`` rejects anything else: a non-minimal length may hide a second reading of the same
/// bytes. The JPKI text AP, however, writes `FF10` (tag number 16 in the long form, which DER
/// forbids) and pads its EFs with `FF`, so its records are read with ``ber``.
///
/// Indefinite lengths (`80` ... `00 00`) are rejected in both modes. The reader hands out each
/// value as a span, so it must know where a value ends before it yields it; with an indefinite
/// length that means scanning the whole nested content first (twice the work, and a recursion an
/// attacker controls). Nothing on the My Number Card read path uses indefinite lengths.
public enum TLVMode: Hashable, Sendable {
    /// Distinguished Encoding Rules: minimal tags, minimal definite lengths, nothing after the
    /// top-level object in ``TLV/validate(_:mode:maxDepth:leafTags:)``.
    case der
    /// Lenient BER as card files need it: non-minimal tags and lengths are accepted, and a run of
    /// `00`/`FF` bytes that fills the rest of a level is padding (ISO/IEC 7816-4 allows `00` and
    /// `FF` between and after data objects), so the reader ends there instead of failing.
    case ber
}
