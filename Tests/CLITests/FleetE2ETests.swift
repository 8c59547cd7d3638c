import Foundation
import Testing
import TestSupport

/// A fleet against the stand-ins with Route 53's zones-per-set limit on (100): 250 new zones, parent/child pairs
/// among them, placed by `zones create --set auto --new-set` over the seeded set and two new ones; each set switched
/// to its own group of vanity hosts (ns1-ns4, ns5-ns8, ns9-ns12, all glue in the one home zone); `verify` and `audit`
/// passing for every set; boto3 confirms no zone shares a set with its parent or child and each zone's NS are its
/// set's group. Cost: one CreateHostedZone per zone (there is no batch create), two new sets, then per zone the
/// apply's listing, batch and (PENDING 0 s) no wait: 103 to 213 s on the 2-core machine (the second figure with a Swift
/// build beside it).
@Suite(.serialized) final class FleetE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(pendingSeconds: 0, limits: MotoServer.Limits(zonesPerSet: 100)) }
    deinit { f.stop() }

    /// 20 parents and their `shop.` children, then 210 single zones: 250 in all.
    static let parents = (1...20).map { String(format: "p%02d.test", $0) }
    static let zones = parents + parents.map { "shop." + $0 } + (1...210).map { String(format: "s%03d.test", $0) }

    /// A Python list of strings.
    static func py(_ list: [String]) -> String { "[" + list.map { "'\($0)'" }.joined(separator: ", ") + "]" }

    /// vanityns with a raised request quota (`--api-rate 100`: every bucket ten times Route 53's default), so the
    /// client's own pacing does not dominate the test's time; the stand-in enforces no buckets here.
    func vanity(_ args: [String]) throws -> LocalServices.Output { try f.vanity(args + ["--api-rate", "100"]) }

    /// Each set's zones, from `zones list --set ID --output json`.
    func zonesOf(_ set: String) throws -> [String] {
        let r = try vanity(["zones", "list", "--set", set, "--output", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\(r.stderr)")
        return (json["HostedZones"] as? [[String: Any]] ?? []).compactMap { ($0["Name"] as? String).map { String($0.dropLast()) } }
    }

    @Test func migrateSetAutoPlacesEachCopyAndMakesASetOnlyWhenAsked() throws {
        // zones-per-set 4: the seeded set (3 zones) takes one copy more.
        try f.moto.setLimits(MotoServer.Limits(zonesPerSet: 4))
        try f.moto.boto3("""
        z = r53.create_hosted_zone(Name='other.example', CallerReference='fleet-other')['HostedZone']['Id']
        r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={'Changes': [{'Action': 'UPSERT', 'ResourceRecordSet': {
            'Name': 'www.other.example.', 'Type': 'A', 'TTL': 300, 'ResourceRecords': [{'Value': '192.0.2.80'}]}}]})
        """)
        let first = try vanity(["migrate", "--set", "auto", "--zone", "legacy.example", "--yes", "--no-dns-check"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("set \(f.setId): legacy.example."), "\(first.stdout)")
        #expect(first.stdout.contains("parity: identical"), "\(first.stdout)")

        // The set is full now: refused with the way out, nothing created.
        let before = try f.moto.writeRequests()
        let full = try vanity(["migrate", "--set", "auto", "--zone", "other.example", "--yes", "--no-dns-check"])
        #expect(full.status == 1 && full.stderr.contains("set \(f.setId) is full (4/4 zones)") && full.stderr.contains("--new-set"), "\(full.stderr)")
        #expect(try f.moto.writeRequests() == before)
        // --plan with --new-set shows the placement and stops.
        let plan = try vanity(["migrate", "--set", "auto", "--new-set", "--zone", "other.example", "--plan"])
        #expect(plan.status == 1 && plan.stderr.contains("Placement (1 new delegation set)") && plan.stderr.contains("nothing created"), "\(plan.stderr)")
        #expect(try f.moto.writeRequests() == before)

        let made = try vanity(["migrate", "--set", "auto", "--new-set", "--zone", "other.example", "--yes", "--no-dns-check"])
        #expect(made.status == 0, "\(made.stdout)\n\(made.stderr)")
        let newSet = try #require(made.stdout.split(separator: "\n").first { $0.hasPrefix("set ") && !$0.contains(":") }.map { String($0.split(separator: " ")[1]) },
                                  "\(made.stdout)")
        #expect(made.stdout.contains("parity: identical"), "\(made.stdout)")
        let inNew = try f.moto.boto3("print(sorted(z['Name'] for z in r53.list_hosted_zones(DelegationSetId='\(newSet)')['HostedZones']))")
        #expect(inNew.contains("other.example."), "\(inNew)")

        // The stand-in refuses a child zone beside its parent as Route 53 does (ConflictingDomainExists), and takes it in
        // a set without the parent (the limit raised first, so only the conflict can refuse it).
        try f.moto.setLimits(MotoServer.Limits(zonesPerSet: 100))
        let conflict = try f.moto.boto3("""
        import botocore
        try:
            r53.create_hosted_zone(Name='www.example.com', CallerReference='fleet-conflict', DelegationSetId='\(f.setId)')
            print('created')
        except botocore.exceptions.ClientError as e:
            print(e.response['Error']['Code'])
        r53.create_hosted_zone(Name='www.example.com', CallerReference='fleet-elsewhere', DelegationSetId='\(newSet)')
        print('elsewhere ok')
        """)
        #expect(conflict.contains("ConflictingDomainExists") && conflict.contains("elsewhere ok"), "\(conflict)")

        // A rerun finds both copies where they are: nothing written.
        try f.moto.resetProxyStats()
        let again = try vanity(["migrate", "--set", "auto", "--new-set", "--zone", "legacy.example", "--zone", "other.example", "--yes", "--no-dns-check"])
        #expect(again.status == 0 && again.stdout.contains("already copied"), "\(again.stdout)\n\(again.stderr)")
        #expect(try f.moto.writeRequests() == 0)
        // No pre-check asked twice although the zones are in two sets: each set's listing and limit come from the
        // placement, the account's zones and zone limit from the first set's plan; tags in one call per set's plan;
        // with --no-dns-check no GetHostedZone (only the answer check needs the old zone's name servers).
        let ops = try f.moto.proxyStats().byOperation
        let sets = try #require(Int(try f.moto.boto3("print(len(r53.list_reusable_delegation_sets()['DelegationSets']))").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ops["GetReusableDelegationSet"] == nil, "\(ops)")
        #expect(ops["GetReusableDelegationSetLimit"]?.requests == sets, "\(ops)")
        #expect(ops["GetAccountLimit"]?.requests == 1, "\(ops)")
        #expect(ops["ListHostedZones"]?.requests == sets + 1, "each set once, the account once: \(ops)")
        #expect(ops["GetHostedZone"] == nil && ops["ListTagsForResource"] == nil, "\(ops)")
        #expect(ops["ListTagsForResources"]?.requests == 2, "one per set's plan: \(ops)")
    }

    @Test func twoHundredFiftyZonesOverThreeSetsEachWithItsOwnHosts() throws {
        let started = Date()
        let setA = f.setId
        // Set A first: the home zone and the seeded zones on ns1-ns4, the registrar holding them with glue.
        let home = try vanity(["apply", "--yes", "--registrar-glue", "--set", setA, "--domain", "example.com",
                                 "--zone", "shop.example", "--zone", "blog.example", "--soa-rname", "hostmaster@example.com"])
        #expect(home.status == 0, "\(home.stdout)\n\(home.stderr)")

        // No set can take a child of a zone in the only set with room: refused, nothing created, the way out named.
        let refused = try vanity(["zones", "create", "p01.test", "shop.p01.test", "--set", "auto"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("zone shop.p01.test: no delegation set can take it") && refused.stderr.contains("--new-set")
                && refused.stderr.contains("vanityns sets create"), "\(refused.stderr)")
        #expect(try f.moto.boto3("print(len(r53.list_hosted_zones()['HostedZones']))").trimmingCharacters(in: .whitespacesAndNewlines) == "4",
                "nothing created")

        // The fleet: one command, every zone placed .
        let create = try vanity(["zones", "create"] + Self.zones + ["--set", "auto", "--new-set", "--yes"])
        #expect(create.status == 0, "\(create.stdout)\n\(create.stderr)")
        #expect(create.stderr.contains("Placement (2 new delegation sets)"), "\(create.stderr)")
        let created = create.stdout.split(separator: "\n").filter { $0.hasPrefix("ready ") }
        #expect(created.count == 250, "\(create.stdout)")
        let newSets = create.stdout.split(separator: "\n").filter { $0.hasPrefix("set ") }.map { String($0.split(separator: " ")[1]) }
        #expect(newSets.count == 2, "\(create.stdout)")
        let sets = [setA] + newSets
        let members = try sets.map(zonesOf)
        #expect(members.map(\.count) == [100, 100, 53], "\(members.map(\.count))")

        // A rerun places every zone where it is and creates nothing.
        try f.moto.resetProxyStats()
        let again = try vanity(["zones", "create"] + Self.zones + ["--set", "auto", "--new-set", "--yes"])
        #expect(again.status == 0 && again.stdout.split(separator: "\n").filter { $0.hasPrefix("already ") }.count == 250, "\(again.stdout)")
        #expect(try f.moto.writeRequests() == 0)

        // sets list: zones used / limit; a set's hosts once its zones serve them.
        let hosts = [1, 5, 9].map { first in (first..<first + 4).map { "ns\($0).example.com" } }
        // Each set switched to its own group; sets B and C find theirs by default (the next free group).
        for (i, set) in sets.enumerated() {
            let extra = members[i].filter { $0 != "example.com" }.flatMap { ["--zone", $0] }
            let r = try vanity(["apply", "--yes", "--set", set, "--domain", "example.com", "--soa-rname", "hostmaster@example.com"] + extra)
            #expect(r.status == 0, "\(set): \(r.stdout.suffix(2000))\n\(r.stderr.suffix(2000))")
            if i > 0 { #expect(r.stdout.contains("keeps its own name servers"), "\(r.stdout.suffix(1500))") }
        }
        let list = try vanity(["sets", "list", "--domain", "example.com", "--output", "json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any], "\(list.stdout)\(list.stderr)")
        let bySet = Dictionary(uniqueKeysWithValues: (listed["DelegationSets"] as? [[String: Any]] ?? []).map {
            (String(($0["Id"] as? String ?? "").split(separator: "/").last ?? ""), $0)
        })
        for (i, set) in sets.enumerated() {
            #expect(bySet[set]?["VanityHosts"] as? [String] == hosts[i], "\(set): \(bySet[set] ?? [:])")
            #expect(bySet[set]?["ZoneCount"] as? Int == members[i].count && bySet[set]?["ZoneLimit"] as? Int == 100)
        }
        let text = try vanity(["sets", "list"])
        #expect(text.stdout.contains("100/100") && text.stdout.contains("53/100") && text.stdout.contains("ns5.example.com ns6.example.com"), "\(text.stdout)")

        // The registry delegates each top zone to its set's group; each parent zone delegates its child.
        var registry: [String: [[String: Any]]] = [:]
        var delegations: [(String, [String])] = []
        for (i, zs) in members.enumerated() {
            for z in zs where z != "example.com" {
                if z.hasPrefix("shop.p") { delegations.append((z, hosts[i])) } else { registry[z + "."] = hosts[i].map { ["Name": $0, "GlueIps": [String]()] } }
            }
        }
        let batches = delegations.map { child, ns -> String in
            let parent = String(child.dropFirst("shop.".count))
            return "('\(parent).', '\(child).', \(Self.py(ns.map { $0 + "." })))"
        }.joined(separator: ",\n")
        try f.moto.boto3("""
        zs = {}
        for p in r53.get_paginator('list_hosted_zones').paginate():
            zs.update({z['Name']: z['Id'] for z in p['HostedZones']})
        for parent, child, ns in [\(batches)]:
            r53.change_resource_record_sets(HostedZoneId=zs[parent], ChangeBatch={'Changes': [{'Action': 'UPSERT', 'ResourceRecordSet': {
                'Name': child, 'Type': 'NS', 'TTL': 60, 'ResourceRecords': [{'Value': v} for v in ns]}}]})
        """)
        try f.dns.setRegistry(domains: registry)

        // verify and audit pass for every set, each with its own hosts.
        for (i, set) in sets.enumerated() {
            let zoneArgs = members[i].filter { $0 != "example.com" }.flatMap { ["--zone", $0] }
            let v = try vanity(["verify", "--domain", "example.com", "--hosts", hosts[i].joined(separator: ",")] + zoneArgs)
            #expect(v.status == 0, "verify \(set): \(v.stdout.suffix(3000))\n\(v.stderr.suffix(1000))")
            let a = try vanity(["audit", "--set", set, "--domain", "example.com", "--hosts", hosts[i].joined(separator: ",")])
            let c = try vanity(["check", "--domain", "example.com", "--set", set, "--hosts", hosts[i].joined(separator: ",")])
            #expect(c.status == 0 && !c.stdout.contains("stale"), "check \(set): \(c.stdout.suffix(2000))\n\(c.stderr.suffix(1000))")
            if i > 0 { #expect(c.stdout.contains("its own group of vanity hosts") || c.stderr.contains("its own group of vanity hosts"), "\(c.stdout)\(c.stderr)") }
            #expect(a.status == 0, "audit \(set): \(a.stdout.split(separator: "\n").filter { !$0.contains(" ok") }.prefix(40).joined(separator: "\n"))\n\(a.stderr.suffix(1000))")
        }

        // boto3: no zone shares a set with its parent or child; each zone's NS are its set's group.
        let check = try f.moto.boto3("""
        sets = \(Self.py(sets))
        groups = [\(hosts.map { Self.py($0.map { $0 + "." }) }.joined(separator: ", "))]
        where, bad = {}, []
        for i, s in enumerate(sets):
            for p in r53.get_paginator('list_hosted_zones').paginate(DelegationSetId=s):
                for z in p['HostedZones']:
                    where[z['Name']] = i
                    ns = [r for r in r53.list_resource_record_sets(HostedZoneId=z['Id'], StartRecordName=z['Name'], StartRecordType='NS', MaxItems='1')['ResourceRecordSets']
                          if r['Type'] == 'NS' and r['Name'] == z['Name']]
                    if not ns or sorted(v['Value'] for v in ns[0]['ResourceRecords']) != sorted(groups[i]):
                        bad.append('%s NS %s' % (z['Name'], ns))
        for name, i in where.items():
            for other, j in where.items():
                if name != other and i == j and (name.endswith('.' + other) or other.endswith('.' + name)):
                    bad.append('%s and %s share set %s' % (name, other, sets[i]))
        print(len(where), len(bad)); print('\\n'.join(bad[:20]))
        """)
        #expect(check.hasPrefix("253 0"), "\(check)")
        print("FleetE2ETests: 250 zones over 3 sets, created, applied, verified and audited in \(Int(Date().timeIntervalSince(started))) s")
    }
}
