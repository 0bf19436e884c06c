import CCID
import Foundation

// MARK: - The dataset

/// The CCID driver's reader data, copied into this target's `ccid-readers/` folder with its
/// SOURCE.md (the provenance: project, snapshot date and commit).
public enum ReaderDataset {
    /// The folder of the copied files.
    public static var folder: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "ccid-readers", withExtension: nil) else {
                throw DumpFormatError(description: "the ccid-readers fixture folder is missing from the test bundle")
            }
            return url
        }
    }

    /// Every `*.txt` file but `supported_readers.txt`: the 697 files SOURCE.md counts (691 with
    /// descriptor blocks, 5 Gemalto feature dumps and a README), sorted by name.
    public static func dumpFileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".txt") && $0 != "supported_readers.txt" }
            .sorted()
    }

    /// The raw bytes of one file.
    public static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// One dump, read.
    public static func dump(_ name: String) throws -> ReaderDump {
        try ReaderDump(file: name, bytes: bytes(name))
    }

    /// Every dump, read (once per test process).
    public static func allDumps() throws -> [ReaderDump] {
        try everyDump.get()
    }

    private static let everyDump = Result<[ReaderDump], any Error> { try dumpFileNames().map(dump) }

    /// `supported_readers.txt`, as text.
    public static func supportedReadersText() throws -> String {
        String(decoding: try bytes("supported_readers.txt"), as: UTF8.self)
    }

    /// `supported_readers.txt` entries: section, ids and name. Lines of the disabled section are
    /// commented out in the file (`#0x1DB2:0x0600:…`) and count as entries of that section; the
    /// duplicates section lists files, not readers, and is left out.
    public static func supportedReaders() throws -> [(
        section: String, vendorID: UInt16, productID: UInt16, name: String
    )] {
        var section = ""
        var entries: [(String, UInt16, UInt16, String)] = []
        for line in try supportedReadersText().split(separator: "\n") {
            if line.hasPrefix("# section: ") {
                section = String(line.dropFirst("# section: ".count))
                continue
            }
            var body = Substring(line)
            if section == "disabled", body.hasPrefix("#0x") { body = body.dropFirst() }
            guard section != "duplicates", body.hasPrefix("0x") else { continue }
            let parts = body.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let vid = UInt16(parts[0].dropFirst(2), radix: 16),
                let pid = UInt16(parts[1].dropFirst(2), radix: 16)
            else { continue }
            entries.append((section, vid, pid, String(parts[2])))
        }
        return entries
    }
}

// MARK: - Bytes from a dump's fields

/// Descriptor bytes rebuilt from a dump's numbers, little-endian as USB sends them.
public enum DescriptorBytes {
    /// The 54-byte CCID class descriptor, field by field in descriptor order.
    public static func ccid(_ block: InterfaceBlock) -> [UInt8] {
        let sizes: [String: Int] = [
            "bcdCCID": 2, "dwProtocols": 4, "dwDefaultClock": 4, "dwMaximumClock": 4, "dwDataRate": 4,
            "dwMaxDataRate": 4, "dwMaxIFSD": 4, "dwSynchProtocols": 4, "dwMechanical": 4, "dwFeatures": 4,
            "dwMaxCCIDMessageLength": 4, "wLcdLayout": 2,
        ]
        var bytes: [UInt8] = []
        for name in ReaderDump.ccidFieldNames {
            append(block.ccidFields[name] ?? 0, size: sizes[name] ?? 1, to: &bytes)
        }
        return bytes
    }

