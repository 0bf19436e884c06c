import CCID
import CardIdentity
import ReaderCatalog
import ReaderMatching

// MARK: - Diagnosis

/// Finds the USB smart-card readers pcscd does not show, and says why.
public enum ReaderDoctor {
    /// Diagnoses the devices of one USB inventory against what PC/SC said.
    ///
    /// - Parameters:
    ///   - snapshots: every USB device seen (the doctor picks the ones that may be readers).
    ///   - usbStatement: the inventory's sentence ("libusb 1.0.26 found no USB devices: …").
    ///   - pcsc: pcscd's readers, or why there are none.
    ///   - listOthers: also list the devices that are not readers (`doctor --all`).
    public static func diagnose(
        snapshots: [USBDeviceSnapshot], usbStatement: String, pcsc: PCSCState, listOthers: Bool = false
    ) -> DoctorReport {
        var candidates: [(USBDeviceSnapshot, USBDevice?, DescriptorError?)] = []
        var others: [USBDeviceSummary] = []
        for snapshot in snapshots {
            do {
                let device = try USBDevice(snapshot)
                if mayBeReader(device) {
                    candidates.append((snapshot, device, nil))
                } else if listOthers {
                    others.append(summary(device))
                }
            } catch {
                if let descriptor = try? USBDeviceDescriptor(bytes: snapshot.deviceDescriptor),
                    isKnownReader(vendorID: descriptor.vendorID, productID: descriptor.productID)
                {
                    candidates.append((snapshot, nil, error))
                }
            }
        }

        let readers: [ReaderIdentity]
        let pcscSentence: String
        let running: Bool
        switch pcsc {
        case .running(let list):
            readers = list
            running = true
            pcscSentence = "pcscd is running and shows \(list.count) reader\(list.count == 1 ? "" : "s")"
        case .notRunning(let detail):
            readers = []
            running = false
            pcscSentence = "pcscd is not running (\(detail))"
        case .failed(let detail):
            readers = []
            running = false
            pcscSentence = "PC/SC could not be asked (\(detail))"
        }

        let parsed = candidates.compactMap(\.1)
        let outcome = ReaderMatcher.match(readers: readers, devices: parsed)
        var shown: [USBDevice: [ShownReader]] = [:]
        for match in outcome.matches {
            shown[parsed[match.deviceIndex], default: []].append(
                ShownReader(name: match.readerName, evidence: match.evidence.map(\.rawValue)))
        }
        for (reader, indexes) in outcome.ambiguousReaders.sorted(by: { $0.key < $1.key }) {
            for index in indexes {
                shown[parsed[index], default: []].append(ShownReader(name: reader, evidence: ["ambiguous"]))
            }
        }

        var diagnoses: [DeviceDiagnosis] = []
        for (snapshot, device, error) in candidates {
            let readersShown = device.flatMap { shown[$0] } ?? []
            diagnoses.append(
                diagnosis(snapshot, device, error, shownAs: readersShown, pcsc: pcsc))
        }
        let withoutDevice = outcome.unmatchedReaders.map {
            ShownReader(name: $0, evidence: [])
        }
        let hidden = diagnoses.filter { !$0.shownByPCSC }.count
        let summary: String
        if diagnoses.isEmpty {
            summary = "no USB smart-card reader found"
        } else if hidden == 0 {
            summary = "pcscd shows all \(diagnoses.count) USB smart-card reader\(diagnoses.count == 1 ? "" : "s")"
        } else {
            summary =
                "pcscd does not show \(hidden) of \(diagnoses.count) USB smart-card reader\(diagnoses.count == 1 ? "" : "s")"
        }
        return DoctorReport(
            usb: usbStatement, pcsc: pcscSentence, pcscdRunning: running, devices: diagnoses,
            readersWithoutUSBDevice: withoutDevice, summary: summary, otherDevices: listOthers ? others : nil)
    }

    /// A device that is not a reader, in brief.
    static func summary(_ device: USBDevice) -> USBDeviceSummary {
        let classes =
            device.interfaces.isEmpty
            ? [device.descriptor.deviceClass.description] : device.interfaces.map(\.interfaceClass.description)
        return USBDeviceSummary(
            usbID: device.usbID, release: device.deviceRelease.description, manufacturer: device.manufacturer,
            product: device.product, serialNumber: device.serialNumber, location: device.snapshot.location,
            speed: device.snapshot.speed.description, maxPowerMilliamps: device.maxPowerMilliamps, classes: classes)
    }

    // MARK: - Which devices

    /// A smart-card class interface, a CCID class descriptor, or ids the catalog knows.
    static func mayBeReader(_ device: USBDevice) -> Bool {
        device.interfaces.contains { $0.interfaceClass == .smartCard || $0.ccid != nil }
            || isKnownReader(vendorID: device.vendorID, productID: device.productID)
    }

    static func isKnownReader(vendorID: UInt16, productID: UInt16) -> Bool {
        !ReaderCatalog.driverListings(vendorID: vendorID, productID: productID).isEmpty
            || ReaderCatalog.vendorDriverReader(vendorID: vendorID, productID: productID) != nil
    }

    // MARK: - One device

