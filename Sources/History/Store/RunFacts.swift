import CardCrypto
import CardIdentity
import Foundation
import Measurement
import Results

// MARK: - What identifies a run, a reader's firmware, a host

/// A run's identity across databases: the SHA-256 of its header, as canonical JSON (sorted keys).
/// The header holds the start time, the machine, the readers and the host calibration, so two
/// runs never share one; the same run imported twice, or saved live and then imported from its
/// result file, does.
public enum RunFingerprint {
    /// The fingerprint of a header, as 64 hex digits.
    public static func of(_ header: ResultHeader) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = Array((try? encoder.encode(header)) ?? Data())
        let digest = (try? SHA256.digest(bytes.span)) ?? []
        return hex(digest)
    }

    /// The reader's firmware release, when known: the driver's IFD version, else the USB
    /// bcdDevice.
    public static func firmware(of reader: ReaderInfo) -> String? {
        if let firmware = reader.identity?.firmware ?? reader.usb?.release { return firmware }
        // `usb:VVVV:PPPP@1.00` carries the release even when the USB identity was not kept.
        guard let key = reader.usbModelKey, let at = key.lastIndex(of: "@") else { return nil }
        let release = key[key.index(after: at)...]
        return release.isEmpty ? nil : String(release)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return text
    }
}

/// This machine's id in the history: a hash of /etc/machine-id (salted with the tool's name, so
/// it cannot be matched against other uses of the machine id), never the host name.
///
/// `READERBENCH_HOST_ID` overrides it: containers cloned from one image share a machine id, and
/// a test plays several hosts on one machine.
public enum HostIdentity {
    /// The variable that gives a host id of one's own choosing.
    public static let environmentVariable = "READERBENCH_HOST_ID"

    /// 16 hex digits (or the override), or nil when the machine has no machine id.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let chosen = environment[environmentVariable], !chosen.isEmpty { return chosen }
        for path in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !id.isEmpty else { continue }
            let bytes = Array("readerbench-history:\(id)".utf8)
            let digest = (try? SHA256.digest(bytes.span)) ?? []
            return RunFingerprint.hex(Array(digest.prefix(8)))
        }
        return nil
    }
}

/// Where the history lives when `--db` is not given.
public enum HistoryLocation {
    /// The environment variable that overrides the default (tests, CI, a shared disk).
    public static let environmentVariable = "READERBENCH_HISTORY_DB"

    /// `$READERBENCH_HISTORY_DB`, else `$XDG_DATA_HOME/readerbench/history.sqlite`, else
    /// `~/.local/share/readerbench/history.sqlite` (the XDG base directory default).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/readerbench/history.sqlite" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/readerbench/history.sqlite"
    }
}

// MARK: - Statistics rows

/// The percentiles of a summary as `run_stats` rows: per reader and mode, the check (series
/// `check`), and the tap detection time (mode `cold`, series `tap-detection`).
enum RunStatistics {
    struct Row {
        var values: [SQLValue]
    }

    static func rows(_ summary: RunSummary) -> [Row] {
        var rows: [Row] = []
        func add(reader: Int, mode: String, series: String, count: Int, failed: Int, latency: LatencySummary?) {
            let l = latency
            rows.append(
                Row(values: [
                    .integer(Int64(reader)), .text(mode), .text(series), .integer(Int64(count)),
                    .integer(Int64(failed)),
                    .integer(Int64(clamping: l?.min ?? 0)), .integer(Int64(clamping: l?.p50 ?? 0)),
                    .integer(Int64(clamping: l?.p90 ?? 0)), .integer(Int64(clamping: l?.p95 ?? 0)),
                    .integer(Int64(clamping: l?.p99 ?? 0)), .integer(Int64(clamping: l?.p999 ?? 0)),
                    .integer(Int64(clamping: l?.max ?? 0)), .real(l?.mean ?? 0),
                ]))
        }
        for reader in summary.readers {
            for (mode, modeSummary) in [("warm", reader.warm), ("cold", reader.cold)] {
                guard let modeSummary else { continue }
                add(
                    reader: reader.reader, mode: mode, series: "check", count: modeSummary.iterations,
                    failed: modeSummary.iterations - modeSummary.succeeded, latency: modeSummary.total)
            }
            if let taps = reader.taps {
                add(
                    reader: reader.reader, mode: "cold", series: "tap-detection", count: taps.taps,
                    failed: taps.taps - taps.succeeded, latency: taps.detection)
            }
        }
        return rows
    }
}
