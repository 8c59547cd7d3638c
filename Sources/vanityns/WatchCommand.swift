import ArgumentParser
import Foundation
import Route53
import WhiteLabel

extension RepairPolicy: ExpressibleByArgument {}

/// `vanityns watch --once`: what a systemd timer runs every 15 minutes. For every configured home domain: the glue at
/// every place against the AWS name servers' addresses now, the repairs the policy allows, the audit of every zone of
/// the set; then the metrics file, and the alert command when a problem appears or clears.
struct WatchCommand: AsyncParsableCommand {
    static let defaultConfig = "/etc/vanityns/watch.conf"
    static let defaultStateDirectory = "/var/lib/vanityns"

    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Guard the delegation unattended: check every configured home domain and its set, repair by policy, write metrics, alert once per incident.",
        discussion: """
        One run per call (--once), for a timer (the .deb ships vanityns-watch.timer, every 15 minutes). Either one \
        domain by flags (--domain, --set, --hosts, --repair, --alert-command), or every section of --config \
        (default \(defaultConfig)), in the INI format of ~/.aws/config:

          [domain example.com]
          set = N0123456789ABCDEFGHIJ
          profile = vanityns-watch
          hosts = ns1.example.com, ns2.example.com, ns3.example.com, ns4.example.com
          repair = route53
          alert_command = /usr/local/bin/page-dns-team --severity high

        repair: none (report only, the default), route53 (rewrite the home zone's vanity host A/AAAA records to the \
        AWS name servers' addresses now, through apply: journal first, one atomic batch), route53domains \
        (also the glue Route 53 Domains holds). A registry at another registrar is never written: the alert carries \
        the table to enter there. Every change is logged: the journal, and one line on stderr naming the values \
        replaced (old -> new).

        The alert command runs without a shell, with JSON on stdin (event problem|cleared|repaired, problems, \
        stale_glue, repaired, actions, glue), when a problem appears and when it clears, not on every run; a failed \
        alert is retried on the next run. State lives in --state-dir (default \(defaultStateDirectory)).

        Exit codes: 0 every domain healthy (or repaired), 2 a problem a person must handle, 1 a check could not run, \
        64 a usage or configuration error (nothing was checked).
        """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Check once and exit (what the timer runs).") var once = false
    @Option(help: "The watch configuration (default \(defaultConfig)); not read when --domain is given.") var config: String?
    @Option(help: "Watch this one home domain instead of the configuration file's.") var domain: String?
    @Option(help: "With --domain: the delegation set (default: the home zone's).") var set: String?
    @Option(help: "With --domain: vanity host names, comma-separated (default ns1..ns4.DOMAIN).") var hosts: String?
    @Option(help: "Repair policy: none, route53 or route53domains (with --config: replaces every section's).") var repair: RepairPolicy?
    @Option(name: .customLong("metrics-file"), help: "Write Prometheus metrics here (text format, atomically; the node_exporter textfile collector reads it).")
    var metricsFile: String?
    @Option(name: .customLong("alert-command"), help: "Run this (no shell; JSON on stdin) when a problem appears or clears (with --config: replaces every section's).")
    var alertCommand: String?

    func validate() throws {
        guard once else { throw ValidationError("watch checks once per call: give --once (the vanityns-watch.timer runs it every 15 minutes)") }
        if domain != nil, config != nil { throw ValidationError("give either --domain (one domain by flags) or --config FILE, not both") }
        if domain == nil, set != nil || hosts != nil { throw ValidationError("--set and --hosts go with --domain; in a config file they are keys of the domain's section") }
        if global.output != .text {
            throw ValidationError("watch prints one line per domain; what it gives machines is the metrics file (--metrics-file) and the alert JSON (--alert-command)")
        }
    }

    /// The domains to watch, from the flags or the config file; a problem is exit 64 before anything is checked.
    func entries(environment: [String: String]) throws -> [WatchEntry] {
        let overrideAlert: [String]?
        do { overrideAlert = try alertCommand.map { try AlertCommand.argv($0, environment: environment) } } catch let e as WatchConfigError {
            throw Console.fail("--alert-command: \(e.description)", code: ExitCode.validationFailure.rawValue)
        }
        if let domain {
            guard let name = try? DomainName.parse(domain, rule: .zoneName) else {
                throw Console.fail("--domain \(domain): not a domain name", code: ExitCode.validationFailure.rawValue)
            }
            return [WatchEntry(target: WatchTarget(domain: name.ascii, setId: set.map(ResourceID.bare), hosts: hosts.map(HomeOptions.split), repair: repair ?? .none),
                               profile: global.profile, alertCommand: overrideAlert, origin: "--domain")]
        }
        do {
            return try WatchConfig.load(path: config ?? Self.defaultConfig, environment: environment).map { e in
                var e = e
                if let repair { e.target.repair = repair }
                if let overrideAlert { e.alertCommand = overrideAlert }
                if e.profile == nil { e.profile = global.profile }
                return e
            }
        } catch let e as WatchConfigError {
            throw Console.fail(e.description, code: ExitCode.validationFailure.rawValue)
        }
    }

