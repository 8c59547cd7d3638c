import Foundation
import Route53
import Resolver

extension WhiteLabelEngine {
    /// Each vanity host's addresses: the glue records in the home zone, else what the resolver finds for the host.
    /// - Parameter homeRecords: the home zone's records when the caller has read them already.
    func hostAddresses(home: DomainName, hosts: [DomainName], target: ResolverTarget, homeRecords: [ResourceRecordSet]? = nil) async -> [[String]] {
        var records = homeRecords ?? []
        if homeRecords == nil { records = await readHomeRecords(home) }
        var out: [[String]] = []
        for host in hosts {
            var addrs: [String] = []
            for type in ["A", "AAAA"] {
                if let g = Planner.find(records, name: host, type: type) { addrs += Canonical.addresses(g.values); continue }
                let t: DNSRecordType = type == "A" ? .a : .aaaa
                addrs += Self.interpret(await resolver.query(host.ascii, type: t, target: target, timeout: lookupTimeout), type: t).0
            }
            out.append(addrs)
        }
        return out
    }

    /// The home zone's records, or none when it cannot be read (the hosts' addresses then come from the resolver).
    func readHomeRecords(_ home: DomainName) async -> [ResourceRecordSet] {
        if let zone = try? await findZone(home), let r = try? await route53.listResourceRecordSets(zoneId: zone.id) { return r }
        return []
    }

