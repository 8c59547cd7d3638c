import Foundation
import Testing
import TestSupport

/// The fault soak: with 20 % of all calls meeting a seeded random fault (500 InternalError, Throttling, a dropped
/// connection, or a write's answer lost after it acted; scripts/route53_standin/faults.py), a migration of three
/// zones of 600 record sets and an apply over five zones each finish on their first run, under five seeds, and leave
/// exactly the intended state (zone-parity.py and boto3). Bounded: small zones' seeding takes seconds, and the
/// migration skips the DNS answer check (MigrateE2ETests covers it).
@Suite(.serialized) struct FaultSoakTests {
    static let seeds = [1, 2, 3, 4, 5]
    static let rate = 0.2

    func script(_ name: String) -> String { LocalServices.packageRoot.appendingPathComponent("scripts/\(name)").path }

    @Test(arguments: seeds) func aMigrationOfThreeZonesFinishesOnItsFirstRunUnderRandomFaults(seed: Int) throws {
        let f = try WhiteLabelFixture(domains: false)
        defer { f.stop() }
        let names = ["soak-a.example", "soak-b.example", "soak-c.example"]
        let out = try LocalServices.run("/usr/bin/env", ["python3", script("seed-migration.py"), "--endpoint", f.moto.endpoint, "--records", "600",
                                                         "--poll", "0.1", "--seed", String(seed)] + names.flatMap { ["--zone", $0] },
                                        environment: f.moto.environment).stdout
        let seeded = try #require((try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])?["zones"] as? [String: String])
        try f.moto.randomFaults(rate: Self.rate, seed: seed)
        let run = try f.vanity(["migrate", "--set", f.setId, "--yes", "--no-dns-check"] + names.flatMap { ["--zone", $0] })
        try f.moto.randomFaults(rate: 0, seed: 0)
        let faults = try f.moto.lostAnswers().faults
        #expect(run.status == 0, "seed \(seed), faults \(faults): \(run.stdout)\n\(run.stderr)")
        #expect(faults.values.reduce(0, +) > 0, "faults were injected: \(faults)")
        for name in names {
            let old = try #require(seeded[name] ?? seeded[name + "."])
            let ids = try f.moto.zoneIds(name + ".")
            #expect(ids.count == 2, "seed \(seed): \(name) has the old zone and one copy: \(ids)")
            guard let copy = ids.first(where: { $0 != old }) else { continue }
            let parity = try LocalServices.run("/usr/bin/env", ["python3", script("zone-parity.py"), "--endpoint", f.moto.endpoint, "--old", old, "--new", copy],
                                               environment: f.moto.environment, check: false)
            #expect(parity.status == 0, "seed \(seed): zone-parity.py on \(name): \(parity.stdout)")
        }
    }

    @Test(arguments: seeds) func anApplyOverFiveZonesFinishesOnItsFirstRunUnderRandomFaults(seed: Int) throws {
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
        for i in 1...4 {
            #expect(try f.values("example.com.", "ns\(i).example.com.", "A") == ["127.0.0.\(i + 1)"], "seed \(seed): one glue record, once")
        }
        for zone in ["example.com.", "shop.example.", "blog.example.", "soak-d.example.", "soak-e.example."] {
            #expect(try f.values(zone, zone, "NS").map { $0.hasSuffix(".") ? $0 : $0 + "." }
                    == ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."], "seed \(seed): \(zone)")
        }
    }
}
