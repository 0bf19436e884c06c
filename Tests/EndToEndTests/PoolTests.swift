import Foundation
import Glibc
import Measurement
import Results
import RigSupport
import RunModel
import Testing

/// Reader pools end to end: `readerbench simulate --readers N` serves a card in each of the rig's
/// readers (its own process, as a real deployment's cards are not the tool's), and `run` measures
/// them through the real pcscd, surviving what a long trial meets.
@Suite("reader pools through pcscd", .serialized, Rig.enabled)
struct PoolTests {
    /// Serves `simulate` with `arguments` until `body` returns, after every served reader shows its card.
    func whileServing<R>(_ arguments: [String], readers: [String], _ body: () throws -> R) throws -> R {
        for reader in readers {
            try Rig.requireReader(reader)
            guard try Rig.waitForCard(in: reader, present: false) else {
                throw Rig.Unavailable(description: "\(reader) still holds a card; the slot is not free")
            }
        }
        let (process, out, err) = try CLI.start(["simulate"] + arguments)
        defer {
            process.interrupt()
            _ = CLI.finish(process, out, err, timeout: 10)
            for reader in readers { _ = try? Rig.waitForCard(in: reader, present: false) }
        }
        for reader in readers {
            guard try Rig.waitForCard(in: reader, present: true) else {
                throw Rig.Unavailable(description: "the simulated card did not appear in \(reader)")
            }
        }
        return try body()
    }

    var fourReaders: [String] { Array(Rig.readers.prefix(4)) }

