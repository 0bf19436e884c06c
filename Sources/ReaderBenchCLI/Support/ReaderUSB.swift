import CCID
import CardIdentity
import ReadPath
import ReaderCatalog
import ReaderMatching
import Results
import USBDevices

/// What the USB side knows about PC/SC readers: one libusb inventory, matched to the readers,
/// with each reader's USB identity, keys and capabilities.
enum ReaderUSB {
    /// Takes the USB inventory once and works out what is known of each reader, by name.
    static func knowledge(of readers: [ReaderIdentity]) -> (inventory: USBInventory, byName: [String: ReaderKnowledge])
    {
        let inventory = USBInventory.take()
        let devices = inventory.devices.compactMap { try? USBDevice($0) }
        let outcome = ReaderMatcher.match(readers: readers, devices: devices)
        var byName: [String: ReaderKnowledge] = [:]
        for reader in readers {
            byName[reader.name] = ReaderKnowledge(reader: reader, devices: devices, outcome: outcome)
        }
        return (inventory, byName)
    }

    /// The result header's notes: the figures behind the advice, and the advice.
    static func notes(_ knowledge: ReaderKnowledge, _ advice: CapabilityAdvice) -> ReaderCapabilityNotes {
        let capabilities = knowledge.capabilities
        return ReaderCapabilityNotes(
            source: capabilities?.source.rawValue ?? "unknown", exchangeLevel: capabilities?.exchangeLevel?.rawValue,
            protocols: capabilities.map { $0.protocols.description },
            maxDataRateBitsPerSecond: capabilities.map { Int($0.maxDataRate) },
            maxCCIDMessageLength: capabilities.map { Int($0.maxMessageLength) },
            explanations: knowledge.notes + advice.explanations, warnings: advice.warnings,
            requestedChunking: advice.chunking == advice.requestedChunking ? nil : advice.requestedChunking.rawValue)
    }

    /// Before a run on a PC/SC reader: adds the reader's USB identity, both model keys and the
    /// capability notes to `reader`, prints the explanations and warnings, and returns the read
    /// strategy to use (the chosen one, or its fallback when the reader cannot work with it).
    /// Sources without a PC/SC reader (traces, the in-process card) are left as they are.
    static func prepareRun(_ reader: inout ReaderInfo, strategy: ReadPath.ReadStrategy) -> ReadPath.ReadStrategy {
        guard let identity = reader.identity,
            let chunking = ReadChunking(rawValue: strategy.chunking.rawValue)
        else { return strategy }
        let knowledge =
            knowledge(of: [identity]).byName[identity.name]
            ?? ReaderKnowledge(reader: identity, devices: [], outcome: ReaderMatcher.match(readers: [], devices: []))
        let advice = CapabilityAdvice.advise(knowledge.capabilities, chunking: chunking)
        reader.usb = knowledge.usb
        reader.usbModelKey = knowledge.usbModelKey?.description
        reader.nameModelKey = knowledge.nameModelKey.description
        reader.capabilities = notes(knowledge, advice)

        var facts = knowledge.notes + advice.explanations
        if let usb = knowledge.usb {
            facts.insert("\(usb.modelKey) (\(usb.source == .libusb ? "USB device" : "CCID driver attributes"))", at: 0)
        }
        printError("readerbench: reader: " + facts.joined(separator: "; "))
        for warning in advice.warnings { printError("readerbench: warning: \(warning)") }
        guard let chunking = ReadPath.ReadStrategy.Chunking(rawValue: advice.chunking.rawValue) else { return strategy }
        return ReadPath.ReadStrategy(headerLength: strategy.headerLength, chunking: chunking)
    }
}
