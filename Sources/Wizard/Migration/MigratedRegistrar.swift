import Foundation
import Route53
import WhiteLabel

/// The registrar step's part for the migrated zones: each migrated domain is looked up at Route 53 Domains; one it
/// holds is shown with its name servers now and set with `m` (confirmed) to the vanity hosts, without glue (glue
/// belongs to the home domain), as `vanityns migrate --domain` does. A domain registered elsewhere gets the exact
/// name server list to enter there.
/// Reads: `migration.copied`, the plan's decisions, the registrar table's hosts. Hands on: its lines, also printed
/// when the wizard ends.
enum MigratedRegistrar {
    struct State: WizardStepState {
        /// Each migrated domain (bare name) as Route 53 Domains answered: its name servers now, nil inside when it
        /// is registered elsewhere.
        var current: [String: Loadable<[DomainNameserver]?>] = [:]
        /// The update of each domain set with `m`.
        var applied: [String: Loadable<Bool>] = [:]
    }

    enum Msg: WizardStepMsg {
        case looked(domain: String, Result<[DomainNameserver]?, UIError>)
        case applied(domain: String, Result<Bool, UIError>)

        func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .looked(domain, r): s.migratedRegistrar.current[domain] = Loadable(r)
            case let .applied(domain, r):
                s.migratedRegistrar.applied[domain] = Loadable(r)
                if case .success = r { s.notice = ("Route 53 Domains accepted the name servers of \(domain).", .ok) }
            }
            s.afterExit = s.registrarText
            return []
        }
    }

    /// The migrated domains that get the vanity hosts (copied, switched, not the home domain), bare.
    static func domains(_ s: WizardState) -> [String] {
        s.migration.copied.filter { s.plan.decisions[$0] == .apply && WizardState.bare($0) != s.homeName.lowercased() }.map(WizardState.bare)
    }

    /// On entering the registrar step: one lookup per migrated domain, when Route 53 Domains can be asked.
    static func lookups(_ s: inout WizardState) -> [WizardCommand] {
        guard s.registrarAvailable else { return [] }
        return domains(s).filter { s.migratedRegistrar.current[$0] == nil }.map { d in
            s.migratedRegistrar.current[d] = .loading
            return .registrarLookupDomain(d)
        }
    }

    /// Domains Route 53 Domains holds whose name servers are not the vanity hosts yet and were not updated here.
    static func pending(_ s: WizardState) -> [String] {
        domains(s).filter { d in
            guard case let .loaded(held?) = s.migratedRegistrar.current[d] else { return false }
            return s.migratedRegistrar.applied[d] == nil && !holdsVanityHosts(held, s)
        }
    }

    /// The domain's name servers at Route 53 Domains are already the vanity hosts (case and final dot aside).
    static func holdsVanityHosts(_ held: [DomainNameserver], _ s: WizardState) -> Bool {
        Set(held.map { DomainName(trusted: $0.name).fqdn }) == Set(vanityHosts(s).map { DomainName(trusted: $0).fqdn })
    }

    static func confirm(_ s: inout WizardState) {
        let list = pending(s)
        guard !list.isEmpty else { return }
        s.confirm = Confirmation(question: "Set the name servers of \(list.joined(separator: ", ")) at Route 53 Domains to \(vanityHosts(s).joined(separator: " ")) "
                                 + "(no glue)? The registry takes a few minutes.", action: .registrarApplyMigrated)
    }

    static func perform(_ s: inout WizardState) -> [WizardCommand] {
        let ns = vanityHosts(s).map { DomainNameserver(name: $0, glueIps: nil) }
        return pending(s).map { d in
            s.migratedRegistrar.applied[d] = .loading
            return .registrarApplyMigrated(domain: d, ns)
        }
    }

    static func vanityHosts(_ s: WizardState) -> [String] { s.registrar.registrarTable.map(\.host) }

    /// One line per migrated domain: what Route 53 Domains holds and what `m` sets, or the list for its registrar.
    static func lines(_ s: WizardState) -> [String] {
        let hosts = vanityHosts(s).joined(separator: " ")
        guard !hosts.isEmpty else { return [] }
        return domains(s).map { d in
            let held = s.migratedRegistrar.current[d]?.value ?? nil
            switch (held, s.migratedRegistrar.applied[d]) {
            case (_, .loading?): return "\(d) (migrated): setting its name servers at Route 53 Domains…"
            case (_, .loaded?): return "\(d) (migrated): name servers set at Route 53 Domains to \(hosts) (the registry takes a few minutes)."
            case let (_, .failed(m)?): return "\(d) (migrated): Route 53 Domains refused the update: \(m)"
            case let (now?, _) where holdsVanityHosts(now, s):
                return "\(d) (migrated): Route 53 Domains already has \(hosts)."
            case let (now?, _):
                return "\(d) (migrated) is at Route 53 Domains with \(now.map(\.name).joined(separator: " ")); m sets \(hosts) (no glue)."
            default: return "At the registrar of \(d) (migrated), set its name servers to \(hosts) (no glue)."
            }
        }
    }
}

extension WizardState {
    /// The registrar step's state for the migrated domains.
    var migratedRegistrar: MigratedRegistrar.State {
        get { stepStates[MigratedRegistrar.State.self] } set { stepStates[MigratedRegistrar.State.self] = newValue }
    }
    /// The registrar's part for the migrated zones (see `MigratedRegistrar`), once the vanity hosts are known.
    var migratedRegistrarLines: [String] { MigratedRegistrar.lines(self) }
}