    @Test("four readers in round-robin: one result document, every reader's iterations, a side-by-side table")
    func roundRobinPool() throws {
        try #require(
            Rig.readers.count >= 4, "the rig must run with 4 readers (scripts/virtual-reader start --readers 4)")
        let out = try CLI.temporaryDirectory().appendingPathComponent("pool.json").path
        let outcome = try whileServing(["--readers", "4", "--profiles", "instant,fixed-2ms"], readers: fourReaders) {
            try CLI.run([
                "run", "--readers", "all", "--scenario", "visual", "--iterations", "12", "--warmup", "1", "--warm",
                "--out", out, "--quiet",
            ])
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        #expect(file.header.version == 2)
        #expect(file.header.run.schedule == .roundRobin)
        #expect(Set(file.readers.map(\.reader.name)) == Set(fourReaders))
        let summary = try #require(file.summary)
        #expect(summary.readers.count == 4)
        var medians: [String: UInt64] = [:]
        for entry in summary.readers {
            let warm = try #require(entry.warm)
            #expect(warm.iterations == 12 && warm.succeeded == 12)
            #expect(entry.stopReason == .completed)
            let name = try #require(file.readers.first { $0.id == entry.reader }?.reader.name)
            medians[name] = try #require(warm.total).p50
        }
        // Slots 1 and 3 serve fixed-2ms (ten exchanges of at least 2 ms each), slots 0 and 2 instant.
        for (instant, delayed) in [(0, 1), (2, 3)] {
            let fast = try #require(medians[fourReaders[instant]])
            let slow = try #require(medians[fourReaders[delayed]])
            #expect(
                slow >= 20_000_000 && slow > fast,
                "\(fourReaders[delayed]) \(slow) ns vs \(fourReaders[instant]) \(fast) ns")
        }
        // Round-robin: every reader's iteration k comes before any reader's iteration k + 2.
        let order = file.iterations.map { ($0.reader, $0.index) }
        for (position, (_, index)) in order.enumerated() {
            #expect(!order[..<position].contains { $0.1 >= index + 2 }, "iterations out of turn: \(order)")
        }
        #expect(outcome.stdout.contains("side by side"))
    }

    @Test("a mute card on one reader abandons that reader only; the others finish and the file is complete")
    func muteReaderIsAbandoned() throws {
        let readers = Array(Rig.readers.prefix(2))
        let out = try CLI.temporaryDirectory().appendingPathComponent("mute.json").path
        let outcome = try whileServing(["--readers", "2", "--reader-fault", "1=mute-on:25"], readers: readers) {
            try CLI.run(
                [
                    "run", "--readers", "all", "--schedule", "parallel", "--scenario", "visual", "--iterations", "10",
                    "--warmup", "0", "--warm", "--timeout", "500", "--out", out, "--quiet",
                ], environment: CLI.abandonsAWorker)
        }
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        let summary = try #require(file.summary)
        let healthy = try #require(summary.readers.first { file.readers[$0.reader].reader.name == readers[0] })
        let mute = try #require(summary.readers.first { file.readers[$0.reader].reader.name == readers[1] })
        #expect(healthy.stopReason == .completed && healthy.warm?.succeeded == 10)
        #expect(mute.stopReason == .timeout)
        #expect(mute.note.contains("abandoned"))
        // The two finished iterations before the mute command are kept, then the timeout.
        #expect(mute.warm?.succeeded == 2 && mute.warm?.failuresByCause["timeout"] == 1)
    }

    @Test("a card lifted mid-read 100 times: 100 card-removed failures, nothing else lost, the run completes")
    func cardRemovedHundredTimes() throws {
        let reader = Rig.readers[1]
        let out = try CLI.temporaryDirectory().appendingPathComponent("removed.json").path
        // Every 30th command since the card was put back: the visual path sends 10 per
        // iteration, so every third iteration loses its card at its last command.
        let outcome = try whileServing(["--slot", "1", "--fault", "remove-every:30"], readers: [reader]) {
            try CLI.run(
                [
                    "run", "--reader", reader, "--scenario", "visual", "--iterations", "300", "--warmup", "0", "--warm",
                    "--max-failure-rate", "40%", "--out", out, "--quiet",
                ], timeout: 600)
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        #expect(file.iterations.count == 300)
        let failures = file.iterations.compactMap(\.failure)
        #expect(failures.count == 100)
        #expect(failures.allSatisfy { $0.cause == .cardRemoved }, "\(Set(failures.map(\.cause)))")
        #expect(file.summary?.stopReason == .completed)
    }

    @Test("pcscd stopped and started mid-run: the worker reconnects, only the iterations in between fail")
    func pcscdRestart() throws {
        let reader = Rig.readers[1]
        let out = try CLI.temporaryDirectory().appendingPathComponent("restart.json").path
        let outcome = try whileServing(["--slot", "1"], readers: [reader]) {
            let (process, stdout, stderr) = try CLI.start([
                "run", "--reader", reader, "--scenario", "visual", "--iterations", "60", "--warmup", "0", "--warm",
                "--interval", "100", "--max-failure-rate", "25%", "--out", out, "--quiet",
            ])
            // Let some iterations finish, then take pcscd away and bring it back.
            var before = 0
            Poll.until {
                before = (try? ResultFile.load(out))?.iterations.count ?? 0
                return before >= 3
            }
            #expect(Rig.virtualReader("stop").status == 0)
            Thread.sleep(forTimeInterval: 0.5)
            #expect(Rig.virtualReader("start").status == 0)
            let outcome = CLI.finish(process, stdout, stderr, timeout: 120)
            #expect(before > 0, "no iteration finished before pcscd stopped")
            return outcome
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("pcscd answers again"), "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete)
        #expect(file.iterations.count == 60)
        let failures = file.iterations.compactMap(\.failure)
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { [.serviceGone, .cardRemoved, .pcsc].contains($0.cause) }, "\(failures)")
    }

    @Test("SIGKILL during a pool run leaves a result file that reads, with every reader's finished iterations")
    func killedPoolRun() throws {
        let readers = Array(Rig.readers.prefix(2))
        let out = try CLI.temporaryDirectory().appendingPathComponent("killed.json").path
        try whileServing(["--readers", "2"], readers: readers) {
            let (process, stdout, stderr) = try CLI.start([
                "run", "--readers", "all", "--schedule", "parallel", "--scenario", "visual", "--iterations", "100000",
                "--warmup", "0", "--warm", "--out", out, "--quiet",
            ])
            Poll.until {
                guard let file = try? ResultFile.load(out) else { return false }
                return Set(file.iterations.map(\.reader)).count == 2 && file.iterations.count >= 20
            }
            kill(process.processIdentifier, SIGKILL)
            _ = CLI.finish(process, stdout, stderr, timeout: 10)
        }
        let file = try ResultFile.load(out)
        #expect(!file.complete && file.summary == nil)
        #expect(file.readers.count == 2)
        for reader in file.readers {
            #expect(file.iterations.contains { $0.reader == reader.id }, "no iteration of \(reader.reader.name)")
        }
    }

    @Test("tap trials: each tap waits for the card, runs once, waits for it to leave; detection times recorded")
    func tapTrials() throws {
        let reader = Rig.readers[1]
        let out = try CLI.temporaryDirectory().appendingPathComponent("taps.json").path
        // The visual path sends 10 commands: the card answers the tenth, then leaves (and is put back).
        let outcome = try whileServing(["--slot", "1", "--fault", "leave-every:10"], readers: [reader]) {
            try CLI.run([
                "run", "--reader", reader, "--scenario", "visual", "--taps", "5", "--card-wait", "10000", "--out", out,
                "--quiet",
            ])
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.header.run.taps == 5 && file.header.run.modes == [.cold])
        let taps = try #require(file.summary?.readers.first?.taps)
        #expect(taps.taps == 5 && taps.succeeded == 5)
        #expect(taps.detection?.count == 5)
        #expect(file.iterations.allSatisfy { $0.tap != nil && $0.tap!.removalNanoseconds > 0 })
        #expect(outcome.stdout.contains("taps: 5, 5 succeeded"))
    }
}
