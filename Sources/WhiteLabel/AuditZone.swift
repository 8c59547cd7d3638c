import Foundation
import Route53
import Resolver

extension WhiteLabelEngine {
    /// One zone: what it serves at the apex, who serves it, and what its parent says.
    func auditZone(_ zone: HostedZone, expected: [DomainName], expectedAddresses: [[String]], awsNames: [String],
                   port: Int, target: ResolverTarget) async -> AuditRow {
        let name = DomainName(trusted: zone.name)
        let aws = Set(awsNames.map(Canonical.name))
        let resolver = self.resolver, timeout = lookupTimeout
        async let registry = registryView(of: name, port: port, target: target)
        // The zone's apex as Route 53 serves it (through the resolver, which reaches its servers).
        async let apexNSAnswer = resolver.query(name.ascii, type: .ns, target: target, timeout: timeout)
        async let apexSOAAnswer = resolver.query(name.ascii, type: .soa, target: target, timeout: timeout)
        let apexNS: [String]
        if case let .answer(v, _) = await apexNSAnswer { apexNS = v.map(Canonical.name) } else { apexNS = [] }
        let ownHosts = apexNS.filter { !Self.isAWS($0, aws) }
        let hosts = ownHosts.count == apexNS.count && !ownHosts.isEmpty ? ownHosts.map { DomainName(trusted: $0) } : expected
        let addresses = hosts == expected ? expectedAddresses : await addressesOf(hosts.map(\.ascii), target: target)
        // Every vanity address: SOA over UDP and over TCP, NS over UDP.
        struct Asked { var host: String; var address: String; var udp: LookupOutcome; var tcp: LookupOutcome; var ns: LookupOutcome }
        let jobs = zip(hosts, addresses).flatMap { h, addrs in addrs.map { (h.ascii, $0) } }
        let asked: [Asked] = await withTaskGroup(of: (Int, Asked).self) { group in
            for (i, (host, address)) in jobs.enumerated() {
                group.addTask {
                    async let udp = resolver.queryAuthoritative(name.ascii, type: .soa, address: address, port: port, timeout: timeout)
                    async let tcp = resolver.queryAuthoritativeTCP(name.ascii, type: .soa, address: address, port: port, timeout: timeout)
                    async let ns = resolver.queryAuthoritative(name.ascii, type: .ns, address: address, port: port, timeout: timeout)
                    return (i, Asked(host: host, address: address, udp: await udp, tcp: await tcp, ns: await ns))
                }
            }
            var out: [(Int, Asked)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let view = await registry
        var problems: [String] = []
        func authoritative(_ o: LookupOutcome) -> Bool { if case let .answer(v, aa) = o { return aa && !v.isEmpty }; return false }
        for a in asked {
            for (o, via) in [(a.udp, "UDP"), (a.tcp, "TCP")] where !authoritative(o) {
                if case .answer = o {
                    problems.append("\(a.host) (\(a.address)) answers over \(via) but not authoritatively: it does not serve \(name.ascii)")
                } else {
                    problems.append("\(a.host) (\(a.address)) does not answer for \(name.ascii) over \(via): \(Self.describe(o))")
                }
            }
        }
        if hosts.isEmpty { problems.append("no vanity hosts: the zone's apex NS are AWS names; give --domain, or apply the white-label set-up to it") }
        if !expected.isEmpty, Set(hosts) != Set(expected) {
            problems.append("its apex NS \(apexNS.joined(separator: " ")) are not the vanity hosts \(expected.map(\.fqdn).joined(separator: " "))")
        }
        let soas = asked.compactMap { a -> SOAValue? in if case let .answer(v, _) = a.udp { return v.first.flatMap(SOAValue.init) }; return nil }
        var serials: [UInt32] = []
        for s in soas.map(\.serial) where !serials.contains(s) { serials.append(s) }
        if serials.count > 1 { problems.append("the vanity hosts give different SOA serials (\(serials.map(String.init).joined(separator: ", "))): a server is behind") }
        let served: [String]
        if let first = asked.lazy.compactMap({ a -> [String]? in if case let .answer(v, true) = a.ns, !v.isEmpty { return v.map(Canonical.name) }; return nil }).first {
            served = first
        } else { served = apexNS }

        // What the parent says.
        let delegation = DelegationState(view, vanity: Set(hosts.map(\.fqdn)), aws: aws)
        let parentNS = (view.delegatedSets.first ?? []).sorted()
        switch delegation {
        case .vanity: break
        case .unknown: problems.append(view.note ?? "no server of the parent zone \(view.parent?.ascii ?? "") answered")
        case .notDelegated: problems.append("the parent (\(view.parent?.ascii ?? "?")) has no delegation for \(name.ascii): is it registered, with the vanity hosts as its name servers?")
        case .inconsistent: problems.append("the parent's servers disagree: " + view.answers.map { "\($0.label): \(Self.describeDelegation($0.outcome))" }.joined(separator: "; "))
        default: problems.append("the parent delegates to \(parentNS.joined(separator: " ")) (\(delegation.rawValue)), not to the vanity hosts: update the registrar")
        }
        let apexMatches: Bool? = parentNS.isEmpty || served.isEmpty ? nil : Set(served) == Set(parentNS)
        if apexMatches == false, delegation == .vanity || delegation == .mixed {
            problems.append("the zone's apex NS (\(served.joined(separator: " "))) differ from the parent's (\(parentNS.joined(separator: " ")))")
        }

        // Glue: only for vanity hosts inside this zone.
        var glue = "-"
        for (i, host) in hosts.enumerated() where host.isBelow(name) {
            glue = glue == "-" ? "ok" : glue
            let want = Set(Canonical.addresses(i < addresses.count ? addresses[i] : []))
            for answer in view.answers {
                guard let d = answer.delegation, d.nameServers.map(Canonical.name).contains(host.fqdn) else { continue }
                let got = Set(Canonical.addresses(d.glue.first { Canonical.name($0.key) == host.fqdn }?.value ?? []))
                if got.isEmpty || !got.isSubset(of: want) {
                    glue = "stale"
                    problems.append("\(answer.label) has glue \(got.isEmpty ? "none" : got.sorted().joined(separator: " ")) for \(host.ascii), its addresses are \(want.sorted().joined(separator: " "))")
                }
            }
        }

        // AWS showing through.
        var awsLeft: [String] = []
        if served.contains(where: { Self.isAWS($0, aws) }) { awsLeft.append("NS"); problems.append("the apex NS still name AWS servers: apply the white-label set-up to this zone") }
        let soa: SOAValue?
        if let s = soas.first { soa = s } else if case let .answer(v, _) = await apexSOAAnswer { soa = v.first.flatMap(SOAValue.init) } else { soa = nil }
        if let soa {
            if Self.isAWS(soa.mname, aws) { awsLeft.append("MNAME"); problems.append("the SOA MNAME is still \(soa.mname): apply the white-label set-up to this zone") }
            if soa.rname.lowercased().contains("amazon.com") || Self.isAWS(soa.rname, aws) {
                awsLeft.append("RNAME"); problems.append("the SOA RNAME is still \(soa.rname): apply with --soa-rname hostmaster@\(hosts.first?.parent?.ascii ?? name.ascii)")
            }
        }
        let (dnssec, dsProblems) = await dnssecAtParent(view, zoneId: zone.id, port: port)
        problems += dsProblems
        return AuditRow(zone: name.ascii, zoneId: ResourceID.bare(zone.id), vanityHosts: hosts.map(\.ascii), delegation: delegation, parentNS: parentNS,
                        addresses: asked.count, answeringUDP: asked.filter { authoritative($0.udp) }.count,
                        answeringTCP: asked.filter { authoritative($0.tcp) }.count, serials: serials, apexNS: served,
                        apexMatchesParent: apexMatches, glue: glue, awsShowsThrough: awsLeft, problems: problems, dnssec: dnssec)
    }
}
