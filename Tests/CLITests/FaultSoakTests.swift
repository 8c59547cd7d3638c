import Foundation
import Testing
import TestSupport

/// The fault soak: with 20 % of all calls meeting a seeded random fault (500 InternalError, a dropped connection
/// before acting, or a write's answer lost after it acted; scripts/route53_standin/faults.py), a migration of three
/// zones of 600 record sets and an apply over five zones each finish on their first run, under five seeds, and leave
/// exactly the intended state (zone-parity.py and boto3). Bounded: the migrations share one account (each seed moves
/// three zones of its own), the checks of a run read with one Python process, and the migration skips the DNS answer check (MigrateE2ETests
/// covers it).
@Suite(.serialized) struct FaultSoakTests {
    static let seeds = [1, 2, 3, 4, 5]
    static let rate = 0.2

    func script(_ name: String) -> String { LocalServices.packageRoot.appendingPathComponent("scripts/\(name)").path }

    /// For each zone name: how many zones carry it, and whether zone-parity.py's comparison finds the one that is not
    /// `old` identical to it: `name count identical|different` lines, from one Python process (zone-parity.py's own
    /// functions, loaded from the script), so five seeds do not pay for a dozen interpreter starts.
    func copies(_ f: WhiteLabelFixture, _ zones: [(name: String, old: String)]) throws -> [String] {
        let list = zones.map { "('\($0.name).', '\($0.old)')" }.joined(separator: ", ")
        return try f.moto.boto3("""
        import importlib.util
        sys.path.insert(0, '\(LocalServices.packageRoot.appendingPathComponent("scripts").path)')
        spec = importlib.util.spec_from_file_location('zone_parity', '\(script("zone-parity.py"))')
        zp = importlib.util.module_from_spec(spec); spec.loader.exec_module(zp)
        zones = [z for p in r53.get_paginator('list_hosted_zones').paginate() for z in p['HostedZones']]
        for name, old in [\(list)]:
            ids = [z['Id'].split('/')[-1] for z in zones if z['Name'] == name]
            new = [i for i in ids if i != old]
            same = bool(new) and not any(zp.compare(zp.side(r53, old, {old: new[0]})[1], zp.side(r53, new[0], {})[1]))
            print(name, len(ids), 'identical' if same else 'different')
        """).split(separator: "\n").map(String.init)
    }

    /// One account for the five runs: each seed migrates three zones of its own (seeded up front, 600 record sets each).
    @Test func migrationsOfThreeZonesFinishOnTheirFirstRunUnderRandomFaults() throws {
        let f = try WhiteLabelFixture(domains: false)
        defer { f.stop() }
        let names = { (seed: Int) in ["a", "b", "c"].map { "soak-\($0)-\(seed).example" } }
        let out = try LocalServices.run("/usr/bin/env", ["python3", script("seed-migration.py"), "--endpoint", f.moto.endpoint, "--records", "600",
                                                         "--poll", "0.1"] + Self.seeds.flatMap(names).flatMap { ["--zone", $0] },
                                        environment: f.moto.environment).stdout
        let seeded = try #require((try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])?["zones"] as? [String: String])
        var injected: [String: Int] = [:]
        for seed in Self.seeds {
            try f.moto.randomFaults(rate: Self.rate, seed: seed)
            let run = try f.vanity(["migrate", "--set", f.setId, "--yes", "--no-dns-check"] + names(seed).flatMap { ["--zone", $0] })
            try f.moto.randomFaults(rate: 0, seed: 0)
            let faults = try f.moto.lostAnswers().faults
            #expect(run.status == 0, "seed \(seed), faults so far \(faults): \(run.stdout)\n\(run.stderr)")
            let zones = try names(seed).map { name in (name: name, old: try #require(seeded[name] ?? seeded[name + "."])) }
            #expect(try copies(f, zones) == names(seed).map { "\($0). 2 identical" },
                    "seed \(seed): each zone has the old zone and one identical copy (zone-parity.py's comparison)")
            injected = faults
        }
        #expect((injected["lose"] ?? 0) > 0 && (injected["500"] ?? 0) > 0 && (injected["drop"] ?? 0) > 0, "every kind of fault met: \(injected)")
    }

    @Test(.serialized, arguments: seeds) func anApplyOverFiveZonesFinishesOnItsFirstRunUnderRandomFaults(seed: Int) throws {
        let f = try WhiteLabelFixture()
        defer { f.stop() }
        try f.moto.boto3("""
        for name in ['soak-d.example', 'soak-e.example']:
            r53.create_hosted_zone(Name=name, CallerReference='soak-' + name, DelegationSetId='\(f.setId)')
        """)
        let target = ["--set", f.setId, "--domain", "example.com"] + ["shop.example", "blog.example", "soak-d.example", "soak-e.example"].flatMap { ["--zone", $0] }
        try f.moto.randomFaults(rate: Self.rate, seed: seed)
        let apply = try f.vanity(["apply", "--yes"] + target)
        try f.moto.randomFaults(rate: 0, seed: 0)
        let faults = try f.moto.lostAnswers().faults
        #expect(apply.status == 0, "seed \(seed), faults \(faults): \(apply.stdout)\n\(apply.stderr)")
        #expect(faults.values.reduce(0, +) > 0, "faults were injected: \(faults)")
        #expect(try f.planIsEmpty(target), "seed \(seed): every zone applied on the first run")
        // One boto3 reading of every zone's apex NS and of the glue: each glue record once, with its one address.
        let seen = try f.moto.boto3("""
        ids = {z['Name']: z['Id'] for z in r53.list_hosted_zones()['HostedZones']}
        for zone in ['example.com.', 'shop.example.', 'blog.example.', 'soak-d.example.', 'soak-e.example.']:
            sets = [r for p in r53.get_paginator('list_resource_record_sets').paginate(HostedZoneId=ids[zone]) for r in p['ResourceRecordSets']]
            ns = [r for r in sets if r['Name'] == zone and r['Type'] == 'NS'][0]
            print(zone, 'NS', ' '.join(sorted(v['Value'].rstrip('.') for v in ns['ResourceRecords'])))
            for r in sets:
                if r['Type'] in ('A', 'AAAA') and r['Name'].startswith('ns'):
                    print(zone, r['Name'], r['Type'], ' '.join(v['Value'] for v in r['ResourceRecords']))
        """).split(separator: "\n").map(String.init)
        let hosts = "ns1.example.com ns2.example.com ns3.example.com ns4.example.com"
        var expected = ["example.com.", "shop.example.", "blog.example.", "soak-d.example.", "soak-e.example."].map { "\($0) NS \(hosts)" }
        expected.insert(contentsOf: (1...4).flatMap { ["example.com. ns\($0).example.com. A 127.0.0.\($0 + 1)", "example.com. ns\($0).example.com. AAAA \(DataPlane.ipv6("127.0.0.\($0 + 1)"))"] }, at: 1)
        #expect(seen.sorted() == expected.sorted(), "seed \(seed): \(seen)")
    }
}
