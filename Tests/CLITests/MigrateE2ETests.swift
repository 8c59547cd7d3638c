import Foundation
import Testing
import TestSupport

/// `vanityns migrate` end to end against the stand-ins: a seeded zone of 2,000 record sets (scripts/seed-migration.py:
/// every type moto keeps, alias chains, aliases to outside targets, weighted / latency / failover / geolocation /
/// multivalue sets with health checks, long TXT, a record with 50 values) moved into the set, parity checked by an
/// independent boto3 script, reruns that write nothing, kill -9 mid-copy, and every refusal with no write sent.
/// moto drops CidrRoutingConfig, GeoProximityLocation and TrafficPolicyInstanceId: those are covered by the codec
/// tests on Route 53's XML and the engine tests, not here.
@Suite(.serialized) final class MigrateE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(domains: false) }
    deinit { f.stop() }

    /// Write calls the proxy has answered so far.
    func writes() throws -> Int { try f.moto.writeRequests() }

    func script(_ name: String) -> String { LocalServices.packageRoot.appendingPathComponent("scripts/\(name)").path }

    /// Seeds `zone` outside any set and returns its id.
    func seed(_ zone: String, records: Int) throws -> String { try f.seedMigration(zone, records: records) }

    /// The independent parity check: (exit status, the copy's digest, its record set count).
    func boto3Parity(old: String, new: String) throws -> (Int32, String?, Int?) {
        let r = try LocalServices.run("/usr/bin/env", ["python3", script("zone-parity.py"), "--endpoint", f.moto.endpoint, "--old", old, "--new", new, "--json"],
                                      environment: f.moto.environment, check: false)
        let json = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let side = json?["new"] as? [String: Any]
        return (r.status, side?["digest"] as? String, side?["record_sets"] as? Int)
    }

    func migrated(_ r: LocalServices.Output) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\n\(r.stderr)")
        return try #require((json["Zones"] as? [[String: Any]])?.first)
    }

    @Test func aLargeZoneMovesIntoTheSetWithParityAndARerunWritesNothing() throws {
        let old = try seed("big.example", records: 2000)
        let before = try writes()
        let plan = try f.vanity(["migrate", "--set", f.setId, "--zone", "big.example", "--plan"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("big.example. (\(old)) -> set \(f.setId)"))
        #expect(plan.stdout.contains("batches:"))
        #expect(try writes() == before, "--plan writes nothing")

        let run = try f.vanity(["migrate", "--set", f.setId, "--zone", "big.example", "--yes", "--output", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let zone = try migrated(run)
        let new = try #require(zone["NewZoneId"] as? String)
        let parity = try #require(zone["Parity"] as? [String: Any])
        #expect(parity["Identical"] as? Bool == true)
        let (status, digest, count) = try boto3Parity(old: old, new: new)
        #expect(status == 0, "zone-parity.py finds the copy identical")
        #expect(digest == parity["CopyDigest"] as? String, "the boto3 digest and vanityns's agree")
        #expect((count ?? 0) >= 1990)
        // On the wire: nsd serves the old zone on its own derived name servers and the copy on the set's, and the
        // same questions get the same answers (aliases: the data plane serves no alias data, so both say NODATA).
        let answers = try #require(parity["Answers"] as? [String: Any], "\(parity)")
        #expect(answers["Same"] as? Bool == true, "\(answers)")
        #expect((answers["Asked"] as? Int ?? 0) >= 1000, "\(answers)")
        #expect((answers["NotAsked"] as? [String: Int])?.keys.sorted() == ["routing-policy sets (the answer depends on who asks)"],
                "every other name was sent, paren(1) and the escaped space included: \(answers)")
        #expect((answers["OldServer"] as? String)?.contains("(127.1.") == true, "the old zone's own server was asked: \(answers)")
        #expect((answers["NewServer"] as? String)?.hasPrefix("ns-2048.awsdns-64.com (127.0.0.2)") == true, "\(answers)")

        let afterCopy = try writes()
        let rerun = try f.vanity(["migrate", "--set", f.setId, "--zone", "big.example", "--yes"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("already copied into \(new)"))
        #expect(try writes() == afterCopy, "a rerun sends no write")

        let status2 = try f.vanity(["migrate", "--status", "--zone", "big.example"])
        #expect(status2.status == 0, "\(status2.stderr)")
        #expect(status2.stdout.contains(new) && status2.stdout.contains("copied"))
    }

    /// Issue 20's call bound at small size: two zones of 350 plain record sets (two pages each) cost exactly the copy
    /// (each source read once, one CreateHostedZone, one batch and one GetChange a zone), the parity proof (both zones
    /// listed again: the source in full, since nothing shorter proves a zone of two pages unchanged), and each
    /// pre-check once. A call added anywhere (a second listing, a pre-check per zone, a Throttling re-send) fails it.
    @Test func twoZonesCostTheCopyTheParityListingsAndEachPreCheckOnce() throws {
        let zones = ["calls-a.example", "calls-b.example"]
        for z in zones { _ = try f.seedMigration(z, records: 350, small: true) }
        try f.moto.resetProxyStats()
        let run = try f.vanity(["migrate", "--set", f.setId, "--yes", "--no-dns-check"] + zones.flatMap { ["--zone", $0] })
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "parity: identical").count == 3, "\(run.stdout)")
        let stats = try f.moto.proxyStats()
        // "Domains" is the proxy's name for POST / (Route 53 Domains and STS): not Route 53 calls.
        let ops = stats.byOperation.filter { $0.key != "Domains" }.mapValues(\.requests)
        #expect(stats.throttled == 0)
        #expect(ops == ["ListResourceRecordSets": 12,        // 2 pages x (source for the plan, source and copy for the parity) x 2
                        "CreateHostedZone": 2, "ChangeResourceRecordSets": 2, "GetChange": 2,
                        "GetDNSSEC": 2,                      // a signed zone is refused: asked per zone, no batch call exists
                        "ListTagsForResources": 1, "ListHostedZones": 2, "GetReusableDelegationSet": 1,
                        "GetReusableDelegationSetLimit": 1, "GetAccountLimit": 1], "\(ops)")
    }

    @Test func killedMidCopyThenRerunConvergesOnOneZoneWithEveryRecordOnce() throws {
        let old = try seed("crash.example", records: 2000)
        let out = NSTemporaryDirectory() + "migrate-\(UUID().uuidString).out"
        let env = CLI.environment(f.moto.environment)
        let p = try SpawnedProcess(arguments: [CLI.binary, "migrate", "--set", f.setId, "--zone", "crash.example", "--yes"] + f.common,
                                   environment: env, stdoutPath: out)
        // Killed as soon as the proxy has answered the first copy batch (the run then waits for it to be INSYNC).
        let batches = { (try? self.f.moto.proxyStats().byOperation["ChangeResourceRecordSets"]?.requests) ?? nil ?? 0 }
        let sent = batches()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, batches() == sent { usleep(10_000) }
        kill(p.pid, SIGKILL)
        _ = p.waitForExit()
        let firstRun = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(!firstRun.contains("parity"), "killed before the copy finished: \(firstRun)")
        let counts = try f.moto.boto3("""
        for z in r53.list_hosted_zones()['HostedZones']:
            if z['Name'] == 'crash.example.':
                print(sum(len(p['ResourceRecordSets']) for p in r53.get_paginator('list_resource_record_sets').paginate(HostedZoneId=z['Id'])))
        """).split(separator: "\n").compactMap { Int($0) }.sorted()
        #expect(counts.count == 2 && counts[0] < counts[1], "a partial copy beside the old zone: \(counts)")

        let rerun = try f.vanity(["migrate", "--set", f.setId, "--zone", "crash.example", "--yes", "--output", "json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let new = try #require(try migrated(rerun)["NewZoneId"] as? String)
        #expect(try boto3Parity(old: old, new: new).0 == 0)
        let copies = try f.moto.boto3("""
        zs = [z for p in r53.get_paginator('list_hosted_zones').paginate() for z in p['HostedZones'] if z['Name'] == 'crash.example.']
        print(len(zs))
        """)
        #expect(copies.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "the old zone and one copy")
    }

    @Test func badInputIsRefusedClearlyWithNoWrite() throws {
        let legacyId = try f.moto.boto3("""
        print([z['Id'].split('/')[-1] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'legacy.example.'][0])
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try writes()
        func refused(_ args: [String], _ expected: String) throws {
            let r = try f.vanity(["migrate", "--set", f.setId, "--yes"] + args)
            #expect(r.status != 0)
            #expect(r.stderr.contains(expected), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("nothing was created") || r.stderr.contains("Error:"), "\(r.stderr)")
        }
        try refused(["--zone", "nosuch.example"], "there is no hosted zone nosuch.example")
        try refused(["--zone", "shop.example"], "already in set")
        try refused(["--zone", "bad..name"], "--zone bad..name")
        _ = try f.moto.boto3("""
        r53.create_hosted_zone(Name='private.example', CallerReference='migrate-test-private', HostedZoneConfig={'PrivateZone': True},
                               VPC={'VPCRegion': 'us-east-1', 'VPCId': 'vpc-12345678'})
        """)
        try refused(["--zone", "private.example"], "private hosted zone")

        // Route 53's answers the stand-in gives on demand: a signed zone, a full set, a full account.
        try f.moto.setDNSSEC(zoneId: legacyId, status: "SIGNING")
        try refused(["--zone", "legacy.example"], "DNSSEC-signed")
        try f.moto.setDNSSEC(zoneId: legacyId, status: "NOT_SIGNING")
        try f.moto.setLimits(.init(zonesPerSet: 3, hostedZones: 500))
        try refused(["--zone", "legacy.example"], "the set serves 3 of its 3 zones")
        try f.moto.setLimits(.init(zonesPerSet: 100, hostedZones: 5))
        try refused(["--zone", "legacy.example"], "hosted zones")
        try f.moto.setLimits(.route53)

        // A child of a zone the set serves (shop.example) shares its name servers: Route 53 would refuse the copy.
        _ = try f.moto.boto3("r53.create_hosted_zone(Name='in.shop.example', CallerReference='migrate-test-child')")
        let afterChild = try writes()
        try refused(["--zone", "in.shop.example"], "the set already serves zone shop.example")
        #expect(try writes() == afterChild)
        let refusedSoFar = try writes()
        _ = before
        #expect(refusedSoFar == afterChild, "no write for any refusal")

        // A set made from the zone itself cannot hold its copy.
        let fromZone = try f.moto.boto3("""
        print(r53.create_reusable_delegation_set(CallerReference='from-legacy', HostedZoneId='\(legacyId)')['DelegationSet']['Id'].split('/')[-1])
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let afterSet = try writes()
        let r = try f.vanity(["migrate", "--set", fromZone, "--zone", "legacy.example", "--yes"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("the set was made from it") && r.stderr.contains("create another set"), "\(r.stderr)")
        #expect(try writes() == afterSet, "no write for a refused move")
    }

    @Test func cutOverLowersTheOldNSTTLFirstThenSwitchesTheCopy() throws {
        let old = try seed("cut.example", records: 40)
        func oldNS() throws -> (ttl: String, values: String) { try f.moto.apexNS(zoneId: old, "cut.example.") }
        let before = try oldNS(), ttl = before.ttl
        let args = ["migrate", "--set", f.setId, "--zone", "cut.example", "--domain", "example.com", "--old-ns-ttl", "300", "--yes"]
        let r = try f.vanity(args)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("Old zone cut.example.: apex NS TTL \(ttl) -> 300 (saved; --undo restores it)"), "\(r.stderr)")
        let after = try oldNS()
        #expect(after.ttl == "300" && after.values == before.values, "only the old zone's NS TTL changed: \(before) -> \(after)")
        let copy = try #require(try f.moto.zoneIds("cut.example.").first { $0 != old })
        #expect(try f.moto.apexNS(zoneId: copy, "cut.example.").values == "ns1.example.com ns2.example.com ns3.example.com ns4.example.com", "the copy is switched")

        // A rerun finds the TTL lowered already and leaves it.
        let again = try f.vanity(args)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stderr.contains("Old zone cut.example.: apex NS TTL already 300 s or lower, left as it is"), "\(again.stderr)")
        #expect(try oldNS() == after)
    }

    /// After a zone is migrated into the set and switched to the vanity hosts, verify asks each host over IPv4 and
    /// over IPv6 and gets the same answer, the copy's (issue 23: every AAAA was the main server's ::1, which answered
    /// with the old zone's NS and SOA).
    @Test func aMigratedZoneVerifiesTheSameOverIPv4AndIPv6() throws {
        let apply = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let migrate = try f.vanity(["migrate", "--set", f.setId, "--zone", "legacy.example", "--domain", "example.com", "--yes"])
        #expect(migrate.status == 0, "\(migrate.stdout)\n\(migrate.stderr)")
        let verify = try f.vanity(["verify", "--domain", "example.com", "--zone", "legacy.example", "--output", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stdout)\n\(verify.stderr)")
        let rows = (json["rows"] as? [[String: Any]] ?? []).filter { $0["zone"] as? String == "legacy.example" }
        let byServer = Dictionary(grouping: rows) { $0["server"] as? String ?? "" }
        #expect(byServer.keys.sorted() == (1...4).map { "ns\($0).example.com" }, "\(rows)")
        for (server, pair) in byServer {
            let v6 = pair.filter { ($0["address"] as? String ?? "").contains(":") }, v4 = pair.filter { !($0["address"] as? String ?? ":").contains(":") }
            #expect(v4.count == 1 && v6.count == 1, "\(server): one row per family: \(pair)")
            #expect(v6.first?["address"] as? String != "::1", "\(server)'s IPv6 is its own server's")
            for row in pair {
                #expect(row["answered"] as? Bool == true && row["authoritative"] as? Bool == true && row["nsMatches"] as? Bool == true
                        && (row["problems"] as? [String])?.isEmpty == true, "\(server) at \(row["address"] ?? "?"): \(row)")
            }
            #expect(v4.first?["soaMName"] as? String == v6.first?["soaMName"] as? String
                    && v4.first?["soaSerial"] as? Int == v6.first?["soaSerial"] as? Int, "\(server): the same SOA over both families: \(pair)")
        }
    }

    @Test func oneZoneFailingDoesNotStopTheOthersAndUndoRemovesACopy() throws {
        let good = try seed("good.example", records: 300)
        // bad.example holds a TXT record set of 33,000 value characters: Route 53 takes no batch that large, so its
        // copy fails. It is written straight into moto, past the proxy that would refuse it like Route 53.
        let bad = try f.moto.boto3("""
        zid = r53.create_hosted_zone(Name='bad.example', CallerReference='migrate-test-bad')['HostedZone']['Id'].split('/')[-1]
        raw = boto3.client('route53', endpoint_url='http://127.0.0.1:\(f.moto.motoPort)', region_name='us-east-1')
        big = [{'Value': '"' + 'x' * 253 + '"'} for _ in range(130)]
        raw.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={'Changes': [{'Action': 'CREATE', 'ResourceRecordSet':
            {'Name': 'huge.bad.example.', 'Type': 'TXT', 'TTL': 300, 'ResourceRecords': big}}]})
        print(zid)
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try f.vanity(["migrate", "--set", f.setId, "--zone", "bad.example", "--zone", "good.example", "--yes"])
        #expect(r.status == 1, "one zone failed: \(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("bad.example.: failed:") && r.stdout.contains("InvalidChangeBatch"), "\(r.stdout)")
        #expect(r.stdout.contains("good.example.: parity: identical"), "\(r.stdout)")
        #expect(r.stdout.contains("migrated 1 of 2 zones; 1 not: bad.example."), "\(r.stdout)")
        _ = bad

        let status = try f.vanity(["migrate", "--status", "--output", "json"])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        let goodRow = try #require(rows.first { $0["Name"] as? String == "good.example." })
        let copy = try #require(goodRow["NewZoneId"] as? String)
        #expect(goodRow["State"] as? String == "copied" && goodRow["PendingChanges"] as? Int == 0)

        let undo = try f.vanity(["migrate", "--undo", "--zone", "good.example", "--yes"])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(undo.stdout.contains("new zone \(copy) deleted"))
        let left = try f.moto.boto3("""
        print(sorted(z['Id'].split('/')[-1] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'good.example.'))
        """)
        #expect(left.contains(good) && !left.contains(copy), "the copy is gone, the old zone stays: \(left)")
    }
}