    static func diagnosis(
        _ snapshot: USBDeviceSnapshot, _ device: USBDevice?, _ error: DescriptorError?, shownAs: [ShownReader],
        pcsc: PCSCState
    ) -> DeviceDiagnosis {
        let descriptor = device?.descriptor ?? (try? USBDeviceDescriptor(bytes: snapshot.deviceDescriptor))
        let vendorID = descriptor?.vendorID ?? 0
        let productID = descriptor?.productID ?? 0
        let release = descriptor?.deviceRelease ?? USBRelease(rawValue: 0)
        let listings = ReaderCatalog.driverListings(vendorID: vendorID, productID: productID)
        let vendorDriver = ReaderCatalog.vendorDriverReader(vendorID: vendorID, productID: productID)
        let ccid = device?.ccidInterfaces ?? []
        let kind: String
        if device == nil {
            kind = "unreadable"
        } else if ccid.contains(where: { $0.interfaceClass == .smartCard }) {
            kind = "ccid"
        } else if !ccid.isEmpty {
            kind = "vendor-class with CCID descriptor"
        } else {
            kind = device!.interfaces.contains { $0.interfaceClass == .smartCard } ? "smart-card class" : "vendor-class"
        }

        var reasons: [DoctorFinding] = []
        if shownAs.isEmpty {
            reasons = whyHidden(
                snapshot, device, error, kind: kind, listings: listings, vendorDriver: vendorDriver, pcsc: pcsc)
        }
        var flags: [DoctorFinding] = []
        if snapshot.hubsInBetween > 1 {
            flags.append(
                DoctorFinding(
                    .behindHubs, "behind \(snapshot.hubsInBetween) hubs (port path \(snapshot.location))",
                    hint: "readers misbehave behind some hubs, USB-C hubs in particular; plug it into the computer"))
        }
        if snapshot.speed == .low {
            flags.append(
                DoctorFinding(
                    .lowSpeed, "low-speed link (1.5 Mbit/s)",
                    hint:
                        "CCID readers use full speed (12 Mbit/s) or better; a low-speed link points at the cable, hub or port"
                ))
        }
        return DeviceDiagnosis(
            usbID: hex16(vendorID) + ":" + hex16(productID), release: release.description,
            modelKey: ModelKey.usbDevice(vendorID: vendorID, productID: productID, deviceRelease: release.rawValue)
                .description,
            manufacturer: device?.manufacturer, product: device?.product, serialNumber: device?.serialNumber,
            knownAs: listings.first?.name ?? vendorDriver?.name, kind: kind, location: snapshot.location,
            hubsInBetween: snapshot.hubsInBetween, speed: snapshot.speed.description,
            maxPowerMilliamps: device?.maxPowerMilliamps,
            exchangeLevels: ccid.map { $0.ccid?.exchangeLevel?.rawValue ?? "undefined" }, shownAs: shownAs,
            reasons: reasons, flags: flags)
    }

    /// Every reason that applies, the device's own first (they stay true once pcscd runs), then
    /// pcscd's state, then access; `not-claimed` only when nothing else explains it.
    static func whyHidden(
        _ snapshot: USBDeviceSnapshot, _ device: USBDevice?, _ error: DescriptorError?, kind: String,
        listings: [ReaderCatalog.DriverListing], vendorDriver: ReaderCatalog.VendorDriverReader?, pcsc: PCSCState
    ) -> [DoctorFinding] {
        var reasons: [DoctorFinding] = []
        let claimed = listings.contains { $0.section == .supported || $0.section == .shouldWork }
        if let error {
            reasons.append(DoctorFinding(.descriptorUnreadable, "its USB descriptors do not parse: \(error)"))
        }
        switch kind {
        case "vendor-class":
            reasons.append(
                DoctorFinding(
                    .vendorClassNoCCID, "vendor-class device with no CCID descriptor",
                    hint: "needs the vendor's driver" + (vendorDriver.map { " (\($0.name): \($0.note))" } ?? "")))
        case "smart-card class":
            reasons.append(
                DoctorFinding(
                    .ccidDescriptorMissing, "smart-card class interface without a CCID class descriptor",
                    hint: "the CCID driver reads that descriptor to talk to the reader"))
        case "vendor-class with CCID descriptor" where !claimed:
            reasons.append(
                DoctorFinding(
                    .vendorClassNotListed,
                    "vendor-class device with a CCID descriptor that the CCID driver does not list",
                    hint: "the CCID driver claims a vendor-class device only when its list names the ids"))
        default:
            break
        }
        if !claimed {
            if listings.contains(where: { $0.section == .unsupported }) {
                reasons.append(
                    DoctorFinding(
                        .driverUnsupported, "the CCID driver lists it as unsupported",
                        hint: "listed in the unsupported section of the driver's supported_readers.txt"))
            }
            if listings.contains(where: { $0.section == .disabled }) {
                reasons.append(
                    DoctorFinding(
                        .driverDisabled, "the CCID driver disables it",
                        hint: "listed, commented out, in the disabled section of the driver's supported_readers.txt"))
            }
        }
        switch pcsc {
        case .running: break
        case .notRunning:
            reasons.append(
                DoctorFinding(.pcscdNotRunning, "pcscd is not running", hint: "no reader is shown without it"))
        case .failed(let detail):
            reasons.append(DoctorFinding(.pcscFailed, "PC/SC could not be asked: \(detail)"))
        }
        if snapshot.openError == .access {
            reasons.append(
                DoctorFinding(
                    .noPermission, "no permission to open \(snapshot.deviceNode) (LIBUSB_ERROR_ACCESS)",
                    hint: "pcscd needs read-write access to the device node too; the CCID driver's udev rule grants it")
            )
        } else if snapshot.openError == .busy {
            reasons.append(
                DoctorFinding(
                    .deviceBusy, "another program or kernel driver holds the device (LIBUSB_ERROR_BUSY)",
                    hint: "while it does, the CCID driver cannot claim the interface"))
        }
        if reasons.isEmpty, case .running = pcsc {
            reasons.append(
                DoctorFinding(
                    .notClaimed, "pcscd runs but shows no reader for it",
                    hint: "the CCID driver should serve it; it may be missing, or it failed to open the device"))
        }
        return reasons
    }
}
