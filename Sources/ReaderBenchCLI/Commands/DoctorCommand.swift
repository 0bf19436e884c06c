import ArgumentParser
import CCID
import CardIdentity
import CardTransport
import Foundation
import PCSC
import ReaderDoctor
import USBDevices

/// `readerbench doctor`: USB smart-card readers that pcscd does not show, and why.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Find USB smart-card readers that pcscd does not show, and say why.",
        discussion: """
            Lists the USB devices that are or may be smart-card readers (libusb), ties each to the PC/SC \
            readers pcscd shows, and for each one pcscd does not show says why: a vendor-class device with no \
            CCID descriptor (needs the vendor's driver, as the Sony RC-S380 does), a device the CCID driver lists \
            as unsupported or disabled, no pcscd running, no permission to open the device. Also flags readers \
            behind more than one hub and low-speed links. Finding problems is the command's job, so it exits 0 \
            whenever it could look; a machine without USB gives an empty list and says so.
            """)

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Also list the USB devices that are not smart-card readers.") var all = false

    func run() throws {
        // With --all, strings are read from every device but hubs; else from possible readers only.
        let inventory = USBInventory.take(
            readStrings: all ? { device, _ in device.deviceClass != .hub } : USBInventory.mayBeReader)
        let report = ReaderDoctor.diagnose(
            snapshots: inventory.devices, usbStatement: inventory.statement, pcsc: Self.pcscState(), listOthers: all)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(report.text)
        let codes = Set(report.devices.flatMap { $0.reasons.map(\.code) })
        var suggestions: [String] = []
        if codes.contains(.pcscdNotRunning) {
            suggestions.append(
                "start pcscd: `sudo systemctl start pcscd.socket`, or `sudo pcscd --foreground` to watch it")
        }
        if codes.contains(.noPermission) {
            suggestions.append(
                "check the device node's owner and mode: `ls -l /dev/bus/usb/*/*`; run doctor with sudo to read its strings"
            )
        }
        if codes.contains(.notClaimed) {
            suggestions.append(
                "check that the CCID driver is installed (`dpkg -s libccid`) and watch `sudo pcscd --foreground --debug` while plugging the reader in"
            )
        }
        if !suggestions.isEmpty {
            print("")
            for suggestion in suggestions { print("Next: " + suggestion) }
        }
    }

    /// What pcscd shows, with each reader's identity (vendor attributes and part 10 properties).
    static func pcscState() -> PCSCState {
        let context: PCSCContext
        do { context = try PCSCContext() } catch {
            return error.kind == .serviceUnavailable
                ? .notRunning(detail: error.name) : .failed(detail: error.description)
        }
        let names: [String]
        do { names = try context.readerNames() } catch { return .failed(detail: error.description) }
        var readers: [ReaderIdentity] = []
        for name in names {
            readers.append(
                (try? context.connectDirect(reader: name).readerIdentity())
                    ?? ReaderIdentity(name: name, attributes: ReaderAttributes()))
        }
        return .running(readers: readers)
    }
}
