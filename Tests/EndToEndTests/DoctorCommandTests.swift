import Foundation
import Testing

/// `readerbench doctor` end to end: the real libusb and whatever PC/SC state the machine is in.
/// The machines this project is built on have no USB bus, so the device list is empty there;
/// pcscd may or may not run, so these tests hold either way.
@Suite("readerbench doctor")
struct DoctorCommandTests {
    static let hasUSBBus = FileManager.default.fileExists(atPath: "/dev/bus/usb")

    @Test("text: says what libusb and PC/SC found and ends with a summary; exits 0")
    func text() throws {
        let outcome = try CLI.run(["doctor"], timeout: 60)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(!outcome.uncaughtSignal)
        #expect(outcome.stdout.hasPrefix("USB    libusb 1."))
        #expect(outcome.stdout.contains("\nPC/SC  "))
        #expect(outcome.stdout.contains("Summary: "))
        if !Self.hasUSBBus {
            #expect(outcome.stdout.contains("/dev/bus/usb is absent"))
            #expect(outcome.stdout.contains("Summary: no USB smart-card reader found."))
        }
    }

    @Test("--json: the report as JSON; no USB bus gives an empty device list, not an error")
    func json() throws {
        let outcome = try CLI.run(["doctor", "--json"], timeout: 60)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let devices = try #require(object["devices"] as? [Any])
        #expect(object["pcscdRunning"] is Bool)
        #expect((object["usb"] as? String)?.hasPrefix("libusb 1.") == true)
        if !Self.hasUSBBus {
            #expect(devices.isEmpty)
            #expect(object["summary"] as? String == "no USB smart-card reader found")
        }
    }
}
