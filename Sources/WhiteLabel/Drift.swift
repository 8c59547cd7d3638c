import Foundation
import Route53
import Resolver

extension WhiteLabelEngine {
    /// `check`: the AWS name servers' addresses now against the three places glue lives: the home zone's A/AAAA
    /// records (`route53`), what each server of the parent zone hands resolvers (`registry <server>`, whoever the
    /// registrar is) and Route 53 Domains' glue (`route53domains`) when it can be read. The DNS questions and the
    /// Route 53 Domains call run at the same time. What cannot be compared is a note, not drift; only Route 53 itself
    /// being unreadable throws.
    public func checkDrift(homeDomain: String, setId: String?, hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> DriftReport {
        let home = try DomainName.parse(homeDomain, rule: .zoneName)
        async let registry = registryView(of: home, port: queryPort, target: target)
        async let held = readHeldDomain(home)
        let (_, _, hostList, rows, records) = try await glueState(homeDomain: homeDomain, setId: setId, hosts: hosts, target: target)
        var items: [DriftItem] = [], notes: [String] = [], checks: [GlueCheck] = []
        let (registrar, heldNote) = await held
        if let heldNote { notes.append(heldNote) }
        let view = await registry
        if let note = view.note { notes.append(note + "; the registry's glue was not compared") }

        for (i, host) in hostList.enumerated() where i < rows.count {
            for (type, family) in [("A", "IPv4"), ("AAAA", "IPv6")] {
                let current = (type == "A" ? rows[i].ipv4 : rows[i].ipv6) ?? []
                // A failed lookup is not evidence of drift; NODATA (no record of that family) is.
                let known = !current.isEmpty || rows[i].warnings.contains("\(family): no \(type) record")
                guard known else { continue }
                func only(_ list: [String]) -> [String] { Canonical.addresses(list.filter { type == "A" ? Canonical.isIPv4($0) : Canonical.isIPv6($0) }) }
                func stale(_ glue: [String]) -> Bool { glue.isEmpty ? !current.isEmpty : !Set(glue).isSubset(of: Set(current)) }
                let recorded = Planner.find(records, name: host, type: type).map { Canonical.addresses($0.values) } ?? []
                checks.append(GlueCheck(place: "route53", host: host.ascii, type: type, current: recorded == current))
                if recorded != current {
                    items.append(DriftItem(location: "route53", host: host.ascii, type: type, recorded: recorded, current: current))
                }
                for answer in view.answers {
                    // Glue is only the parent's to give for hosts inside the domain it delegates to them.
                    guard let d = answer.delegation, host.isBelow(home), d.nameServers.map(Canonical.name).contains(host.fqdn) else { continue }
                    let glue = only(d.glue.first { Canonical.name($0.key) == host.fqdn }?.value ?? [])
                    checks.append(GlueCheck(place: Canonical.name(answer.server).trimmingCharacters(in: ["."]), host: host.ascii, type: type,
                                            current: !stale(glue)))
                    if stale(glue) {
                        items.append(DriftItem(location: "registry \(answer.server) (\(answer.address))", host: host.ascii, type: type,
                                               recorded: glue, current: current))
                    }
                }
                if let ns = registrar?.nameservers.first(where: { DomainName(trusted: $0.name) == host }) {
                    let glue = only(ns.glueIps ?? [])
                    checks.append(GlueCheck(place: "route53domains", host: host.ascii, type: type, current: !stale(glue)))
                    if stale(glue) {
                        items.append(DriftItem(location: "route53domains", host: host.ascii, type: type, recorded: glue, current: current))
                    }
                }
            }
        }
        notes += registryNotes(view, home: home, hosts: hostList, homeGroup: HostGroups.servingGroup(zone: home, records: records, home: home))
        return DriftReport(nameServers: rows, items: items, notes: notes,
                           heldByRoute53Domains: heldNote == nil ? registrar != nil : nil, checks: checks)
    }

    /// Route 53 Domains' view of the domain: (details, nil) when it holds it, (nil, nil) when it does not, and
    /// (nil, note) when it could not be asked (unreachable, or credentials without route53domains:GetDomainDetail, as a
    /// least-privilege cron role has): a watchdog keeps watching the rest.
    func readHeldDomain(_ home: DomainName) async -> (DomainDetail?, String?) {
        do { return (try await heldDomain(home), nil) } catch {
            return (nil, "Route 53 Domains could not be read (\(Self.short(error))): its glue was not compared; the registry's glue and Route 53's records were")
        }
    }

    /// Parent servers that did not answer, or that delegate the domain to other hosts (their glue is not compared).
    /// - Parameter homeGroup: the hosts the home zone's own apex NS name; when the parent delegates to them and they
    ///   are not `hosts`, the home domain is another set's (its own group): said as such, not as a problem.
    func registryNotes(_ view: RegistryView, home: DomainName, hosts: [DomainName], homeGroup: [DomainName]? = nil) -> [String] {
        let want = Set(hosts.map(\.fqdn))
        let own = homeGroup.map { Set($0.map(\.fqdn)) }
        var notes: [String] = []
        for answer in view.answers {
            switch answer.outcome {
            case let .delegation(d):
                let got = Set(d.nameServers.map(Canonical.name))
                if got.isEmpty {
                    notes.append("\(answer.label) has no delegation for \(home.ascii)")
                } else if got != want, got == own {
                    notes.append("\(answer.label) delegates \(home.ascii) to its own group of vanity hosts \(got.sorted().joined(separator: " ")) (another "
                                 + "set's); the hosts checked here are served by the home zone's records, so the registry holds no glue of theirs to compare")
                } else if got != want {
                    notes.append("\(answer.label) delegates \(home.ascii) to \(got.sorted().joined(separator: " ")), not to the vanity hosts: run `vanityns verify`")
                }
            case .nxdomain: notes.append("\(answer.label) says \(home.ascii) does not exist (NXDOMAIN)")
            default: notes.append("\(answer.label) did not answer (\(Self.describeDelegation(answer.outcome))): its glue was not compared")
            }
        }
        return notes
    }

    /// An error in one line, without the advice the full message may carry.
    static func short(_ error: Error) -> String {
        if case let .service(code, message, _, _)? = error as? Route53Error { return "\(code): \(message)" }
        return String(describing: error)
    }
}
