import RunModel
import Foundation
import Results
import RigSupport
import Testing

/// `readerbench run` end to end: the executable, the simulated card it serves on a free vpcd slot,
/// the real pcscd, and the files it writes.
@Suite("readerbench run through pcscd and the simulated card", .serialized, Rig.enabled)
struct RunCommandTests {
    @Test(
        "every scenario completes cold and warm, and the result file holds every iteration and the summary",
        arguments: ["pin", "visual", "text"])
    func scenariosComplete(scenario: String) throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let csv = folder.appendingPathComponent("samples.csv").path
        let outcome = try CLI.run([
            "run", "--simulate", "--scenario", scenario, "--iterations", "8", "--warmup", "1", "--out", out, "--csv",
            csv,
            "--quiet",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("Virtual PCD"), "it must measure through the virtual reader: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        #expect(file.header.readers[0].card.source == .simulatedVPCD)
        #expect(file.header.readers[0].card.simulated?.modelled == true)
        #expect(file.iterations.count == 18)
        let summary = try #require(file.summary)
        for mode in [summary.warm, summary.cold] {
            let mode = try #require(mode)
            #expect(mode.iterations == 8 && mode.succeeded == 8)
            #expect(mode.total != nil)
        }
        #expect(outcome.stdout.contains("warm: 8 iterations, 8 succeeded"))
        #expect(outcome.stdout.contains("cold: 8 iterations, 8 succeeded"))
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 1 + file.iterations.reduce(0) { $0 + $1.apdus.count })
    }

    @Test("the result header keeps the name key and says the virtual reader's capabilities are unknown")
    func readerKeysAndCapabilities() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run([
            "run", "--simulate", "--scenario", "visual", "--iterations", "2", "--warmup", "0", "--out", out, "--quiet",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(
            outcome.stderr.contains("readerbench: reader 0: reader capabilities unknown"), "stderr: \(outcome.stderr)")
        let reader = try ResultFile.load(out).header.readers[0].reader
        #expect(reader.nameModelKey == "name:Virtual PCD")
        #expect(reader.usbModelKey == nil && reader.usb == nil)
        #expect(reader.capabilities?.source == "unknown")
        #expect(reader.capabilities?.warnings.isEmpty == true)
    }

    @Test("a wrong PIN stops the run at the first VERIFY, says how many tries are left, and never retries")
    func wrongPINStops() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run(
            [
                "run", "--simulate", "--scenario", "pin", "--iterations", "5", "--warmup", "0", "--warm",
                "--pin-env", "RB_TEST_PIN", "--out", out, "--quiet",
            ],
            environment: ["RB_TEST_PIN": "9876"])
        #expect(outcome.status == 4, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("2 tries left"), "stdout: \(outcome.stdout)")
        #expect(!outcome.stdout.contains("9876") && !outcome.stderr.contains("9876"))
        let file = try ResultFile.load(out)
        #expect(file.summary?.stopReason == .pinStopped)
        #expect(file.iterations.count == 1)
        let verifyKind = try #require(file.header.labels.apduKinds.firstIndex(of: "VERIFY"))
        #expect(file.iterations[0].apdus.filter { $0.kind == verifyKind }.count == 1)
        let raw = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!raw.contains("9876"))
    }

    @Test("a mute card times out: the run stops, says which step, and the file keeps every finished iteration")
    func muteCardTimesOut() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        // The visual path sends 10 commands per iteration (SELECT AP, SELECT EF, header, 7 chunks):
        // command 20 is the last of the second iteration, so one iteration finishes first.
        let outcome = try CLI.run(
            [
                "run", "--simulate", "--scenario", "visual", "--iterations", "5", "--warmup", "0", "--warm",
                "--fault", "mute-on:20", "--timeout", "400", "--out", out, "--quiet",
            ], environment: CLI.abandonsAWorker, timeout: 60)
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("did not complete within the 400 ms timeout"), "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        #expect(file.summary?.stopReason == .timeout)
        // The finished iteration, then the one that hung, recorded as a timeout at its step.
        #expect(file.iterations.count == 2)
        #expect(file.iterations.first?.ok == true)
        #expect(file.iterations.last?.failure?.cause == .timeout)
        #expect(file.iterations.last?.failure?.step == "READ certificate")
    }

    @Test("Ctrl-C mid-run stops after the current iteration and leaves a complete, valid result file")
    func interruptLeavesValidFile() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let (process, stdout, stderr) = try CLI.start([
            "run", "--simulate", "--scenario", "visual", "--iterations", "1000", "--warmup", "0", "--warm",
            "--interval", "20", "--out", out, "--quiet",
        ])
        // Wait until some iterations are on disk, then interrupt.
        var seen = 0
        Poll.until {
            seen = (try? ResultFile.load(out).iterations.count) ?? 0
            return seen >= 5
        }
        #expect(seen >= 5, "no iterations were written before the interrupt")
        process.interrupt()
        let outcome = CLI.finish(process, stdout, stderr, timeout: 30)
        #expect(outcome.status == 0 && !outcome.uncaughtSignal, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        #expect(file.summary?.stopReason == .interrupted)
        #expect(file.iterations.count >= seen && file.iterations.count < 1000)
        #expect(file.summary?.warm?.iterations == file.iterations.count)
    }
}

/// The simulated card in-process, when no rig is wanted: still a complete run, labelled as
/// measuring the harness only. Needs no pcscd.
@Suite("readerbench run without a reader")
struct InProcessRunTests {
    @Test("the default scenario runs in-process when forced, and says it measures the harness, not a reader")
    func inProcessRunSaysWhatItMeasures() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run([
            "run", "--in-process", "--iterations", "5", "--warmup", "0", "--warm", "--out", out, "--quiet",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("THE HARNESS ONLY, NOT A READER"))
        let file = try ResultFile.load(out)
        #expect(file.header.readers[0].card.source == .simulatedInProcess)
        #expect(file.summary?.warm?.succeeded == 5)
    }
}
