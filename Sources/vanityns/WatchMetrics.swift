import Foundation
import WhiteLabel

/// `watch --metrics-file`: the Prometheus text exposition format, written the node_exporter textfile collector's way
/// (a temporary file in the same folder, then rename, so a scrape never reads half a file).
enum WatchMetrics {
    /// The file's text. `outcomes` are the domains checked this run; `repairs` and `lastSuccess` come from the state.
    static func render(outcomes: [WatchOutcome], repairs: [String: [String: Int]], lastSuccess: Double?, duration: Double) -> String {
        var out: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ samples: [String]) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
            out += samples
        }
        var glue: [String: Int] = [:]   // one sample per label set: a parent server with two addresses is current only if both are
        for o in outcomes {
            for c in o.drift.checks {
                let key = labels(["domain": o.target.domain, "host": c.host, "family": c.type == "A" ? "ipv4" : "ipv6", "place": c.place])
                glue[key] = min(glue[key] ?? 1, c.current ? 1 : 0)
            }
        }
        family("vanityns_glue_current", "gauge",
               "1 when the glue at this place (route53, route53domains, or a parent server) equals the AWS name server's address now, else 0.",
               glue.keys.sorted().map { "vanityns_glue_current\($0) \(glue[$0]!)" })
        var zones: [String: Int] = [:]
        for o in outcomes {
            for row in o.audit.rows { zones[labels(["zone": row.zone.hasSuffix(".") ? String(row.zone.dropLast()) : row.zone, "set": o.setId ?? ""])] = row.passed ? 1 : 0 }
        }
        family("vanityns_zone_delegation_ok", "gauge",
               "1 when the zone of the set is white-label end to end (the audit: delegation, vanity hosts answering over UDP and TCP, NS, glue), else 0.",
               zones.keys.sorted().map { "vanityns_zone_delegation_ok\($0) \(zones[$0]!)" })
        var counts: [String] = []
        for domain in repairs.keys.sorted() {
            for place in repairs[domain]!.keys.sorted() {
                counts.append("vanityns_watch_repairs_total\(labels(["domain": domain, "place": place])) \(repairs[domain]![place]!)")
            }
        }
        family("vanityns_watch_repairs_total", "counter", "Repairs watch made on its own, per home domain and place, since its state directory began.", counts)
        if let lastSuccess {
            family("vanityns_watch_last_success_timestamp_seconds", "gauge",
                   "When a watch run last checked every configured domain (Unix time).", [String(format: "vanityns_watch_last_success_timestamp_seconds %.3f", lastSuccess)])
        }
        family("vanityns_watch_duration_seconds", "gauge", "How long the last watch run took.", [String(format: "vanityns_watch_duration_seconds %.3f", duration)])
        return out.joined(separator: "\n") + "\n"
    }

    /// `{domain="example.com",place="route53"}`, keys in a fixed order, values escaped as the format says.
    static func labels(_ pairs: [String: String]) -> String {
        let order = ["domain", "zone", "set", "host", "family", "place"]
        let keys = pairs.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        return "{" + keys.map { k in
            let v = pairs[k]!.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(k)=\"\(v)\""
        }.joined(separator: ",") + "}"
    }

    /// Writes `text` to `path` atomically: a temporary file beside it, fsync, then rename.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: tmp)
            try FileHandle(forWritingTo: tmp).synchronize()
            guard rename(tmp.path, url.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw WatchConfigError(description: "--metrics-file \(path): cannot write it (\(error.localizedDescription)); check that its folder exists and is writable")
        }
    }
}
