import ArgumentParser
import Foundation
import WhiteLabel

/// `vanityns audit`: the white-label status of every zone of a set (or of the account), for after adding a customer.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "One row per zone of the set: where the parent delegates, whether every vanity address answers over UDP and TCP, serials, NS, glue, AWS names left.",
        discussion: "Exit codes: 0 every zone is white-label end to end, 2 some zone needs attention (its problems are listed under it), 1 the audit could not run. With --output nagios: one monitoring-plugin status line, exit 0 OK, 1 WARNING (no zone to audit), 2 CRITICAL (some zone needs attention), 3 UNKNOWN (the audit could not run).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The delegation set (default: the home domain's, else every zone of the account).") var set: String?
    @Option(help: "The home domain, which holds the vanity hosts (default: judge each zone by its own apex NS).") var domain: String?
    @Option(help: "Vanity host names, comma-separated (default ns1..ns4.DOMAIN).") var hosts: String?

    func run() async throws {
        try await Guarded.run(global, plugin: true) { s in
            let report = try await s.engine().audit(setId: set, homeDomain: domain, hosts: hosts.map(HomeOptions.split), queryPort: global.queryPort, target: s.resolverTarget)
            if global.output == .nagios { return try PluginOutput.finish(PluginOutput.audit(report)) }
            if global.output == .json { try Console.json(AuditJSON(report)) } else { Console.out(ReportRenderer.auditTable(report, color: Console.useColor)) }
            if !report.passed { throw ExitCode(2) }
        }
    }
}
