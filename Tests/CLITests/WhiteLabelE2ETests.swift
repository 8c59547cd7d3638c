import Foundation
import Testing
import TestSupport

/// The whole procedure through the real binary against moto and nsd, checked with boto3 and DNS:
/// plan, apply, replan (nothing), verify, check, drift, sync, rollback, finalize.
@Suite(.serialized) final class WhiteLabelE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture() }
    deinit { f.stop() }

    var target: [String] { ["--set", f.setId, "--domain", "example.com", "--zone", "shop.example"] }

    @Test func fullProcedureConvergesAndEveryStepIsChecked() throws {
        let nsBefore = try f.values("shop.example.", "shop.example.", "NS")
        let soaBefore = try f.values("shop.example.", "shop.example.", "SOA")
        let unrelatedBefore = try f.records("example.com.").filter { $0.hasPrefix("www.") || $0.contains(" MX ") || $0.contains(" TXT ") }

        // plan shows glue, NS and SOA; changes nothing
        let plan = try f.vanity(["plan"] + target)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("ns1.example.com"))
        #expect(plan.stdout.contains("127.0.0.2"))
        #expect(try f.values("shop.example.", "shop.example.", "NS") == nsBefore)

        // apply without a terminal and without --yes refuses, changes nothing
        let refused = try f.vanity(["apply"] + target)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--yes"))
        #expect(try f.values("example.com.", "ns1.example.com.", "A").isEmpty)

        let apply = try f.vanity(["apply", "--yes"] + target)
        #expect(apply.status == 0, "\(apply.stderr)")
        // glue in the home zone only, TTL 60, addresses of the AWS name servers in set order
        #expect(try f.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"])
        #expect(try f.values("example.com.", "ns4.example.com.", "A") == ["127.0.0.5"])
        #expect(try f.values("example.com.", "ns2.example.com.", "AAAA") == ["::ffff:127.0.0.3"])
        #expect(try f.ttl("example.com.", "ns1.example.com.", "A") == 60)
        #expect(try f.records("shop.example.").allSatisfy { !$0.hasPrefix("ns1.") })
        for zone in ["example.com.", "shop.example."] {
            let ns = try f.values(zone, zone, "NS").map { $0.hasSuffix(".") ? $0 : $0 + "." }
            #expect(ns == ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."])
            #expect(try f.ttl(zone, zone, "NS") == 60)
            let soa = try f.values(zone, zone, "SOA").joined(separator: " ").split(separator: " ")
            #expect(soa.first == "ns1.example.com.")
            #expect(soa.last == "60")
        }
        // the SOA keeps everything but MNAME and the minimum
        let soaAfter = try f.values("shop.example.", "shop.example.", "SOA").joined(separator: " ").split(separator: " ")
        let soaOld = soaBefore.joined(separator: " ").split(separator: " ")
        #expect(Array(soaAfter[1..<6]) == Array(soaOld[1..<6]))
        // nothing else touched
        #expect(try f.records("example.com.").filter { $0.hasPrefix("www.") || $0.contains(" MX ") || $0.contains(" TXT ") } == unrelatedBefore)
        // the registrar table is printed
        #expect(apply.stdout.contains("ns1.example.com") && apply.stdout.contains("127.0.0.2"))

        // a second run plans nothing and changes nothing
        #expect(try f.planIsEmpty(target))
        let reapply = try f.vanity(["apply", "--yes"] + target)
        #expect(reapply.status == 0)
        #expect(reapply.stdout.contains("Nothing to change"))

        // verify: each vanity host answers authoritatively with the new SOA and NS; the registrar was not updated
        // (no --registrar-glue), so the parent still delegates elsewhere and verify exits 2 for that alone
        // (ParentDelegationE2ETests covers the parent in full).
        try f.dns.waitForMotoChanges()
        let verify = try f.vanity(["verify", "--domain", "example.com", "--zone", "shop.example", "--query-port", String(f.dns.port)])
        #expect(verify.status == 2, "\(verify.stdout)\n\(verify.stderr)")
        #expect(!verify.stdout.contains("FAIL "), "\(verify.stdout)")
        #expect(verify.stdout.contains("parent: the parent (com) still delegates example.com"), "\(verify.stdout)")

        // check: no drift
        let check = try f.vanity(["check", "--domain", "example.com"])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")

        // AWS moves ns-2049 to a new address: check reports drift (3) naming the host and both addresses
        var moved = DataPlane.defaultAddresses
        moved["ns-2049.awsdns-65.net"] = DataPlane.host("127.0.0.9")
        try f.dns.setAddresses(moved)
        let drift = try f.vanity(["check", "--domain", "example.com"])
        #expect(drift.status == 3, "\(drift.stdout)\n\(drift.stderr)")
        #expect(drift.stdout.contains("ns2.example.com"))
        #expect(drift.stdout.contains("127.0.0.9") && drift.stdout.contains("127.0.0.3"))
        let driftJSON = try f.vanity(["check", "--domain", "example.com", "--output", "json"])
        #expect(driftJSON.status == 3)
        #expect((try? JSONSerialization.jsonObject(with: Data(driftJSON.stdout.utf8))) != nil)

        // sync repairs it; check is clean again
        let sync = try f.vanity(["sync", "--domain", "example.com", "--yes"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(try f.values("example.com.", "ns2.example.com.", "A") == ["127.0.0.9"])
        #expect(try f.vanity(["check", "--domain", "example.com"]).status == 0)

        // rollback restores shop.example's NS and SOA exactly
        let rollback = try f.vanity(["rollback", "--zone", "shop.example", "--yes"])
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try f.values("shop.example.", "shop.example.", "NS") == nsBefore)
        #expect(try f.values("shop.example.", "shop.example.", "SOA") == soaBefore)
    }
}