    public func verify(homeDomain: String, zones: [String], hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> VerifyReport {
        let home = try DomainName.parse(homeDomain, rule: .zoneName)
        let hostList = try hostNames(hosts, home: home, count: 4)
        let homeRecords = await readHomeRecords(home)
        // The home zone served by another group of vanity hosts (another set's): it holds these hosts' glue, and is
        // verified with its own group, not with these.
        let served = HostGroups.servingGroup(zone: home, records: homeRecords, home: home)
        let homeElsewhere = served.map { Set($0) != Set(hostList) } ?? false
        var zoneNames = homeElsewhere ? [] : [home]
        for z in zones { let n = try DomainName.parse(z, rule: .zoneName); if !zoneNames.contains(n) { zoneNames.append(n) } }
        let addresses = await hostAddresses(home: home, hosts: hostList, target: target, homeRecords: homeRecords)
        let expectedNS = Set(hostList.map(\.fqdn))
        let resolver = self.resolver, timeout = lookupTimeout

        var jobs: [(Int, String, String, DomainName)] = []  // (order, host, address, zone)
        var rows: [VerifyRow?] = []
        for (i, host) in hostList.enumerated() {
            if addresses[i].isEmpty {
                for z in zoneNames {
                    rows.append(VerifyRow(server: host.ascii, address: "-", zone: z.ascii, answered: false, authoritative: false, soaMName: nil,
                                          soaSerial: nil, nsMatches: false,
                                          problems: ["no address for \(host.ascii): no glue record in Route 53 and no answer from the resolver"]))
                }
                continue
            }
            for a in addresses[i] { for z in zoneNames { jobs.append((rows.count, host.ascii, a, z)); rows.append(nil) } }
        }
        let mname = hostList.first?.fqdn ?? ""
        await withTaskGroup(of: (Int, VerifyRow).self) { group in
            for (slot, host, address, zone) in jobs {
                group.addTask {
                    async let soa = resolver.queryAuthoritative(zone.ascii, type: .soa, address: address, port: queryPort, timeout: timeout)
                    async let ns = resolver.queryAuthoritative(zone.ascii, type: .ns, address: address, port: queryPort, timeout: timeout)
                    return (slot, Self.verifyRow(server: host, address: address, zone: zone.ascii, soa: await soa, ns: await ns,
                                                 expectedMName: mname, expectedNS: expectedNS))
                }
            }
            for await (slot, row) in group { rows[slot] = row }
        }
        let (findings, problems) = await parentCheck(zones: zoneNames, hosts: hostList, addresses: addresses, port: queryPort, target: target)
        return VerifyReport(rows: rows.compactMap { $0 }, parentFindings: findings, parentProblems: problems)
    }

    /// Judges one server's SOA and NS answers for one zone (the SOA MNAME only when `expectedMName` is given).
    static func verifyRow(server: String, address: String, zone: String, soa: LookupOutcome, ns: LookupOutcome,
                          expectedMName: String?, expectedNS: Set<String>) -> VerifyRow {
        var problems: [String] = []
        var answered = false, aa = false, mname: String?, serial: UInt32?, nsOK = false
        switch soa {
        case let .answer(values, authoritative):
            answered = true; aa = authoritative
            if let v = values.first.flatMap(SOAValue.init) {
                mname = Canonical.name(v.mname); serial = v.serial
                if let expectedMName, mname != Canonical.name(expectedMName) { problems.append("SOA MNAME is \(v.mname), expected \(expectedMName)") }
            } else { problems.append("no SOA record in the answer") }
            if !authoritative { problems.append("the answer is not authoritative (AA flag not set): this server does not serve \(zone)") }
        default:
            problems.append("SOA query: \(describe(soa))")
        }
        switch ns {
        case let .answer(values, _):
            let got = Set(values.map(Canonical.name))
            nsOK = got == expectedNS
            if !nsOK { problems.append("NS are \(got.sorted().joined(separator: " ")), expected \(expectedNS.sorted().joined(separator: " "))") }
        default:
            problems.append("NS query: \(describe(ns))")
        }
        return VerifyRow(server: server, address: address, zone: zone, answered: answered, authoritative: aa, soaMName: mname,
                         soaSerial: serial, nsMatches: nsOK, problems: problems)
    }

    static func describe(_ o: LookupOutcome) -> String {
        switch o {
        case .answer(let v, _): return v.isEmpty ? "empty answer" : v.joined(separator: " ")
        case .nxdomain: return "NXDOMAIN (the server says the zone does not exist)"
        case let .failure(rcode): return "\(rcode) (the server does not serve the zone)"
        case .timeout: return "no answer (timeout)"
        case let .error(m): return m
        }
    }

    /// Asks every server of each served zone's parent (found through `target`, asked at `port`, without recursion, all
    /// in parallel) for the zone's delegation: the NS set must be exactly the vanity hosts, and the glue of each vanity
    /// host inside the zone must be among its addresses (`addresses`: Route 53's glue records, else resolved). Returns
    /// (findings, problems); a parent that cannot be found or reached is a finding, not a problem.
    func parentCheck(zones: [DomainName], hosts: [DomainName], addresses: [[String]], port: Int, target: ResolverTarget) async -> ([String], [String]) {
        let views = await withTaskGroup(of: (Int, RegistryView).self) { group in
            for (i, zone) in zones.enumerated() { group.addTask { (i, await self.registryView(of: zone, port: port, target: target)) } }
            var out: [(Int, RegistryView)] = []
            for await v in group { out.append(v) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var findings: [String] = [], problems: [String] = []
        for view in views {
            guard let parent = view.parent else { continue }
            if view.answers.isEmpty {
                findings.append("\(view.note ?? "the parent zone \(parent.ascii) could not be asked"); delegation and glue of \(view.zone.ascii) not checked")
                continue
            }
            var unreached: [String] = []
            for answer in view.answers {
                switch answer.outcome {
                case let .delegation(d):
                    let (f, p) = Self.judgeDelegation(d, home: view.zone, parent: parent, label: answer.label, hosts: hosts, addresses: addresses)
                    findings += f; problems += p
                case .nxdomain:
                    problems.append("the parent (\(parent.ascii)) says \(view.zone.ascii) does not exist (NXDOMAIN at \(answer.label)): is the domain registered?")
                default:
                    unreached.append("\(answer.label): \(Self.describeDelegation(answer.outcome))")
                }
            }
            problems += await dnssecAtParent(view, zoneId: nil, port: port).problems
            if !unreached.isEmpty {
                findings.append(unreached.count == view.answers.count
                    ? "the servers of the parent zone \(parent.ascii) could not be reached (\(unreached.joined(separator: "; "))); delegation and glue not checked"
                    : "not every server of the parent zone \(parent.ascii) answered for \(view.zone.ascii) (\(unreached.joined(separator: "; ")))")
            }
        }
        return (findings, problems)
    }

    /// Compares one parent server's delegation with the vanity hosts and their addresses.
    static func judgeDelegation(_ d: Delegation, home: DomainName, parent: DomainName, label: String, hosts: [DomainName],
                                addresses: [[String]]) -> ([String], [String]) {
        var findings: [String] = [], problems: [String] = []
        let got = Set(d.nameServers.map(Canonical.name)), want = Set(hosts.map(\.fqdn))
        let wantText = want.sorted().joined(separator: " ")
        if got.isEmpty {
            problems.append("the parent (\(parent.ascii)) has no delegation for \(home.ascii) (asked \(label)): set the name servers \(wantText) at the registrar")
            return (findings, problems)
        }
        if got == want {
            findings.append("\(label) delegates \(home.ascii) to the vanity hosts \(wantText)")
        } else {
            problems.append("the parent (\(parent.ascii)) still delegates \(home.ascii) to \(got.sorted().joined(separator: " ")) (asked \(label)), "
                            + "not to the vanity hosts \(wantText): update the registrar (when that is done, the registry has not published it yet)"
                            + (d.ttl.map { "; once the registry has it, resolvers may keep the old delegation for up to \($0) s (its NS TTL)" } ?? ""))
        }
        if d.authoritative {
            findings.append("\(label) answered authoritatively: it also serves \(home.ascii) itself, so its NS may not be the delegation")
        }
        for (i, host) in hosts.enumerated() where got.contains(host.fqdn) && host.isBelow(home) {
            let glue = Canonical.addresses(d.glue.first { Canonical.name($0.key) == host.fqdn }?.value ?? [])
            let expected = Canonical.addresses(i < addresses.count ? addresses[i] : [])
            let expectedText = expected.isEmpty ? "unknown" : expected.joined(separator: " ")
            if glue.isEmpty {
                problems.append("the parent (\(parent.ascii)) has no glue for \(host.ascii) (asked \(label)); expected \(expectedText): add the glue at the registrar")
            } else if !expected.isEmpty, Set(glue).isSubset(of: Set(expected)) {
                findings.append("\(label) has glue for \(host.ascii) matching its addresses: \(glue.joined(separator: " "))")
            } else {
                problems.append("the parent (\(parent.ascii)) has glue for \(host.ascii) \(glue.joined(separator: " ")) (asked \(label)), "
                                + "but its addresses are \(expectedText): update the glue at the registrar")
            }
        }
        return (findings, problems)
    }

    static func describeDelegation(_ o: DelegationOutcome) -> String {
        switch o {
        case let .delegation(d): return d.nameServers.isEmpty ? "no delegation" : d.nameServers.joined(separator: " ")
        case .nxdomain: return "NXDOMAIN"
        case let .failure(rcode): return rcode
        case .timeout: return "no answer (timeout)"
        case let .error(m): return m
        }
    }
}
