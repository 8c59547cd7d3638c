import ArgumentParser
import CVersion
import Foundation

/// The root command: with no subcommand on a terminal, the full-screen wizard.
struct VanityNS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vanityns",
        abstract: "White-label (vanity) DNS name servers on Amazon Route 53, end to end.",
        discussion: """
        Run with no subcommand on a terminal for the step-by-step wizard. The subcommands do the same work \
        non-interactively, for scripts and cron: plan, apply, verify, check, sync, audit, watch, migrate, rollback, finalize, \
        export, import, retire.

        Exit codes: 0 success, 1 failure, 2 verify, audit or watch found a problem, 3 drift found, 4 sync or retire: the \
        registry still serves the old delegation and the domain is at another registrar (enter the printed names there), 5 retire: \
        waiting out the parent's NS TTL, 64 usage error.
        """,
        version: "vanityns " + String(cString: vns_version()),
        subcommands: [Sets.self, Zones.self, PlanCommand.self, ApplyCommand.self, VerifyCommand.self, CheckCommand.self,
                      SyncCommand.self, AuditCommand.self, WatchCommand.self, MigrateCommand.self, RollbackCommand.self, FinalizeCommand.self,
                      ExportCommand.self, ImportCommand.self, RetireCommand.self, DNSSECCommand.self, Browse.self])

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await Interactive.run(global, mode: .wizard, queryPort: global.queryPort)
    }
}
