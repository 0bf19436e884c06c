import CardTiming
import SimulatedCard
import Simulator
import Testing

/// A timing profile models one link, contact or contactless; the simulated card must present
/// the same interface, or a result would describe a contactless card timed as a contact one.
@Suite("card variant and timing profile")
struct CardVariantForProfileTests {
    static let profiles = TimingProfiles.builtIn()

    @Test("without a named card, each built-in profile selects the card its link and rate model")
    func defaultCards() throws {
        let chosen = Dictionary(
            uniqueKeysWithValues: Self.profiles.map { ($0.name, SimulatorConfiguration.defaultCard(for: $0).name) })
        #expect(chosen["contact-default"] == "contact-short")  // 372/1: the card whose ATR has no TA1
        #expect(chosen["contact-fast"] == "contact")  // D = 4: the card with TA1 = 13
        #expect(chosen["contactless-106k"] == "contactless")
        #expect(chosen["contactless-212k"] == "contactless")
        #expect(chosen["contactless-424k"] == "contactless")
        #expect(chosen["instant"] == "contactless")
        #expect(chosen["fixed-2ms"] == "contactless")
    }

    @Test("every profile's default card presents the interface of the profile's link")
    func defaultCardsMatchTheirLink() throws {
        for profile in Self.profiles {
            let card = SimulatorConfiguration.defaultCard(for: profile)
            if let link = profile.transfer?.link {
                #expect(card.interface.rawValue == link.rawValue, "\(profile.name) → \(card.name)")
            }
            #expect(throws: Never.self) { try SimulatorConfiguration(card: nil, matching: profile) }
        }
    }

    @Test("a named card of the other interface is refused, naming both", arguments: CardProfile.builtIn)
    func mismatchRefused(_ card: CardProfile) throws {
        for profile in Self.profiles {
            guard let link = profile.transfer?.link else {
                // instant and fixed-2ms model no link: any card.
                #expect(throws: Never.self) { try SimulatorConfiguration(card: card, matching: profile) }
                continue
            }
            if link.rawValue == card.interface.rawValue {
                let configuration = try SimulatorConfiguration(card: card, matching: profile)
                #expect(configuration.card == card)
            } else {
                let error = #expect(throws: SimulatorConfigurationError.self) {
                    try SimulatorConfiguration(card: card, matching: profile)
                }
                #expect(error?.code == .interfaceMismatch)
                #expect(
                    error?.description.contains(card.name) == true && error?.description.contains(profile.name) == true)
            }
        }
    }
}