    func run() async throws {
        let started = Date()
        let environment = ProcessInfo.processInfo.environment
        let list = try entries(environment: environment)
        var options = global
        options.stateDir = global.stateDir ?? Self.defaultStateDirectory
        let stateDirectory = URL(fileURLWithPath: ((options.stateDir ?? "") as NSString).expandingTildeInPath)
        var state: WatchState
        do { state = try WatchState.load(stateDirectory) } catch let e as WatchConfigError { throw Console.fail(e.description) }
        // Where the run's results go must be writable before anything is checked (or repaired): a run whose state
        // cannot be saved would alert again on every run.
        try Self.requireWritable(folder: stateDirectory.path, what: "the state directory (--state-dir)", create: true)
        if let metricsFile {
            try Self.requireWritable(folder: URL(fileURLWithPath: metricsFile).deletingLastPathComponent().path, what: "the folder of --metrics-file \(metricsFile)",
                                     create: false)
        }

        // Every entry's services and set first: a wrong set ID stops the run before anything is checked or written.
        var services: [Services] = []
        for entry in list {
            var o = options
            o.profile = entry.profile
            let s: Services
            do { s = try Services(o, environment: environment) } catch { throw Guarded.report(error) }
            if let set = entry.target.setId {
                do { _ = try await s.route53.getReusableDelegationSet(id: set) } catch let e as Route53Error where e.code == "NoSuchDelegationSet" {
                    throw Console.fail("\(entry.keyOrigins["set"] ?? "--set"): set \(set) for \(entry.target.domain): there is no such delegation set in this account "
                                       + "(`vanityns sets list` shows them); nothing was checked")
                } catch {
                    // Route 53 unreachable or refusing: not a configuration error; the domain's check fails and alerts.
                }
            }
            services.append(s)
        }

        var outcomes: [WatchOutcome] = [], failed: [String] = [], needsPerson = false
        for (entry, s) in zip(list, services) {
            let domain = entry.target.domain
            let outcome: WatchOutcome
            do {
                outcome = try await s.engine().watch(entry.target, queryPort: global.queryPort, resolver: s.resolverTarget) { line in
                    Console.error("vanityns watch: " + line)
                }
            } catch {
                failed.append(domain)
                let reason = Guarded.describe(error) ?? "\(error)"
                Console.error("vanityns watch: \(domain): the check could not run: \(reason)")
                let (alert, problems) = WatchAlert.due(failure: reason, domain: domain, set: entry.target.setId,
                                                       previous: state.domains[domain]?.problems ?? [:], now: Date())
                Self.alert(alert, entry, problems: problems, state: &state)
                continue
            }
            await s.flush()
            outcomes.append(outcome)
            for r in outcome.repairs { state.repairs[domain, default: [:]][r.place, default: 0] += 1 }
            let problems = outcome.problems
            if !problems.isEmpty { needsPerson = true }
            Console.out(Self.summary(outcome))
            Self.alert(WatchAlert.due(outcome, previous: state.domains[domain]?.problems ?? [:], now: Date()), entry, problems: problems, state: &state)
        }
        if failed.isEmpty { state.lastSuccess = Date().timeIntervalSince1970 }
        do { try state.save(stateDirectory) } catch {
            throw Console.fail("cannot save the watch state in \(stateDirectory.path) (\(error.localizedDescription)); the next run would alert again")
        }
        if let metricsFile {
            let text = WatchMetrics.render(outcomes: outcomes, repairs: state.repairs, lastSuccess: state.lastSuccess,
                                           duration: Date().timeIntervalSince(started))
            do { try WatchMetrics.write(text, to: metricsFile) } catch let e as WatchConfigError { throw Console.fail(e.description) }
        }
        if !failed.isEmpty { throw ExitCode(1) }
        if needsPerson { throw ExitCode(2) }
    }

    /// Sends the alert that is due (when the domain has an alert command) and remembers the problems as alerted;
    /// when the command fails they are not remembered, so the next run sends the alert again.
    static func alert(_ alert: WatchAlert?, _ entry: WatchEntry, problems: [String: String], state: inout WatchState) {
        let domain = entry.target.domain
        if let alert, let argv = entry.alertCommand {
            let sent = alert.send(argv)
            guard sent.ok else {
                Console.error("vanityns watch: \(domain): the alert command failed (\(sent.why ?? "unknown")); it runs again on the next run")
                return
            }
            Console.error("vanityns watch: \(domain): alert \(alert.event) sent")
        }
        let since = problems.isEmpty ? nil : (state.domains[domain]?.since ?? Date())
        state.domains[domain] = WatchState.Domain(problems: problems, since: since)
    }

    static func requireWritable(folder: String, what: String, create: Bool) throws {
        if create { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue, access(folder, W_OK) == 0 else {
            throw Console.fail("\(what): \(folder) is not a writable folder; nothing was checked")
        }
    }

    /// One line per domain for the journal: what holds, what was repaired, what is left.
    static func summary(_ o: WatchOutcome) -> String {
        let checks = o.drift.checks
        var parts = ["\(o.target.domain): glue current at \(checks.filter(\.current).count) of \(checks.count) places and families",
                     "\(o.audit.rows.filter(\.passed).count) of \(o.audit.rows.count) zones white-label"]
        for r in o.repairs { parts.append("repaired \(r.place) (\(r.changes.count) change\(r.changes.count == 1 ? "" : "s"))") }
        let problems = o.problems
        if !problems.isEmpty { parts.append("\(problems.count) problem\(problems.count == 1 ? "" : "s"): " + problems.keys.sorted().map { problems[$0]! }.joined(separator: "; ")) }
        return parts.joined(separator: "; ")
    }
}
