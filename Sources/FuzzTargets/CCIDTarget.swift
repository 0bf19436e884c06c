import CCID
import Foundation

/// USB descriptors as a reader (or anything plugged in pretending to be one) hands them to libusb:
/// the device descriptor, a configuration with its interfaces, endpoints and CCID class
/// descriptor, string descriptors.
///
/// Every input goes to every parser. Each standalone parser must accept exactly what the
/// specification's framing allows and read back the bytes it was given. The configuration walk is
/// checked against a second walk that frames descriptors by `bLength` itself and hands each one to
/// the standalone parsers, and against its own re-encoding. An input that starts with a device
/// descriptor is also read as a descriptor set (device, configuration, strings) through
/// `USBDevice`, the way `readerbench doctor` reads a plugged-in reader.
enum CCIDTarget {
    static let target = FuzzTarget(
        name: "ccid-descriptor",
        summary: "USB device, configuration, interface and string descriptors and the CCID class descriptor: "
            + "each standalone parser accepts exactly what bLength/bDescriptorType framing allows and re-encodes "
            + "to the input; every strict prefix of what parses is refused at or before its end; errors name an "
            + "offset inside the input; the configuration walk agrees with a second walk built on the standalone "
            + "parsers (fields, CCID offsets, errors), re-encodes to a configuration that reads the same, and "
            + "round-trips through JSON; a device + configuration + strings set reads the same through USBDevice"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "ccid-descriptor")
        let all = array(bytes)
        try checkCCID(all, fingerprint(bytes), check)
        try checkDevice(all, check)
        try checkInterface(all, check)
        try checkString(all, check)
        try checkConfiguration(all, check)
        try checkDescriptorSet(all, check)
    }

    // MARK: - Errors

    /// What every rejection must look like: an offset between the first byte handed in and the end
    /// of the input, the input's size as the limit, and a message that starts with that offset.
    static func checkError(
        _ error: DescriptorError, count: Int, base: Int = 0, _ what: String, _ check: Checker
    ) throws(PropertyViolation) {
        try check.expect(
            error.offset >= base && error.offset <= base + count,
            "\(what): error offset \(error.offset) outside \(base)...\(base + count) (\(error))")
        try check.expect(error.limit == base + count, "\(what): error limit \(error.limit), input \(count) bytes")
        try check.expect(
            error.description.hasPrefix("offset \(error.offset): "), "\(what): message '\(error.description)'")
        if error.code == .trailingBytes {
            try check.expect(error.offset < error.limit, "\(what): trailing bytes reported at the end (\(error))")
        }
    }

    static func result<T>(_ body: () throws(DescriptorError) -> T) -> Result<T, DescriptorError> {
        do throws(DescriptorError) { return .success(try body()) } catch { return .failure(error) }
    }

    /// Every strict prefix of an accepted input is refused, at an offset no further than the cut.
    static func checkPrefixes<T>(
        _ all: [UInt8], _ what: String, _ check: Checker, parse: (Span<UInt8>) throws(DescriptorError) -> T
    ) throws(PropertyViolation) {
        // All of them for descriptor-sized inputs; the fuzzer's longest inputs get a sample.
        let cuts: [Int] =
            all.count <= 600 ? Array(0..<all.count) : (0..<64).map { $0 * all.count / 64 }
        for cut in cuts {
            let prefix = Array(all[..<cut])
            switch result({ () throws(DescriptorError) in try parse(prefix.span) }) {
            case .success: throw check.violation("\(what): the \(cut)-byte prefix of \(all.count) bytes parses")
            case .failure(let error): try checkError(error, count: cut, "\(what) prefix \(cut)", check)
            }
        }
    }

    // MARK: - CCID class descriptor

    static func checkCCID(_ all: [UInt8], _ hash: UInt64, _ check: Checker) throws(PropertyViolation) {
        let plain = result { () throws(DescriptorError) in try CCIDClassDescriptor(bytes: all.span) }
        let framed =
            all.count == CCIDClassDescriptor.length && all[0] == CCIDClassDescriptor.length
            && (all[1] == CCIDClassDescriptor.descriptorTypeCCID
                || all[1] == CCIDClassDescriptor.descriptorTypeProprietary)
        // The same bytes found deeper in a larger input: the same answer, every offset shifted.
        let base = Int(hash % 4096) + 1
        let shifted = result { () throws(DescriptorError) in
            try CCIDClassDescriptor(bytes: all.span, baseOffset: base)
        }
        switch (plain, shifted) {
        case (.success(let descriptor), .success(let again)):
            try check.expect(framed, "CCID: accepted \(all.count) bytes with bLength \(all[0]), type \(all[1])")
            try check.expect(again == descriptor, "CCID: baseOffset changed what was read")
            try check.expect(encode(descriptor) == all, "CCID: re-encodes to other bytes")
            _ = descriptor.exchangeLevel.map(\.description)
            _ = descriptor.protocols.description + descriptor.voltageSupport.description
            try checkPrefixes(all, "CCID", check) { (span) throws(DescriptorError) in
                try CCIDClassDescriptor(bytes: span)
            }
        case (.failure(let error), .failure(let again)):
            try check.expect(!framed, "CCID: refused a framed descriptor: \(error)")
            try checkError(error, count: all.count, "CCID", check)
            try checkError(again, count: all.count, base: base, "CCID at \(base)", check)
            try check.expect(
                again.code == error.code && again.offset == error.offset + base && again.field == error.field
                    && again.value == error.value,
                "CCID: at baseOffset \(base) the error is \(again), at 0 \(error)")
        default:
            throw check.violation("CCID: baseOffset \(base) changes acceptance: \(plain) vs \(shifted)")
        }
    }

    /// The 54 bytes of a CCID class descriptor, field by field.
    static func encode(_ d: CCIDClassDescriptor) -> [UInt8] {
        var out: [UInt8] = [UInt8(CCIDClassDescriptor.length), d.descriptorType]
        out += le(d.ccidRelease.rawValue) + [d.maxSlotIndex, d.voltageSupport.rawValue] + le(d.protocols.rawValue)
        out += le(d.defaultClockKHz) + le(d.maximumClockKHz) + [d.clockFrequencyCount]
        out += le(d.dataRate) + le(d.maxDataRate) + [d.dataRateCount] + le(d.maxIFSD)
        out += le(d.synchronousProtocols) + le(d.mechanical) + le(d.features.rawValue) + le(d.maxMessageLength)
        out += [d.classGetResponse, d.classEnvelope] + le(d.lcdLayout) + [d.pinSupport.rawValue, d.maxBusySlots]
        return out
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    // MARK: - Device descriptor

    static func checkDevice(_ all: [UInt8], _ check: Checker) throws(PropertyViolation) {
        let framed =
            all.count == USBDeviceDescriptor.length && all[0] == 18 && all[1] == USBDeviceDescriptor.descriptorType
        switch result({ () throws(DescriptorError) in try USBDeviceDescriptor(bytes: all.span) }) {
        case .success(let device):
            try check.expect(framed, "device: accepted \(all.count) bytes")
            try check.expect(encode(device) == all, "device: re-encodes to other bytes")
            try checkPrefixes(all, "device", check) { (span) throws(DescriptorError) in
                try USBDeviceDescriptor(bytes: span)
            }
        case .failure(let error):
            try check.expect(!framed, "device: refused a framed descriptor: \(error)")
            try checkError(error, count: all.count, "device", check)
        }
    }

    static func encode(_ d: USBDeviceDescriptor) -> [UInt8] {
        [UInt8(USBDeviceDescriptor.length), USBDeviceDescriptor.descriptorType] + le(d.usbRelease.rawValue)
            + [d.deviceClass.rawValue, d.deviceSubClass, d.deviceProtocol, d.maxPacketSize0] + le(d.vendorID)
            + le(d.productID) + le(d.deviceRelease.rawValue)
            + [d.manufacturerIndex, d.productIndex, d.serialNumberIndex, d.configurationCount]
    }

    // MARK: - Interface descriptor

    static func checkInterface(_ all: [UInt8], _ check: Checker) throws(PropertyViolation) {
        let framed =
            all.count >= 9 && Int(all[0]) == all.count && all[1] == USBConfiguration.interfaceDescriptorType
        switch result({ () throws(DescriptorError) in try USBInterface(bytes: all.span) }) {
        case .success(let interface):
            try check.expect(framed, "interface: accepted \(all.count) bytes with bLength \(all[0])")
            // bLength may exceed 9 (the extra bytes are the descriptor's, unread): the rest of the
            // first 9 bytes re-encodes.
            try check.expect(
                encode(interface).dropFirst() == all[1..<9], "interface: re-encodes to other bytes")
            try check.expect(
                interface.endpoints.isEmpty && interface.ccid == nil && interface.otherDescriptorTypes.isEmpty,
                "interface: a lone interface descriptor has attachments")
            try checkPrefixes(all, "interface", check) { (span) throws(DescriptorError) in
                try USBInterface(bytes: span)
            }
        case .failure(let error):
            try check.expect(!framed, "interface: refused a framed descriptor: \(error)")
            try checkError(error, count: all.count, "interface", check)
        }
    }

    /// The first 9 bytes of an interface descriptor (bLength 9).
    static func encode(_ i: USBInterface) -> [UInt8] {
        [9, USBConfiguration.interfaceDescriptorType, i.number, i.alternateSetting, i.endpointCount]
            + [i.interfaceClass.rawValue, i.subClass, i.interfaceProtocol, i.nameIndex]
    }

    // MARK: - String descriptor

    static func checkString(_ all: [UInt8], _ check: Checker) throws(PropertyViolation) {
        let framed =
            all.count >= 2 && Int(all[0]) == all.count && all.count % 2 == 0
            && all[1] == USBStringDescriptor.descriptorType
        let text = result { () throws(DescriptorError) in try USBStringDescriptor.text(bytes: all.span) }
        let languages = result { () throws(DescriptorError) in try USBStringDescriptor.languages(bytes: all.span) }
        switch (text, languages) {
        case (.success(let text), .success(let units)):
            try check.expect(framed, "string: accepted \(all.count) bytes with bLength \(all[0])")
            try check.expect(
                [UInt8(all.count), USBStringDescriptor.descriptorType] + units.flatMap { le($0) } == all,
                "string: the code units re-encode to other bytes")
            try check.expect(text == String(decoding: units, as: UTF16.self), "string: text and code units disagree")
            try checkPrefixes(all, "string", check) { (span) throws(DescriptorError) in
                try USBStringDescriptor.languages(bytes: span)
            }
        case (.failure(let error), .failure(let other)):
            try check.expect(!framed, "string: refused a framed descriptor: \(error)")
            try check.expect(
                error.code == other.code && error.offset == other.offset,
                "string: text says \(error), languages \(other)")
            try checkError(error, count: all.count, "string", check)
        default:
            throw check.violation("string: text and languages disagree on acceptance: \(text) vs \(languages)")
        }
    }

    // MARK: - Configuration

    static func checkConfiguration(_ all: [UInt8], _ check: Checker) throws(PropertyViolation) {
        let parsed = result { () throws(DescriptorError) in try USBConfiguration(bytes: all.span) }
        let expected = secondWalk(all)
        switch (parsed, expected) {
        case (.success(let configuration), .success(let walked)):
            try check.expect(configuration == walked, "configuration: the walks disagree:\n\(configuration)\n\(walked)")
        case (.failure(let error), .failure(let walked)):
            try checkError(error, count: all.count, "configuration", check)
            try check.expect(
                error.code == walked.code && error.offset == walked.offset,
                "configuration: refused with \(error), the second walk expects \(walked)")
            return
        default:
            throw check.violation("configuration: parsed \(parsed), the second walk gives \(expected)")
        }
        guard case .success(let configuration) = parsed else { return }

        for interface in configuration.interfaces {
            try check.expect(
                (interface.ccid == nil) == (interface.ccidOffset == nil), "configuration: CCID without offset or back")
            try check.expect(
                interface.ccid == nil || interface.interfaceClass == .smartCard
                    || interface.interfaceClass == .vendorSpecific,
                "configuration: a CCID descriptor on class \(interface.interfaceClass)")
        }
        try check.expect(
            configuration.ccidInterfaces.allSatisfy { $0.alternateSetting == 0 && $0.isCCID },
            "configuration: ccidInterfaces has an interface pcscd would not serve")

        // Canonical re-encoding: each interface, its CCID descriptor, its other class descriptors
        // (as 2-byte stubs), its endpoints. It reads back the same, and encodes the same again.
        let canonical = encode(configuration)
        guard let reread = try? USBConfiguration(bytes: canonical) else {
            throw check.violation("configuration: its re-encoding does not parse")
        }
        try check.expect(
            normalized(reread) == normalized(configuration), "configuration: the re-encoding reads differently")
        try check.expect(encode(reread) == canonical, "configuration: re-encoding is not stable")

        guard let json = try? JSONEncoder().encode(configuration) else {
            throw check.violation("configuration: does not encode to JSON")
        }
        let decoded = try? JSONDecoder().decode(USBConfiguration.self, from: json)
        try check.expect(decoded == configuration, "configuration: the JSON form does not decode back")

        try checkPrefixes(all, "configuration", check) { (span) throws(DescriptorError) in
            try USBConfiguration(bytes: span)
        }
    }

    /// The configuration as its documentation describes it, read a second way: descriptors framed
    /// by `bLength` here, and each interface and CCID class descriptor handed to its standalone
    /// parser. Errors are the documented ones: the header's type, then its `bLength` (at least 9),
    /// then the first header field cut off; a descriptor cut by the end of the input is truncated at
    /// its first byte; `bLength` below 2 (9 for interfaces, 7 for endpoints) is a bad length;
    /// `wTotalLength` must be the input's size.
    static func secondWalk(_ all: [UInt8]) -> Result<USBConfiguration, DescriptorError> {
        let count = all.count
        func fail(_ code: DescriptorError.Code, _ offset: Int) -> Result<USBConfiguration, DescriptorError> {
            .failure(DescriptorError(code, offset: offset, field: "", limit: count))
        }
        if count >= 2, all[1] != USBConfiguration.descriptorType { return fail(.unexpectedType, 1) }
        if count >= 1, all[0] < 9 { return fail(.badLength, 0) }
        // The first header field cut off: wTotalLength is the only one wider than a byte.
        if count < 9 { return fail(.truncated, count == 3 ? 2 : count) }
        if Int(all[0]) > count { return fail(.truncated, 0) }
        let totalLength = UInt16(all[2]) | UInt16(all[3]) << 8
        var interfaces: [USBInterface] = []
        var offset = Int(all[0])
        while offset < count {
            guard count - offset >= 2 else { return fail(.truncated, offset) }
            let length = Int(all[offset])
            let type = all[offset + 1]
            guard length >= 2 else { return fail(.badLength, offset) }
            guard offset + length <= count else { return fail(.truncated, offset) }
            let body = Array(all[offset..<(offset + length)])
            switch type {
            case USBConfiguration.interfaceDescriptorType:
                guard length >= 9, let interface = try? USBInterface(bytes: body) else {
                    return fail(.badLength, offset)
                }
                interfaces.append(interface)
            case USBConfiguration.endpointDescriptorType:
                guard length >= 7 else { return fail(.badLength, offset) }
                let endpoint = USBEndpoint(
                    address: body[2], attributes: body[3], maxPacketSize: UInt16(body[4]) | UInt16(body[5]) << 8,
                    interval: body[6])
                if !interfaces.isEmpty { interfaces[interfaces.count - 1].endpoints.append(endpoint) }
            default:
                guard !interfaces.isEmpty else { break }
                let last = interfaces.count - 1
                let candidate =
                    interfaces[last].ccid == nil
                    && (interfaces[last].interfaceClass == .smartCard
                        || interfaces[last].interfaceClass == .vendorSpecific)
                if candidate, let ccid = try? CCIDClassDescriptor(bytes: body) {
                    interfaces[last].ccid = ccid
                    interfaces[last].ccidOffset = offset
                } else {
                    interfaces[last].otherDescriptorTypes.append(type)
                }
            }
            offset += length
        }
        if Int(totalLength) != count { return fail(.totalLengthMismatch, 2) }
        return .success(
            USBConfiguration(
                totalLength: totalLength, interfaceCount: all[4], configurationValue: all[5],
                configurationIndex: all[6], attributes: all[7], maxPower: all[8], interfaces: interfaces))
    }

    static func encode(_ configuration: USBConfiguration) -> [UInt8] {
        var body: [UInt8] = []
        for interface in configuration.interfaces {
            body += encode(interface)
            if let ccid = interface.ccid { body += encode(ccid) }
            for type in interface.otherDescriptorTypes { body += [2, type] }
            for endpoint in interface.endpoints {
                body += [7, USBConfiguration.endpointDescriptorType, endpoint.address, endpoint.attributes]
                body += le(endpoint.maxPacketSize) + [endpoint.interval]
            }
        }
        let total = UInt16(truncatingIfNeeded: 9 + body.count)
        return [9, USBConfiguration.descriptorType] + le(total)
            + [
                configuration.interfaceCount, configuration.configurationValue, configuration.configurationIndex,
                configuration.attributes, configuration.maxPower,
            ] + body
    }

    /// A configuration without what depends on where its descriptors sat.
    static func normalized(_ configuration: USBConfiguration) -> USBConfiguration {
        var copy = configuration
        copy.totalLength = 0
        for index in copy.interfaces.indices { copy.interfaces[index].ccidOffset = nil }
        return copy
    }

    // MARK: - Descriptor set

    /// A device descriptor, the configuration after it (`wTotalLength` bytes, or what is left),
    /// then string descriptors at indexes 0, 1, 2… (0 being the language list): read through
    /// `USBDevice` as the doctor reads a snapshot, it agrees with the parts read alone.
    static func checkDescriptorSet(_ all: [UInt8], _ check: Checker) throws(PropertyViolation) {
        guard all.count >= 18, all[0] == 18, all[1] == USBDeviceDescriptor.descriptorType else { return }
        let deviceBytes = Array(all[..<18])
        var rest = all[18...]
        var configurationBytes: [UInt8]?
        if rest.count >= 4, rest[rest.startIndex + 1] == USBConfiguration.descriptorType {
            let total = Int(rest[rest.startIndex + 2]) | Int(rest[rest.startIndex + 3]) << 8
            configurationBytes = Array(rest.prefix(total))
            rest = rest.dropFirst(total)
        }
        var strings: [UInt8: String] = [:]
        var index = 0
        while rest.count >= 2, index < 256 {
            let length = Int(rest[rest.startIndex])
            guard length >= 2, length <= rest.count else { break }
            let descriptor = Array(rest.prefix(length))
            if index > 0, let text = try? USBStringDescriptor.text(bytes: descriptor.span) {
                strings[UInt8(index)] = text
            }
            rest = rest.dropFirst(length)
            index += 1
        }
        let snapshot = USBDeviceSnapshot(
            bus: 1, address: 4, portPath: [2], speed: .full, deviceDescriptor: deviceBytes,
            configuration: configurationBytes, strings: strings)
        let device = try? USBDeviceDescriptor(bytes: deviceBytes)
        let configuration = configurationBytes.map { try? USBConfiguration(bytes: $0) }
        let whole = result { () throws(DescriptorError) in try USBDevice(snapshot) }
        switch whole {
        case .success(let parsed):
            try check.expect(parsed.descriptor == device, "set: USBDevice read another device descriptor")
            try check.expect(
                parsed.configuration == configuration ?? nil, "set: USBDevice read another configuration")
            try check.expect(
                parsed.ccidInterfaces == (parsed.configuration?.ccidInterfaces ?? []), "set: ccidInterfaces differ")
            try check.expect(
                parsed.manufacturer
                    == (parsed.descriptor.manufacturerIndex == 0 ? nil : strings[parsed.descriptor.manufacturerIndex]),
                "set: the manufacturer string")
            _ = parsed.usbID + parsed.snapshot.location + parsed.snapshot.deviceNode
            _ = parsed.maxPowerMilliamps
            for interface in parsed.interfaces { _ = parsed.name(of: interface) }
        case .failure(let error):
            try check.expect(
                device == nil || configuration.map { $0 == nil } == true,
                "set: USBDevice refused parts that parse alone: \(error)")
        }
    }
}