    /// The interface descriptor (bLength from the dump, 9 in every file) with the given string index.
    public static func interface(_ block: InterfaceBlock, nameIndex: UInt8) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in ReaderDump.interfaceFieldNames { append(block.interfaceFields[name] ?? 0, size: 1, to: &bytes) }
        bytes.append(nameIndex)
        return bytes
    }

    /// The 18-byte device descriptor: USB 2.00, class per interface, 64-byte endpoint 0, the
    /// dump's ids and bcdDevice, strings at indexes 1 (manufacturer), 2 (product), 3 (serial).
    public static func device(_ block: InterfaceBlock, hasSerial: Bool) -> [UInt8] {
        var bytes: [UInt8] = [18, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 64]
        append(UInt32(block.vendorID), size: 2, to: &bytes)
        append(UInt32(block.productID), size: 2, to: &bytes)
        append(UInt32(block.bcdDevice), size: 2, to: &bytes)
        bytes += [block.manufacturer == nil ? 0 : 1, block.product == nil ? 0 : 2, hasSerial ? 3 : 0, 1]
        return bytes
    }

    /// Where the CCID class descriptor goes in a configuration.
    public enum CCIDPlacement: Sendable {
        /// Right after the interface descriptor, where the CCID specification puts it.
        case afterInterface
        /// After the endpoints, where a few readers put it.
        case afterEndpoints
    }

    /// A whole configuration: the 9-byte header, then per block the interface descriptor (its
    /// string at index 4 + block position), the CCID class descriptor and, with `endpoints`, the
    /// bulk-OUT, bulk-IN and interrupt-IN endpoints CCID readers have.
    public static func configuration(
        _ blocks: [InterfaceBlock], maxPower: UInt8 = 50, endpoints: Bool = false,
        placement: CCIDPlacement = .afterInterface
    ) -> [UInt8] {
        var body: [UInt8] = []
        for (position, block) in blocks.enumerated() {
            body += interface(block, nameIndex: block.interfaceName == nil ? 0 : UInt8(4 + position))
            let ccidBytes = ccid(block)
            if placement == .afterInterface { body += ccidBytes }
            if endpoints { body += standardEndpoints(first: UInt8(1 + 3 * position)) }
            if placement == .afterEndpoints { body += ccidBytes }
        }
        return header(totalLength: 9 + body.count, interfaceCount: UInt8(blocks.count), maxPower: maxPower) + body
    }

    /// A configuration header.
    public static func header(totalLength: Int, interfaceCount: UInt8, maxPower: UInt8) -> [UInt8] {
        [9, 0x02, UInt8(totalLength & 0xFF), UInt8(totalLength >> 8), interfaceCount, 1, 0, 0x80, maxPower]
    }

    /// Bulk-OUT, bulk-IN (64 bytes) and interrupt-IN (8 bytes) endpoints numbered from `first`.
    public static func standardEndpoints(first: UInt8) -> [UInt8] {
        [7, 0x05, first, 0x02, 64, 0, 0] + [7, 0x05, 0x80 | (first + 1), 0x02, 64, 0, 0]
            + [7, 0x05, 0x80 | (first + 2), 0x03, 8, 0, 16]
    }

    /// A snapshot of the dump's device as libusb would record it: descriptors, strings (the
    /// dump's manufacturer, product and interface names, and `serial` when given) and where it sits.
    public static func snapshot(
        _ dump: ReaderDump, serial: String? = nil, bus: UInt8 = 1, address: UInt8 = 4, portPath: [UInt8] = [2],
        speed: USBSpeed = .full, openError: USBErrorCode? = nil
    ) -> USBDeviceSnapshot {
        snapshot(
            dump.devices[0], serial: serial, bus: bus, address: address, portPath: portPath, speed: speed,
            openError: openError)
    }

    /// A snapshot of one device's blocks (see ``ReaderDump/devices``).
    public static func snapshot(
        _ blocks: [InterfaceBlock], serial: String? = nil, bus: UInt8 = 1, address: UInt8 = 4, portPath: [UInt8] = [2],
        speed: USBSpeed = .full, openError: USBErrorCode? = nil
    ) -> USBDeviceSnapshot {
        let first = blocks[0]
        var strings: [UInt8: String] = [:]
        if openError == nil {
            if let manufacturer = first.manufacturer { strings[1] = manufacturer }
            if let product = first.product { strings[2] = product }
            if let serial { strings[3] = serial }
            for (position, block) in blocks.enumerated() {
                if let name = block.interfaceName { strings[UInt8(4 + position)] = name }
            }
        }
        return USBDeviceSnapshot(
            bus: bus, address: address, portPath: portPath, speed: speed,
            deviceDescriptor: device(first, hasSerial: serial != nil),
            configuration: configuration(blocks, endpoints: true), strings: strings, openError: openError)
    }

    private static func append(_ value: UInt32, size: Int, to bytes: inout [UInt8]) {
        for index in 0..<size { bytes.append(UInt8((value >> (8 * UInt32(index))) & 0xFF)) }
    }
}
