// MARK: - Text

extension DoctorReport {
    /// The report for people: USB and PC/SC state, each smart-card reader with where it is and
    /// whether pcscd shows it (and if not, why), connection warnings, readers with no USB device,
    /// and a summary line.
    public var text: String {
        var lines: [String] = ["USB    \(usb)", "PC/SC  \(pcsc)", ""]
        for device in devices {
            let name = device.knownAs ?? [device.manufacturer, device.product].compactMap { $0 }.joined(separator: " ")
            var place = "at \(device.location), \(device.speed)"
            if let power = device.maxPowerMilliamps { place += ", \(power) mA" }
            lines.append(
                "\(device.usbID) \(name.isEmpty ? "(no name read)" : name), release \(device.release), \(place)")
            lines.append("  model   \(device.modelKey) (\(device.kind)\(levels(device)))")
            if device.shownByPCSC {
                for reader in device.shownAs {
                    lines.append("  shown   \"\(reader.name)\" (matched by \(reader.evidence.joined(separator: ", ")))")
                }
            } else {
                lines.append("  NOT SHOWN by pcscd:")
                for reason in device.reasons { lines.append("    - " + sentence(reason)) }
            }
            for flag in device.flags { lines.append("  warning " + sentence(flag)) }
            lines.append("")
        }
        if let otherDevices, !otherDevices.isEmpty {
            lines.append("Other USB devices:")
            for device in otherDevices {
                let name = [device.manufacturer, device.product].compactMap { $0 }.joined(separator: " ")
                var line = "  \(device.usbID) \(name.isEmpty ? "(no name read)" : name), release \(device.release), "
                line += "at \(device.location), \(device.speed)"
                if let power = device.maxPowerMilliamps { line += ", \(power) mA" }
                if let serial = device.serialNumber { line += ", serial \(serial)" }
                lines.append(line + ", class " + device.classes.joined(separator: "/"))
            }
            lines.append("")
        }
        if !readersWithoutUSBDevice.isEmpty {
            lines.append(
                "PC/SC readers with no USB device behind them (virtual or non-USB readers, or not visible to libusb):")
            for reader in readersWithoutUSBDevice { lines.append("  \(reader.name)") }
            lines.append("")
        }
        lines.append("Summary: \(summary).")
        return lines.joined(separator: "\n")
    }

    private func sentence(_ finding: DoctorFinding) -> String {
        finding.hint.map { "\(finding.message): \($0)" } ?? finding.message
    }

    private func levels(_ device: DeviceDiagnosis) -> String {
        device.exchangeLevels.isEmpty ? "" : "; " + device.exchangeLevels.joined(separator: ", ")
    }
}
