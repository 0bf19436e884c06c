import CCID
import CCIDFixtures
import ReaderCatalog
import Testing

/// The committed capability table and driver list say exactly what the committed dumps say.
@Suite("Capability table against the reader dumps")
struct CatalogTableTests {
    @Test("every interface block of every dump has its row, with the same capabilities and the file named")
    func everyBlockHasItsRow() throws {
        var used = Set<Int>()
        for dump in try ReaderDataset.allDumps() {
            for block in dump.interfaces {
                let descriptor = try CCIDClassDescriptor(bytes: DescriptorBytes.ccid(block))
                let expected = ReaderCapabilities(descriptor: descriptor, source: .catalog)
                let index = ReaderCatalog.entries.firstIndex {
                    $0.vendorID == block.vendorID && $0.productID == block.productID
                        && $0.deviceRelease.rawValue == block.bcdDevice && $0.interfaceNumber == block.interfaceNumber
                        && $0.capabilities == expected && $0.interfaceClass.rawValue == block.interfaceClass
                }
                let found = try #require(index, "\(dump.file): no row for interface \(block.interfaceNumber)")
                #expect(ReaderCatalog.entries[found].files.contains(dump.file))
                used.insert(found)
            }
        }
        #expect(used.count == ReaderCatalog.entries.count, "rows that no dump explains")
        #expect(ReaderCatalog.entries.count == 757)
    }

    @Test("the driver list is supported_readers.txt, section by section, in file order")
    func driverListIsTheFile() throws {
        let expected = try ReaderDataset.supportedReaders()
        #expect(ReaderCatalog.driverList.count == expected.count)
        for (listing, line) in zip(ReaderCatalog.driverList, expected) {
            #expect(listing.section.rawValue == line.section)
            #expect(listing.vendorID == line.vendorID && listing.productID == line.productID)
            #expect(listing.name == line.name)
        }
        let sections = Dictionary(grouping: ReaderCatalog.driverList, by: \.section).mapValues(\.count)
        #expect(sections[.disabled] == 14)
        #expect(ReaderCatalog.driverClaims(vendorID: 0x04E6, productID: 0x511A))
        #expect(ReaderCatalog.driverListings(vendorID: 0x1DB2, productID: 0x0600).map(\.section) == [.disabled])
        #expect(ReaderCatalog.driverListings(vendorID: 0x0B97, productID: 0x7762).map(\.section) == [.unsupported])
    }

    @Test("max data rate bands over the 773 interfaces")
    func dataRateBandFigures() throws {
        var counts: [DataRateBand: Int] = [:]
        for dump in try ReaderDataset.allDumps() {
            for block in dump.interfaces {
                counts[DataRateBand(bitsPerSecond: block.ccidFields["dwMaxDataRate"]!), default: 0] += 1
            }
        }
        #expect(
            counts == [
                .isoDefault: 149, .upTo115k: 42, .upTo250k: 130, .upTo500k: 305, .upTo1M: 138, .above1M: 9,
            ])
    }
}

@Suite("Looking up a model in the table")
struct CatalogLookupTests {
    @Test("the RC-S300/P's own release answers; an unknown release of a model the table agrees on still does")
    func rcS300() throws {
        let own = try #require(
            ReaderCatalog.lookup(
                vendorID: 0x054C, productID: 0x0DC9, deviceRelease: USBRelease(rawValue: 0x0100), interfaceNumber: 0))
        #expect(own.sameRelease)
        #expect(own.capabilities.exchangeLevel == .extendedAPDU && own.capabilities.maxMessageLength == 522)
        let newer = try #require(
            ReaderCatalog.lookup(
                vendorID: 0x054C, productID: 0x0DC9, deviceRelease: USBRelease(rawValue: 0x0102), interfaceNumber: nil))
        #expect(!newer.sameRelease)
        #expect(newer.capabilities == own.capabilities)
    }

    @Test("a dual reader needs its interface: PICC and SAM differ")
    func dualReaderNeedsInterface() throws {
        let release = USBRelease(rawValue: 0x0200)
        #expect(
            ReaderCatalog.lookup(vendorID: 0x072F, productID: 0x221A, deviceRelease: release, interfaceNumber: nil)
                == nil)
        let picc = try #require(
            ReaderCatalog.lookup(vendorID: 0x072F, productID: 0x221A, deviceRelease: release, interfaceNumber: 0))
        let sam = try #require(
            ReaderCatalog.lookup(vendorID: 0x072F, productID: 0x221A, deviceRelease: release, interfaceNumber: 1))
        #expect(picc.capabilities.exchangeLevel == .extendedAPDU)
        #expect(sam.capabilities.exchangeLevel == .shortAPDU)
    }

    @Test("a model not in the table has no answer")
    func unknownModel() {
        #expect(
            ReaderCatalog.lookup(vendorID: 0x054C, productID: 0x06C3, deviceRelease: nil, interfaceNumber: nil) == nil)
        #expect(ReaderCatalog.vendorDriverReader(vendorID: 0x054C, productID: 0x06C3)?.name == "Sony RC-S380/P")
    }
}
