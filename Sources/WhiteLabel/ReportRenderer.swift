import Foundation
import Route53

/// Tables and lines for the registrar hand-off, addresses, verify and drift: pure functions of the values.
public enum ReportRenderer {
    /// Columns padded to the widest cell, two spaces apart.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : TextStyle.pad(cell, widths[i]) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// The registrar table: host, IPv4, IPv6 (the glue to create at the registrar, then the name servers to set).
    public static func registrarTable(_ rows: [GlueRow]) -> String {
        table(["host", "IPv4", "IPv6"], rows.map { [$0.host, $0.ipv4 ?? "-", $0.ipv6 ?? "-"] })
    }

    /// Vanity host, AWS name server and addresses (`resolving` while a lookup runs).
    public static func addressTable(_ rows: [NameServerAddresses]) -> String {
        let cell = { (a: [String]?) in a.map { $0.isEmpty ? "-" : $0.joined(separator: " ") } ?? "resolving" }
        var s = table(["vanity host", "AWS name server", "IPv4", "IPv6"], rows.map { [$0.vanityHost, $0.awsName, cell($0.ipv4), cell($0.ipv6)] })
        for r in rows { for w in r.warnings { s += "\n! \(r.vanityHost): \(w)" } }
        return s
    }

    /// One row per server address and zone, then the problems under each failing row, then the parent check.
    public static func verifyTable(_ report: VerifyReport, color: Bool = false) -> String {
        let rows = report.rows.map { r -> [String] in
            [r.server, r.address, r.zone, r.answered ? (r.authoritative ? "AA" : "no AA") : "-",
             r.soaSerial.map(String.init) ?? "-", r.nsMatches ? "ok" : "differs",
             r.passed ? TextStyle.green("pass", color) : TextStyle.red("FAIL", color)]
        }
        var lines = table(["server", "address", "zone", "auth", "serial", "NS", "result"], rows).split(separator: "\n").map(String.init)
        var out: [String] = [lines.removeFirst()]
        for (r, line) in zip(report.rows, lines) {
            out.append(line)
            for p in r.problems { out.append("    " + p) }
        }
        for f in report.parentFindings { out.append("parent: \(f)") }
        for p in report.parentProblems { out.append(TextStyle.red("parent: \(p)", color)) }
        out.append(report.passed ? TextStyle.green("verify: passed", color) : TextStyle.red("verify: FAILED", color))
        return out.joined(separator: "\n")
    }

    /// One row per zone (delegation, answers, serial, NS against the parent, glue, AWS names left), each zone's
    /// problems under it, then a verdict.
    public static func auditTable(_ report: AuditReport, color: Bool = false) -> String {
        let rows = report.rows.map { r -> [String] in
            [r.zone, r.delegation.rawValue, r.addresses == 0 ? "-" : "\(min(r.answeringUDP, r.answeringTCP))/\(r.addresses)",
             r.serials.count == 1 ? String(r.serials[0]) : (r.serials.isEmpty ? "-" : "differ"),
             r.apexMatchesParent.map { $0 ? "ok" : "differs" } ?? "-", r.glue,
             r.awsShowsThrough.isEmpty ? "none" : r.awsShowsThrough.joined(separator: ","), r.dnssec,
             r.passed ? TextStyle.green("ok", color) : TextStyle.red("FAIL", color)]
        }
        var lines = table(["zone", "parent", "answers", "serial", "NS", "glue", "AWS left", "DNSSEC", "result"], rows)
            .split(separator: "\n").map(String.init)
        var out: [String] = [lines.removeFirst()]
        for (r, line) in zip(report.rows, lines) {
            out.append(line)
            for p in r.problems { out.append("    " + p) }
        }
        for n in report.notes { out.append("note: \(n)") }
        let failed = report.rows.filter { !$0.passed }.count
        out.append(failed == 0 ? TextStyle.green("audit: \(report.rows.count) zone\(report.rows.count == 1 ? "" : "s"), all white-label", color)
                   : TextStyle.red("audit: \(failed) of \(report.rows.count) zone\(report.rows.count == 1 ? "" : "s") need attention", color))
        out.append("parent: where the parent delegates; answers: vanity addresses answering authoritatively over UDP and TCP;"
                   + " NS: the zone's apex NS equal to the parent's")
        return out.joined(separator: "\n")
    }

    /// One line per drift item, or a line saying all glue matches.
    public static func driftLines(_ report: DriftReport) -> String {
        var out: [String] = []
        for ns in report.nameServers { for w in ns.warnings { out.append("! \(ns.vanityHost) (\(ns.awsName)): \(w)") } }
        if report.items.isEmpty {
            out.append("no drift: the glue matches the name servers' current addresses")
        }
        for i in report.items {
            let rec = i.recorded.isEmpty ? "none" : i.recorded.joined(separator: " ")
            let cur = i.current.isEmpty ? "none" : i.current.joined(separator: " ")
            out.append("drift: \(i.location) \(i.host) \(i.type): recorded \(rec), now \(cur)")
        }
        for n in report.notes { out.append("note: \(n)") }
        if report.hasDrift {
            out.append("run `vanityns sync` to repair what it can (Route 53's records, Route 53 Domains' glue) and get the table for any other registrar")
        }
        return out.joined(separator: "\n")
    }
}
