import ArgumentParser
import CardIdentity
import Foundation
import HexCoding
import PCSC
import RunEngine
import ReaderCatalog
import ReaderMatching
import Results

/// `readerbench readers`: what is plugged in, what model each reader is, and what card it holds.
struct ReadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List readers with their model identity, cards and ATRs.",
        discussion: """
            The model key groups results by reader model: USB vendor and product id and firmware where \
            the driver reports them (PC/SC part 10 TLV properties, vendor attributes), else the reader \
            name without its index, slot and serial number. Drivers that report nothing (vpcd) are normal.
            Each reader is also matched to its USB device (libusb), which gives the USB model key \
            usb:VVVV:PPPP@bcdDevice, the name key, where the reader is plugged in, and its CCID \
            capabilities (from its own descriptor, or from the capability table when libusb cannot see it).
            With --watch, prints reader and card events (plug, unplug, insert, remove) until Ctrl-C.
            """)

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print reader and card events as they happen, until Ctrl-C.") var watch = false

    struct Entry: Codable {
        var name: String
        var modelKey: String
        var identity: ReaderIdentity
        var cardPresent: Bool
        var state: String
        var atr: ATRDescription?
        var activeProtocol: String?
        /// The USB identity, when known (libusb match, or the CCID driver's attributes).
        var usb: USBReaderIdentity?
        /// `usb:VVVV:PPPP@bcdDevice`, when the USB identity is known.
        var usbModelKey: String?
        /// `name:Vendor Product [Interface]`.
        var nameModelKey: String
        /// CCID capabilities and what they mean for the default read strategy.
        var capabilities: ReaderCapabilityNotes?
    }

    func run() throws {
        let context: PCSCContext
        do { context = try PCSCContext() } catch {
            // No pcscd is a state to explain, not a failure of this command.
            printError("readerbench: \(error.message)")
            if json { print("[]") }
            return
        }
        if watch {
            try watchEvents(context)
            return
        }
        let entries: [Entry]
        do { entries = try listing(context) } catch let error as PCSCError {
            throw fail(error.description, status: ExitStatus.environment)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        if entries.isEmpty {
            print("no readers: plug one in, or start the virtual reader with scripts/virtual-reader start")
            return
        }
        for entry in entries {
            print(entry.name)
            print("  model   \(entry.modelKey)")
            print("  keys    " + ([entry.usbModelKey, entry.nameModelKey].compactMap { $0 }).joined(separator: ", "))
            if let usb = entry.usb {
                var place = [usb.location.map { "at \($0)" }, usb.speed, usb.maxPowerMilliamps.map { "\($0) mA" }]
                    .compactMap { $0 }.joined(separator: ", ")
                if !place.isEmpty { place = ", " + place }
                let how =
                    usb.source == .libusb
                    ? "matched by " + usb.evidence.joined(separator: ", ") : "from the CCID driver's attributes"
                print(
                    "  usb     \(String(format: "%04X:%04X", usb.vendorID, usb.productID)) release \(usb.release)\(place) (\(how))"
                )
            }
            if let notes = entry.capabilities {
                print("  ccid    " + notes.explanations.joined(separator: "; "))
                for warning in notes.warnings { print("  warning \(warning)") }
            }
            let id = entry.identity
            var facts: [String] = []
            if let vendor = id.vendorName { facts.append("vendor \(vendor)") }
            if let vid = id.usbVendorID, let pid = id.usbProductID {
                facts.append(String(format: "usb %04x:%04x", vid, pid))
            }
            if let firmware = id.firmware { facts.append("firmware \(firmware)") }
            if let serial = id.serialNumber { facts.append("serial \(serial)") }
            if let size = id.maximumAPDUDataSize { facts.append("max APDU data \(size)") }
            print(
                "  reader  "
                    + (facts.isEmpty ? "no vendor attributes (normal for vpcd)" : facts.joined(separator: ", ")))
            if let atr = entry.atr {
                print("  card    present, \(entry.activeProtocol ?? "protocol unknown")")
                for line in atr.lines { print("  " + line) }
            } else {
                print("  card    none (\(entry.state))")
            }
        }
    }

    /// One entry per reader: identity from a direct or card connection, state and ATR from
    /// `SCardGetStatusChange`.
    func listing(_ context: borrowing PCSCContext) throws -> [Entry] {
        let names = try context.readerNames()
        var states = names.map { ReaderState(name: $0) }
        if !states.isEmpty { _ = try context.waitForChange(&states, timeout: .zero) }
        var entries = states.map { state in
            let present = state.eventState.contains(.present)
            var identity = ReaderIdentity(name: state.name, attributes: ReaderAttributes())
            var active: String?
            // Shared connection when a card is there (works on every driver), direct otherwise.
            if let card = try?
                (present ? context.connect(reader: state.name) : context.connectDirect(reader: state.name))
            {
                if let found = try? card.readerIdentity() { identity = found }
                if present { active = card.activeProtocol.description }
                try? card.disconnect(.leave)
            }
            return Entry(
                name: state.name, modelKey: identity.modelKey.description, identity: identity, cardPresent: present,
                state: state.eventState.subtracting(.changed).description,
                atr: present ? ATRDescription(state.atr) : nil,
                activeProtocol: active, nameModelKey: ModelKey.name(identity.nameParts.modelName).description)
        }
        // One USB inventory for every reader: identity, keys and capabilities.
        let known = ReaderUSB.knowledge(of: entries.map(\.identity)).byName
        for index in entries.indices {
            guard let knowledge = known[entries[index].name] else { continue }
            let advice = CapabilityAdvice.advise(knowledge.capabilities, chunking: .exact)
            entries[index].usb = knowledge.usb
            entries[index].usbModelKey = knowledge.usbModelKey?.description
            entries[index].nameModelKey = knowledge.nameModelKey.description
            entries[index].capabilities = ReaderUSB.notes(knowledge, advice)
        }
        return entries
    }

    /// Prints events until Ctrl-C: readers appearing and going, cards inserted and removed.
    func watchEvents(_ context: borrowing PCSCContext) throws {
        Interruption.install()
        var known: [String: ReaderState] = [:]
        var pnp = ReaderState(name: ReaderState.pnpNotificationName)
        let stamp = { () -> String in
            let now = Date()
            let formatter = DateFormatter()
            formatter.dateFormat = "HH:mm:ss.SSS"
            return formatter.string(from: now)
        }
        func refreshReaders() throws {
            let names = Set(try context.readerNames())
            for name in names where known[name] == nil {
                print("\(stamp())  reader plugged    \(name)")
                known[name] = ReaderState(name: name)
            }
            for name in known.keys where !names.contains(name) {
                print("\(stamp())  reader unplugged  \(name)")
                known[name] = nil
            }
        }
        do {
            try refreshReaders()
            while !Interruption.requested {
                var states = known.keys.sorted().compactMap { known[$0] } + [pnp]
                // A bounded wait, so Ctrl-C is noticed within half a second.
                guard try context.waitForChange(&states, timeout: .milliseconds(500)) else { continue }
                pnp = states.removeLast()
                pnp.acknowledge()
                for var state in states {
                    let was = state.currentState
                    let now = state.eventState
                    if now.contains(.present) && !was.contains(.present) {
                        print(
                            "\(stamp())  card inserted     \(state.name)  ATR \(Hex.encode(state.atr, style: .spaced))")
                    } else if !now.contains(.present) && was.contains(.present) {
                        print("\(stamp())  card removed      \(state.name)")
                    }
                    state.acknowledge()
                    known[state.name] = state
                }
                try refreshReaders()
            }
        } catch let error as PCSCError {
            throw fail(error.description, status: ExitStatus.environment)
        }
    }
}
