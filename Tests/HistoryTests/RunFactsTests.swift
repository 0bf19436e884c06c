import History
import Results
import Testing

@Suite struct RunFactsTests {
    @Test("the default database follows READERBENCH_HISTORY_DB, then XDG_DATA_HOME, then ~/.local/share")
    func defaultPath() {
        #expect(
            HistoryLocation.defaultPath(environment: ["READERBENCH_HISTORY_DB": "/x/h.db", "HOME": "/home/a"])
                == "/x/h.db")
        #expect(
            HistoryLocation.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/a"])
                == "/data/readerbench/history.sqlite")
        #expect(
            HistoryLocation.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/a"])
                == "/home/a/.local/share/readerbench/history.sqlite")
    }

    @Test("firmware comes from the driver, the USB release, or the USB model key")
    func firmware() {
        let withUSB = Fixture.reader(
            id: 0, name: "SONY FeliCa RC-S300/P 00 00", usbKey: "usb:054c:0dc9@1.00", serial: "1")
        #expect(RunFingerprint.firmware(of: withUSB.reader) == "1.00")
        let keyOnly = Fixture.reader(id: 0, name: "SONY FeliCa RC-S300/P 00 00", usbKey: "usb:054c:0dc9@2.10")
        #expect(RunFingerprint.firmware(of: keyOnly.reader) == "2.10")
        #expect(RunFingerprint.firmware(of: Fixture.reader(id: 0, name: "Virtual PCD 00 00").reader) == nil)
    }

    @Test("a run's fingerprint is its header's: the same header, the same run")
    func fingerprint() {
        let header = Fixture.header()
        #expect(RunFingerprint.of(header) == RunFingerprint.of(header))
        #expect(RunFingerprint.of(header).count == 64)
        #expect(RunFingerprint.of(header) != RunFingerprint.of(Fixture.header(createdAt: "2025-11-22T02:27:01Z")))
    }
}
