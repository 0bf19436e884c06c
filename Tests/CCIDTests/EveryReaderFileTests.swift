import CCID
import CCIDFixtures
import Foundation
import Testing

/// Every file of the CCID driver's reader data: rebuild the descriptor bytes from the file's
/// numbers, parse them, and compare every field with the file.
@Suite("Every reader file of the CCID driver's data")
struct EveryReaderFileTests {
    @Test("697 files: 691 with descriptor blocks (773 interfaces), 5 Gemalto feature dumps and a README")
    func fileInventory() throws {
        let dumps = try ReaderDataset.allDumps()
        #expect(dumps.count == 697)
        let withoutBlocks = dumps.filter { $0.interfaces.isEmpty }.map(\.file)
        #expect(
            withoutBlocks == [
                "GemPCPinpadv2_features.txt", "Gemalto_Ezio_Shield_PinPad_Martin_features.txt",
                "Gemalto_Ezio_Shield_PinPad_Stephanie_features.txt", "Gemalto_Ezio_Shield_PinPad_features.txt",
                "Gemalto_IDBridge_CT710.txt", "README.txt",
            ])
        #expect(dumps.count - withoutBlocks.count == 691)
        #expect(dumps.reduce(0) { $0 + $1.interfaces.count } == 773)
    }

    @Test("every block names all 22 CCID fields and all 8 interface fields")
    func everyFieldPresent() throws {
        for dump in try ReaderDataset.allDumps() {
            for (index, block) in dump.interfaces.enumerated() {
                #expect(
                    Set(block.ccidFields.keys) == Set(ReaderDump.ccidFieldNames), "\(dump.file) block \(index)")
                #expect(
                    Set(block.interfaceFields.keys) == Set(ReaderDump.interfaceFieldNames),
                    "\(dump.file) block \(index)")
                #expect(Set(block.deviceFields.keys) == ["idVendor", "idProduct", "bcdDevice"], "\(dump.file)")
            }
        }
    }

    @Test("every CCID class descriptor parses and every field equals the file's")
    func everyCCIDFieldMatches() throws {
        var parsed = 0
        for dump in try ReaderDataset.allDumps() {
            for (index, block) in dump.interfaces.enumerated() {
                let descriptor = try parsedCCID(block)
                parsed += 1
                for name in ReaderDump.ccidFieldNames {
                    #expect(
                        parsedValue(descriptor, name) == block.ccidFields[name],
                        "\(dump.file) block \(index): \(name)")
                }
                #expect(descriptor.slotCount == Int(block.ccidFields["bMaxSlotIndex"]!) + 1)
            }
        }
        #expect(parsed == 773)
    }

    @Test("every interface descriptor parses and every field equals the file's")
    func everyInterfaceFieldMatches() throws {
        for dump in try ReaderDataset.allDumps() {
            for (index, block) in dump.interfaces.enumerated() {
                let interface = try USBInterface(bytes: DescriptorBytes.interface(block, nameIndex: 4))
                for name in ReaderDump.interfaceFieldNames {
                    #expect(
                        parsedValue(interface, name) == block.interfaceFields[name],
                        "\(dump.file) block \(index): \(name)")
                }
                #expect(interface.nameIndex == 4)
            }
        }
    }

    @Test("every device's descriptor and whole configuration parse back to the file's values")
    func everyConfigurationMatches() throws {
        var devices = 0
        for dump in try ReaderDataset.allDumps() {
            for blocks in dump.devices {
                devices += 1
                let first = blocks[0]
                let device = try USBDeviceDescriptor(bytes: DescriptorBytes.device(first, hasSerial: false))
                #expect(device.vendorID == first.vendorID, "\(dump.file)")
                #expect(device.productID == first.productID, "\(dump.file)")
                #expect(device.deviceRelease.rawValue == first.bcdDevice, "\(dump.file)")

                for placement in [DescriptorBytes.CCIDPlacement.afterInterface, .afterEndpoints] {
                    let bytes = DescriptorBytes.configuration(blocks, endpoints: true, placement: placement)
                    let configuration = try USBConfiguration(bytes: bytes)
                    #expect(configuration.interfaces.count == blocks.count, "\(dump.file)")
                    for (interface, block) in zip(configuration.interfaces, blocks) {
                        #expect(interface.number == block.interfaceNumber, "\(dump.file)")
                        #expect(interface.endpoints.count == 3, "\(dump.file)")
                        #expect(try interface.ccid == parsedCCID(block), "\(dump.file) \(placement)")
                    }
                    let firstSettings = blocks.count { $0.interfaceFields["bAlternateSetting"] == 0 }
                    #expect(configuration.ccidInterfaces.count == firstSettings, "\(dump.file)")
                }
            }
        }
        // ELYCTIS_CL_reader.txt holds two devices; every other file with blocks holds one.
        #expect(devices == 692)
    }

    @Test("the module's decoding agrees with the lines the CCID driver's tool printed")
    func decodingAgreesWithTheTool() throws {
        // The tool prints one line per set bit: "....02 Automatic parameter…" in recent versions,
        // the text alone in older ones, sometimes with a trailing space or wrapped; compare the text.
        let levelTexts: [CCIDExchangeLevel: String] = [
            .character: "Character level exchange", .tpdu: "TPDU level exchange",
            .shortAPDU: "Short APDU level exchange", .extendedAPDU: "Short and Extended APDU level exchange",
        ]
        let featureTexts: [(CCIDFeatures, [String])] = [
            (.automaticParametersFromATR, ["Automatic parameter configuration based on ATR data"]),
            (.automaticActivation, ["Automatic activation of ICC on inserting"]),
            (.automaticVoltage, ["Automatic ICC voltage selection"]),
            (.automaticClock, ["Automatic ICC clock frequency change according to parameters"]),
            (.automaticBaudRate, ["Automatic baud rate change according to frequency and Fi, Di"]),
            (.automaticNegotiation, ["Automatic parameters negotiation made by the CCID"]),
            (.automaticPPS, ["Automatic PPS made by the CCID"]),
            (.clockStop, ["CCID can set ICC in clock stop mode"]),
            (.nonZeroNAD, ["NAD value other than 00 accepted (T=1)"]),
            (.automaticIFSD, ["Automatic IFSD exchange as first exchange (T=1)"]),
            (.iccdToken, ["ICCD token", "Unknown (ICCD?)"]),
        ]
        func text(_ line: String) -> String {
            var body = Substring(line)
            if body.count > 7, body.prefix(6).allSatisfy({ $0 == "." || $0.isHexDigit }), body.dropFirst(6).first == " "
            {
                body = body.dropFirst(7)
            }
            return body.trimmingCharacters(in: .whitespaces)
        }
        for dump in try ReaderDataset.allDumps() {
            for (index, block) in dump.interfaces.enumerated() {
                let where_ = "\(dump.file) block \(index)"
                let descriptor = try parsedCCID(block)
                let features = (block.decodedLines["dwFeatures"] ?? []).map(text)
                let level = try #require(descriptor.exchangeLevel, "\(where_): undefined exchange level")
                #expect(features.contains(levelTexts[level]!), "\(where_): \(level)")
                for (bit, texts) in featureTexts {
                    let printed = features.contains { line in texts.contains { line.hasPrefix($0) } }
                    #expect(descriptor.features.contains(bit) == printed, "\(where_): \(texts[0])")
                }
                let protocols = block.decodedLines["dwProtocols"] ?? []
                #expect(descriptor.protocols.contains(.t0) == protocols.contains("T=0"), "\(where_)")
                #expect(descriptor.protocols.contains(.t1) == protocols.contains("T=1"), "\(where_)")
                let voltages = block.decodedLines["bVoltageSupport"] ?? []
                #expect(descriptor.voltageSupport.contains(.volts5) == voltages.contains("5.0V"), "\(where_)")
                #expect(descriptor.voltageSupport.contains(.volts3) == voltages.contains("3.0V"), "\(where_)")
                #expect(descriptor.voltageSupport.contains(.volts1_8) == voltages.contains("1.8V"), "\(where_)")
                let pin = block.decodedLines["bPINSupport"] ?? []
                #expect(
                    descriptor.pinSupport.contains(.verification) == pin.contains("PIN Verification supported"),
                    "\(where_)")
                #expect(
                    descriptor.pinSupport.contains(.modification) == pin.contains("PIN Modification supported"),
                    "\(where_)")
            }
        }
    }

    @Test("exchange levels over the 773 interfaces: 295 extended APDU, 194 short APDU, 278 TPDU, 6 character")
    func exchangeLevelFigures() throws {
        var counts: [CCIDExchangeLevel: Int] = [:]
        for dump in try ReaderDataset.allDumps() {
            for block in dump.interfaces {
                counts[try #require(try parsedCCID(block).exchangeLevel), default: 0] += 1
            }
        }
        #expect(counts == [.extendedAPDU: 295, .shortAPDU: 194, .tpdu: 278, .character: 6])
    }

    @Test("every proper prefix of every CCID class descriptor is rejected at or before its end")
    func everyPrefixOfEveryDescriptorFails() throws {
        for dump in try ReaderDataset.allDumps() {
            for block in dump.interfaces {
                let bytes = DescriptorBytes.ccid(block)
                for length in 0..<bytes.count {
                    do {
                        _ = try CCIDClassDescriptor(bytes: Array(bytes[..<length]))
                        Issue.record("\(dump.file): a \(length)-byte prefix was accepted")
                    } catch {
                        #expect(error.code == .truncated, "\(dump.file) prefix \(length)")
                        #expect(error.offset <= length, "\(dump.file) prefix \(length): offset \(error.offset)")
                    }
                }
            }
        }
    }
}
