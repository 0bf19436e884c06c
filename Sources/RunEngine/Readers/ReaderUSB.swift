import CCID
import CardIdentity
import ReaderCatalog
import ReaderMatching
import Results
import RunModel
import USBDevices

/// What the USB side knows about PC/SC readers: one libusb inventory, matched to the readers,
/// with each reader's USB identity, keys and CCID capabilities, and what those mean for a run.
public enum ReaderUSB {
    /// Takes the USB inventory once and works out what is known of each reader, by name.
    public static func knowledge(
        of readers: [ReaderIdentity]
    ) -> (inventory: USBInventory, byName: [String: ReaderKnowledge]) {
        let inventory = USBInventory.take()
        let devices = inventory.devices.compactMap { try? USBDevice($0) }
        let outcome = ReaderMatcher.match(readers: readers, devices: devices)
        var byName: [String: ReaderKnowledge] = [:]
        for reader in readers {
            byName[reader.name] = ReaderKnowledge(reader: reader, devices: devices, outcome: outcome)
        }
        return (inventory, byName)
    }

    /// Every key a reader answers to: its PC/SC key, its USB key and its name key.
    public static func modelKeys(of identities: [ReaderIdentity]) -> [String: [String]] {
        let known = knowledge(of: identities).byName
        var keys: [String: [String]] = [:]
        for identity in identities {
            let knowledge = known[identity.name]
            keys[identity.name] =
                [identity.modelKey.description]
                + [knowledge?.usbModelKey?.description, knowledge?.nameModelKey.description].compactMap { $0 }
        }
        return keys
    }

    /// Adds `reader`'s USB identity, both model keys and the capability notes (explanations,
    /// warnings, and the chunking used when the reader cannot work with the one asked for).
    /// Sources without a PC/SC identity are left as they are.
    public static func annotate(_ reader: inout ReaderInfo, strategy: ReadStrategy) {
        guard let identity = reader.identity, let chunking = ReadChunking(rawValue: strategy.chunking.rawValue) else {
            return
        }
        let knowledge =
            knowledge(of: [identity]).byName[identity.name]
            ?? ReaderKnowledge(reader: identity, devices: [], outcome: ReaderMatcher.match(readers: [], devices: []))
        let advice = CapabilityAdvice.advise(knowledge.capabilities, chunking: chunking)
        reader.usb = knowledge.usb
        reader.usbModelKey = knowledge.usbModelKey?.description
        reader.nameModelKey = knowledge.nameModelKey.description
        // The key results are grouped and compared by: the exact USB model and release when
        // known, else the name key (virtual and non-USB readers).
        if let usbKey = reader.usbModelKey { reader.modelKey = usbKey }
        var notes = notes(knowledge, advice)
        if let usb = knowledge.usb {
            notes.explanations.insert(
                "\(usb.modelKey) (\(usb.source == .libusb ? "USB device" : "CCID driver attributes"))", at: 0)
        }
        reader.capabilities = notes
    }

    /// The result header's notes: the figures behind the advice, and the advice.
    public static func notes(_ knowledge: ReaderKnowledge, _ advice: CapabilityAdvice) -> ReaderCapabilityNotes {
        let capabilities = knowledge.capabilities
        let fellBack = advice.chunking != advice.requestedChunking
        return ReaderCapabilityNotes(
            source: capabilities?.source.rawValue ?? "unknown", exchangeLevel: capabilities?.exchangeLevel?.rawValue,
            protocols: capabilities.map { $0.protocols.description },
            maxDataRateBitsPerSecond: capabilities.map { Int($0.maxDataRate) },
            maxCCIDMessageLength: capabilities.map { Int($0.maxMessageLength) },
            explanations: knowledge.notes + advice.explanations, warnings: advice.warnings,
            requestedChunking: fellBack ? advice.requestedChunking.rawValue : nil,
            usedChunking: fellBack ? advice.chunking.rawValue : nil)
    }

    /// The read strategy a reader runs with: the plan's, or its fallback when the reader's
    /// capabilities rule the plan's chunking out (see ``annotate(_:strategy:)``).
    public static func strategy(for reader: ReaderInfo, plan: ReadStrategy) -> ReadStrategy {
        guard let used = reader.capabilities?.usedChunking, let chunking = ReadStrategy.Chunking(rawValue: used) else {
            return plan
        }
        return ReadStrategy(headerLength: plan.headerLength, chunking: chunking)
    }
}
