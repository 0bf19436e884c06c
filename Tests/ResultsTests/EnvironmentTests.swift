import RunModel
import Foundation
import Results
import Testing

@Suite("Environment")
struct EnvironmentTests {
    @Test("this machine's environment names its kernel, machine and processors")
    func currentIsSane() throws {
        let environment = Environment.current(pcscLiteVersion: "2.0.0")
        #expect(environment.cpuCount >= 1)
        #expect(environment.kernel?.isEmpty == false)
        #expect(environment.machine?.isEmpty == false)
        #expect(environment.pcscLiteVersion == "2.0.0" && environment.openSSLVersion == nil)
        if FileManager.default.fileExists(atPath: "/etc/os-release") {
            let os = try #require(environment.os)
            #expect(!os.isEmpty && !os.hasPrefix("\""))
        }
    }

    @Test("PRETTY_NAME is found and unquoted, whichever quotes os-release uses")
    func prettyName() {
        let text = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"
        #expect(Environment.prettyName(osRelease: text) == "Debian GNU/Linux 12 (bookworm)")
        #expect(Environment.prettyName(osRelease: "PRETTY_NAME='Alpine Linux v3.20'") == "Alpine Linux v3.20")
        #expect(Environment.prettyName(osRelease: "PRETTY_NAME=Plain") == "Plain")
        #expect(Environment.prettyName(osRelease: "NAME=x\n") == nil)
        #expect(Environment.prettyName(osRelease: "PRETTY_NAME=\"\"") == nil)
    }

    @Test("the CPU model is the first model name line, and absent when there is none")
    func cpuModel() {
        let text =
            "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"
            + "processor\t: 1\nmodel name\t: other\n"
        #expect(Environment.cpuModelName(cpuInfo: text) == "AMD EPYC 7B13")
        #expect(Environment.cpuModelName(cpuInfo: "processor : 0\nBogoMIPS : 50.00\n") == nil)
        #expect(Environment.cpuModelName(cpuInfo: "") == nil)
    }
}
