import ArgumentParser
import Foundation
import WhiteLabel

/// A monitoring plugin's state (Nagios, Icinga, Naemon), with the exit code the monitoring-plugins guidelines give it.
enum PluginStatus: Int32 {
    case ok = 0, warning = 1, critical = 2, unknown = 3

    var label: String { ["OK", "WARNING", "CRITICAL", "UNKNOWN"][Int(rawValue)] }

    /// Prints `VANITYNS STATE - summary | perfdata` on stdout and returns the exit code to throw (exit 0 for OK).
    func emit(_ summary: String, perfdata: [PerfDatum] = []) -> ExitCode {
        // One line: a newline would start the long text, and `|` separates the performance data.
        let text = summary.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "/")
        Console.out("VANITYNS \(label) - \(text)" + (perfdata.isEmpty ? "" : " | " + perfdata.map(\.text).joined(separator: " ")))
        return ExitCode(rawValue)
    }
}

extension PluginStatus {
    /// A monitoring plugin's usage error is UNKNOWN (exit 3), not the parser's 64: with `--output nagios`, arguments
    /// that do not parse (a missing --domain, a bad value) are one UNKNOWN status line, before the command runs.
    static func refuseUnparsable(_ arguments: [String]) {
        let nagios = zip(arguments, arguments.dropFirst()).contains { $0 == "--output" && $1 == "nagios" } || arguments.contains("--output=nagios")
        guard nagios else { return }
        do { _ = try VanityNS.parseAsRoot(arguments) } catch {
            if VanityNS.exitCode(for: error) == .success { return }   // --help and --version print as usual
            let message = VanityNS.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            Foundation.exit(unknown.emit(message.replacingOccurrences(of: "Error: ", with: "")).rawValue)
        }
    }
}

/// One performance datum, `'label'=value;warn;crit;min;max` (thresholds are ranges: `0` alerts above 0).
struct PerfDatum {
    var label: String
    var value: Int
    var warn = "", crit = "", min = "0", max = ""

    var text: String {
        let name = label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? label : "'\(label)'"
        return "\(name)=\(value);\(warn);\(crit);\(min);\(max)".replacingOccurrences(of: ";+$", with: "", options: .regularExpression)
    }
}

/// `check` and `audit` as one plugin status line each.
enum PluginOutput {
    /// CRITICAL when any place holds stale glue, WARNING when some place could not be compared (a parent server
    /// silent, a delegation to other hosts), else OK. Route 53 Domains being unreadable (a least-privilege role) is
    /// said in the summary but is not a warning: the registry's glue, compared over DNS, is what resolvers get.
    static func check(_ report: DriftReport, domain: String) -> (PluginStatus, String, [PerfDatum]) {
        let domainsUnread = report.heldByRoute53Domains == nil && report.notes.first?.hasPrefix("Route 53 Domains could not be read") == true
        let notes = domainsUnread ? Array(report.notes.dropFirst()) : report.notes
        let places = Set(report.items.map(\.location))
        let perf = [PerfDatum(label: "stale_glue", value: report.items.count, crit: "0"),
                    PerfDatum(label: "stale_places", value: places.count, crit: "0"),
                    PerfDatum(label: "unverified", value: notes.count, warn: "0"),
                    PerfDatum(label: "hosts", value: report.nameServers.count)]
        let unread = domainsUnread ? " (Route 53 Domains not readable: its glue not compared)" : ""
        if !report.items.isEmpty {
            let shown = report.items.prefix(3).map { "\($0.location) \($0.host) \($0.type) \($0.recorded.isEmpty ? "none" : $0.recorded.joined(separator: " ")), now \($0.current.joined(separator: " "))" }
            let more = report.items.count > 3 ? " and \(report.items.count - 3) more" : ""
            return (.critical, "\(domain): stale glue at \(places.count) place\(places.count == 1 ? "" : "s"): \(shown.joined(separator: "; "))\(more); run `vanityns sync --domain \(domain)`", perf)
        }
        if !notes.isEmpty {
            return (.warning, "\(domain): glue matches where compared, but \(notes[0])" + (notes.count > 1 ? " (and \(notes.count - 1) more)" : "") + unread, perf)
        }
        return (.ok, "\(domain): the glue matches the name servers' addresses at every place (\(report.nameServers.count) hosts)\(unread)", perf)
    }

    /// CRITICAL when some zone needs attention, WARNING when there is no zone to audit, else OK.
    static func audit(_ report: AuditReport) -> (PluginStatus, String, [PerfDatum]) {
        let failing = report.rows.filter { !$0.passed }
        let perf = [PerfDatum(label: "zones", value: report.rows.count),
                    PerfDatum(label: "failing", value: failing.count, crit: "0"),
                    PerfDatum(label: "vanity", value: report.rows.filter { $0.delegation == .vanity }.count, max: String(report.rows.count))]
        let scope = report.setId.map { "set \($0)" } ?? "the account"
        if !failing.isEmpty {
            let shown = failing.prefix(3).map { "\($0.zone) (\($0.problems.first ?? "needs attention"))" }
            let more = failing.count > 3 ? " and \(failing.count - 3) more" : ""
            return (.critical, "\(failing.count) of \(report.rows.count) zones of \(scope) need attention: \(shown.joined(separator: "; "))\(more)", perf)
        }
        if report.rows.isEmpty { return (.warning, report.notes.first ?? "no zone to audit in \(scope)", perf) }
        return (.ok, "all \(report.rows.count) zones of \(scope) are white-label end to end", perf)
    }

    /// Prints the line and ends the command with its exit code.
    static func finish(_ result: (PluginStatus, String, [PerfDatum])) throws {
        let code = result.0.emit(result.1, perfdata: result.2)
        if code.rawValue != 0 { throw code }
    }
}
