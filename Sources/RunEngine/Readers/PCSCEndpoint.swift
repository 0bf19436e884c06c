import CardIdentity
import CardTransport
import Measurement
import PCSC
import Results
import RunModel

extension ReaderEndpoint where Channel == PCSCReaderChannel {
    /// A reader pcscd knows (a real one, or a vpcd slot), with `card` describing what answers.
    /// Its description carries its USB identity, keys and what its CCID capabilities mean for
    /// `strategy` (the chunking falls back when the reader cannot work with it).
    public static func pcsc(name: String, card: CardInfo, strategy: ReadStrategy = ReadStrategy()) -> Self {
        var endpoint = Self(
            name: name,
            makeChannel: { () throws(TransportError) -> PCSCReaderChannel in
                do throws(PCSCError) { return try PCSCReaderChannel(readerName: name) } catch {
                    throw error.transportError
                }
            },
            describe: { channel in
                let identity =
                    (try? channel.readerIdentity()) ?? ReaderIdentity(name: name, attributes: ReaderAttributes())
                // Connect once to read the ATR, then let go, so the first iteration connects as every
                // other does.
                try? channel.connect()
                let atr = channel.atr
                try? channel.disconnect(.leave)
                var reader = ReaderInfo(identity: identity, atr: atr.isEmpty ? nil : ATRDescription(atr))
                ReaderUSB.annotate(&reader, strategy: strategy)
                return (reader, card)
            })
        endpoint.waitForCard = {
            (present: Bool, timeout: UInt64, channel: inout PCSCReaderChannel, shouldStop: () -> Bool)
                throws(TransportError)
                -> UInt64? in
            let deadline = MonotonicClock.now() &+ timeout
            // At least one look, even with no time to wait; then slices of at most 250 ms so a
            // stop is noticed.
            repeat {
                let now = MonotonicClock.now()
                let slice = min(deadline > now ? deadline - now : 0, 250_000_000)
                do throws(PCSCError) {
                    if try channel.waitForCard(present: present, timeout: .nanoseconds(Int64(slice))) {
                        return MonotonicClock.now()
                    }
                } catch {
                    throw error.transportError
                }
            } while !shouldStop() && MonotonicClock.now() < deadline
            return nil
        }
        return endpoint
    }

    /// A reader the user named: a real card, or (for a vpcd reader) a card some other process
    /// serves, which this run cannot vouch for.
    public static func pcsc(reader name: String, strategy: ReadStrategy = ReadStrategy()) -> Self {
        if CardSourceSelection.isVirtual(name) {
            return .pcsc(
                name: name,
                card: CardInfo(
                    source: .virtualReader,
                    measures: "a card another process serves to vsmartcard's virtual reader \(name) (a simulation or a "
                        + "replayed trace), through pcscd: the PC/SC stack is real, the card is not"),
                strategy: strategy)
        }
        return .pcsc(
            name: name,
            card: CardInfo(source: .pcsc, measures: "the reader \(name) with the card it holds, through pcscd"),
            strategy: strategy)
    }
}
