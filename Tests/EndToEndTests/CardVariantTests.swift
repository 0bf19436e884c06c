import CardIdentity
import Foundation
import Results
import RigSupport
import Testing

/// A contact timing profile must time a contact card: a result that describes a contactless
/// card (its ATR, its variant) measured with a contact reader's model would be believed.
@Suite("simulated card variant and timing profile agree")
struct CardVariantTests {
    static let contactATRPrefix = "3B DA"

    @Test("a contact timing profile without --card serves the contact card, and the result header says so")
    func contactProfileSelectsContactCard() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run(
            [
                "run", "--in-process", "--profile", "contact-fast", "--scenario", "visual", "--iterations", "1",
                "--warmup", "0",
                "--warm", "--quiet", "--out", out,
            ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let header = try ResultFile.load(out).header
        #expect(header.readers[0].card.simulated?.cardProfile == "contact")
        #expect(header.readers[0].card.simulated?.timingProfile == "contact-fast")
        #expect(
            header.readers[0].reader.atr?.hex.hasPrefix(Self.contactATRPrefix) == true,
            "\(String(describing: header.readers[0].reader.atr))")
        #expect(header.readers[0].reader.atr?.interface.contains("contactless") == false)
    }

    @Test(
        "a card variant whose interface differs from the timing profile's link is refused with both named",
        arguments: [
            (
                ["run", "--in-process", "--card", "contactless", "--profile", "contact-default", "--iterations", "1"],
                "contact-default"
            ),
            (
                ["run", "--in-process", "--card", "contact", "--profile", "contactless-212k", "--iterations", "1"],
                "contactless-212k"
            ),
            (["simulate", "--card", "contactless-extended", "--profile", "contact-fast"], "contact-fast"),
        ])
    func mismatchRefused(_ arguments: [String], _ profile: String) throws {
        let outcome = try CLI.run(arguments, timeout: 30)
        #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
        #expect(outcome.stderr.contains(profile), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("contactless") && outcome.stderr.contains("contact "), "\(outcome.stderr)")
    }

    @Test("profiles that model no link (instant, fixed-2ms) keep the contactless default and take any card")
    func linklessProfiles() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run(
            [
                "run", "--in-process", "--card", "contact-short", "--profile", "instant", "--scenario", "visual",
                "--iterations",
                "1", "--warmup", "0", "--warm", "--quiet", "--out", out,
            ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(try ResultFile.load(out).header.readers[0].card.simulated?.cardProfile == "contact-short")
    }
}

/// The same, seen by any PC/SC application through the real pcscd and vpcd.
@Suite("simulated card variant through the virtual reader", .serialized, Rig.enabled)
struct CardVariantRigTests {
    @Test("simulate --profile contact-default shows a contact card in `readers`")
    func readersShowContactCard() throws {
        let reader = Rig.readers[1]
        try Rig.requireReader(reader)
        guard try Rig.waitForCard(in: reader, present: false) else {
            throw Rig.Unavailable(description: "\(reader) still holds a card; the slot is not free")
        }
        let (process, out, err) = try CLI.start(["simulate", "--slot", "1", "--profile", "contact-default"])
        defer {
            process.interrupt()
            _ = CLI.finish(process, out, err, timeout: 10)
        }
        guard try Rig.waitForCard(in: reader, present: true) else {
            throw Rig.Unavailable(description: "the simulated card did not appear in \(reader)")
        }
        let listing = try CLI.run(["readers"])
        #expect(listing.status == 0, "stderr: \(listing.stderr)")
        let lines = listing.stdout.split(separator: "\n")
        let start = try #require(lines.firstIndex { $0 == reader })
        let section = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.joined(separator: "\n")
        // contact-default models 372/1: the contact card whose ATR has no TA1 (contact-short).
        #expect(section.contains("ATR 3B C5 FF 81 31 FB 45"), "\(listing.stdout)")
        #expect(section.contains("contact, T=1") && !section.contains("contactless"), "\(listing.stdout)")
    }
}