/// `--create-zones` and `--registrar-glue`: a served zone created in the set (once, however often apply runs) and the
/// home domain's name servers and glue set at Route 53 Domains.
@Suite(.serialized) final class CreateZonesAndRegistrarE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture() }
    deinit { f.stop() }

    @Test func createsMissingZonesInTheSetOnceAndSetsRegistrarGlue() throws {
        let args = ["apply", "--yes", "--create-zones", "--registrar-glue", "--set", f.setId, "--domain", "example.com",
                    "--zone", "fresh.example"]
        // The create acts but its answer is lost: the retry meets HostedZoneAlreadyExists (the stand-in refuses a
        // reused CallerReference as Route 53 does) and goes on with the zone the first attempt made.
        try f.moto.dropCreateAnswers(1)
        let createsBefore = try f.moto.proxyStats().byOperation["CreateHostedZone"]?.requests ?? 0
        let first = try f.vanity(args + ["--verbose"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("created zone fresh.example."))
        #expect(first.stderr.contains("CreateHostedZone POST") && first.stderr.contains("HostedZoneAlreadyExists"), "\(first.stderr)")
        // Sent twice (libcurl itself may resend on the dropped keep-alive connection, so count what the service saw).
        #expect(try f.moto.proxyStats().byOperation["CreateHostedZone"]?.requests == createsBefore + 2, "the lost attempt and its retry, nothing more")
        let zone = try f.moto.boto3("""
        zs = [z for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'fresh.example.']
        print(len(zs), r53.get_hosted_zone(Id=zs[0]['Id'])['DelegationSet'].get('Id', '').split('/')[-1])
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(zone == "1 \(f.setId)")
        let ns = try f.values("fresh.example.", "fresh.example.", "NS").map { $0.hasSuffix(".") ? $0 : $0 + "." }
        #expect(ns == ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."])

        let again = try f.vanity(args)
        #expect(again.status == 0, "\(again.stderr)")
        let count = try f.moto.boto3("print(sum(1 for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'fresh.example.'))")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        let registrar = try f.moto.boto3("""
        d = domains.get_domain_detail(DomainName='example.com')
        print(' '.join(sorted(n['Name'] + '=' + ','.join(n.get('GlueIps', [])) for n in d['Nameservers'])))
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(registrar == (2...5).map { "ns\($0 - 1).example.com=127.0.0.\($0),::ffff:127.0.0.\($0)" }.joined(separator: " "))
    }
}

/// Finalize raises TTLs only after verify passes.
@Suite(.serialized) final class FinalizeE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(domains: false) }
    deinit { f.stop() }

    @Test func finalizeRefusesBeforeVerifyPassesThenRaisesTTLs() throws {
        let early = try f.vanity(["finalize", "--domain", "example.com", "--query-port", String(f.dns.port), "--yes"])
        #expect(early.status != 0)
        #expect(try f.ttl("example.com.", "example.com.", "NS") == 172800)

        #expect(try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"]).status == 0)
        try f.dns.waitForMotoChanges()
        let fin = try f.vanity(["finalize", "--domain", "example.com", "--query-port", String(f.dns.port), "--yes"])
        #expect(fin.status == 0, "\(fin.stdout)\n\(fin.stderr)")
        #expect(try f.ttl("example.com.", "example.com.", "NS") == 172800)
        let soa = try f.values("example.com.", "example.com.", "SOA").joined(separator: " ").split(separator: " ")
        #expect(soa.first == "ns1.example.com.")
        #expect(soa.last == "900")
    }
}
