import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `vanityns retire` end to end against the stand-ins, for a domain at another registrar (the data plane's registry
/// file plays it): after a full set-up, each step waits for its precondition (the registry, the parent's NS TTL), then
/// the zones go back to the AWS names, the glue goes, the set stays (it still serves zones). boto3 checks the end
/// state; a rerun after a run cut short converges, and a rerun when done writes nothing.
@Suite(.serialized) struct RetireE2ETests {

    static let hosts = ["ns1", "ns2", "ns3", "ns4"]
    static let v4 = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]

    func awsNames(_ f: WhiteLabelFixture) throws -> [String] {
        try f.moto.boto3("print(' '.join(r53.get_reusable_delegation_set(Id='\(f.setId)')['DelegationSet']['NameServers']))")
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    @Test func retireWaitsForTheRegistryAndTheTTLThenPutsEveryZoneBackAndRemovesTheGlue() throws {
        let f = try WhiteLabelFixture(domains: false)
        defer { f.stop() }
        try f.dns.setRegistry(domains: ["example.com.": zip(Self.hosts, Self.v4).map { h, a in ["Name": "\(h).example.com", "GlueIps": [a]] }])
        let apply = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example", "--zone", "blog.example"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try f.dns.waitForMotoChanges()
        let aws = try awsNames(f)
        #expect(try f.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"], "set up first")
        #expect(try f.values("shop.example.", "shop.example.", "NS").first == "ns1.example.com.", "every zone of the set is on the vanity hosts")

        // 1-2: the registry still delegates to the vanity hosts: nothing is written, the names to enter are printed.
        let writes = try f.moto.writeRequests()
        let first = try f.vanity(["retire", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(first.status == 4, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("set its name servers to: \(aws.joined(separator: " "))"), "\(first.stdout)")
        #expect(try f.moto.writeRequests() == writes, "nothing written while the registry still delegates to the vanity hosts")

        // The registrar now has the AWS names; the parent's NS TTL is still to run out.
        try f.dns.setRegistry(domains: ["example.com.": aws.map { ["Name": $0] }])
        let waiting = try f.vanity(["retire", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(waiting.status == 5 && waiting.stderr.contains("waiting out the parent's NS TTL"), "\(waiting.stdout)\n\(waiting.stderr)")
        #expect(try f.moto.writeRequests() == writes)

        // A run cut short after its first zone (as a kill would leave it): shop.example is already back.
        try f.moto.boto3("""
        zid = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'shop.example.'][0]
        r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={'Changes': [{'Action': 'UPSERT', 'ResourceRecordSet':
            {'Name': 'shop.example.', 'Type': 'NS', 'TTL': 172800, 'ResourceRecords': [{'Value': n} for n in '\(aws.joined(separator: " "))'.split()]}}]})
        """)
        let done = try f.vanity(["retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"])
        #expect(done.status == 0, "\(done.stdout)\n\(done.stderr)")
        #expect(done.stdout.contains("step 5, set: \(f.setId) kept"), "\(done.stdout)")
        for zone in ["example.com.", "shop.example.", "blog.example."] {
            #expect(Set(try f.values(zone, zone, "NS").map { String($0.dropLast($0.hasSuffix(".") ? 1 : 0)) }) == Set(aws.map { String($0.dropLast($0.hasSuffix(".") ? 1 : 0)) }), "\(zone)")
            let soa = try f.values(zone, zone, "SOA").joined(separator: " ")
            #expect(soa.hasPrefix("\(aws[0].hasSuffix(".") ? aws[0] : aws[0] + ".") awsdns-hostmaster.amazon.com. "), "\(zone): \(soa)")
        }
        for h in Self.hosts {
            #expect(try f.values("example.com.", "\(h).example.com.", "A").isEmpty, "\(h)'s glue is gone")
            #expect(try f.values("example.com.", "\(h).example.com.", "AAAA").isEmpty)
        }
        #expect(!(try f.values("example.com.", "www.example.com.", "A")).isEmpty, "other records stay")

        // Done: a rerun changes nothing.
        let after = try f.moto.writeRequests()
        let again = try f.vanity(["retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"])
        #expect(again.status == 0 && again.stdout.contains("step 4, glue: no vanity host records left"), "\(again.stdout)\n\(again.stderr)")
        #expect(try f.moto.writeRequests() == after)
    }

    @Test func killedMidWayAtEveryBatchARerunFinishesTheRetirement() throws {
        // Changes stay PENDING for a second here, so that each run can be killed while it waits for one.
        let f = try WhiteLabelFixture(domains: false, pendingSeconds: 1)
        defer { f.stop() }
        try f.dns.setRegistry(domains: ["example.com.": zip(Self.hosts, Self.v4).map { h, a in ["Name": "\(h).example.com", "GlueIps": [a]] }])
        #expect(try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example", "--zone", "blog.example"]).status == 0)
        let aws = try awsNames(f)
        try f.dns.setRegistry(domains: ["example.com.": aws.map { ["Name": $0] }])
        try f.dns.waitForMotoChanges()
        let args = [CLI.binary, "retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"] + f.common
        let env = CLI.environment(f.moto.environment)
        func batches() throws -> Int { try f.moto.proxyStats().byOperation["ChangeResourceRecordSets"]?.requests ?? 0 }
        // Each run is killed (SIGKILL) as soon as it has sent one more batch, until a run finishes on its own: the
        // zones' batches and the glue's, each cut while it waits for INSYNC.
        var killed = 0, finished = false
        for _ in 0..<8 where !finished {
            let before = try batches()
            let run = try SpawnedProcess(arguments: args, environment: env)
            let deadline = Date().addingTimeInterval(60)
            while run.isRunning, try batches() == before, Date() < deadline { usleep(20_000) }
            if run.isRunning { kill(run.pid, SIGKILL); _ = run.waitForExit(); killed += 1 } else {
                #expect(run.waitForExit() == 0); finished = true
            }
        }
        #expect(finished, "no run finished after \(killed) kills")
        // The home zone's batch goes alone; shop's and blog's go side by side (one kill may cut both); then the glue's.
        #expect(killed >= 3, "the home zone, the other two zones and the glue: each batch was cut (\(killed) kills)")
        for zone in ["example.com.", "shop.example.", "blog.example."] {
            #expect(try f.values(zone, zone, "SOA").first?.hasPrefix(aws[0].hasSuffix(".") ? aws[0] : aws[0] + ".") == true, "\(zone)")
        }
        for h in Self.hosts { #expect(try f.values("example.com.", "\(h).example.com.", "A").isEmpty) }
    }

    @Test func atRoute53DomainsTheRegistrarGoesBackFirstThenTheZonesAndTheGlue() throws {
        let f = try WhiteLabelFixture()   // example.com is registered with Route 53 Domains
        defer { f.stop() }
        let apply = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example", "--zone", "blog.example"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let registration = "print(' '.join(n['Name'] + '=' + ','.join(n.get('GlueIps', [])) for n in domains.get_domain_detail(DomainName='example.com')['Nameservers']))"
        #expect(try f.moto.boto3(registration).contains("ns1.example.com=127.0.0.2"), "set up first: Route 53 Domains names the vanity hosts with glue")
        let aws = try awsNames(f)
        let bare = aws.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }

        // Step 1 sets the registration back and waits for the operation; the registry (the data plane) then follows
        // it, so the run stops at step 2 (the registry not yet seen serving the AWS names, or the parent's TTL).
        let first = try f.vanity(["retire", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(first.status == 4 || first.status == 5, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stderr.contains("step 1, registrar: Route 53 Domains, example.com"), "\(first.stderr)")
        #expect(first.stdout.contains("preflight: the name servers answer for example.com at every address"), "every AWS host asked first: \(first.stdout)")
        let back = try f.moto.boto3(registration)
        #expect(Set(back.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }) == Set(bare.map { $0 + "=" }),
                "boto3: Route 53 Domains has the AWS names, no glue: \(back)")
        #expect(try f.values("shop.example.", "shop.example.", "NS").first == "ns1.example.com.", "no zone changed before the parent serves the AWS names")

        let done = try f.vanity(["retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"])
        #expect(done.status == 0, "\(done.stdout)\n\(done.stderr)")
        #expect(done.stdout.contains("step 1, registrar: Route 53 Domains already has the AWS names"), "\(done.stdout)")
        for zone in ["example.com.", "shop.example.", "blog.example."] {
            #expect(Set(try f.values(zone, zone, "NS").map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }) == Set(bare), "\(zone)")
        }
        for h in Self.hosts { #expect(try f.values("example.com.", "\(h).example.com.", "A").isEmpty, "\(h)'s glue is gone") }
    }

    @Test func killedWhileRoute53DomainsWorksARerunWaitsForThatOperationThenFinishes() throws {
        // A Route 53 Domains operation stays IN_PROGRESS for 4 s: long enough to kill retire while it waits on it.
        let f = try WhiteLabelFixture(domainsPendingSeconds: 4)
        defer { f.stop() }
        let apply = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let operations = "print(sum(1 for o in domains.list_operations()['Operations'] if o['Type'] == 'UPDATE_NAMESERVER'))"
        let before = try f.moto.boto3(operations).trimmingCharacters(in: .whitespacesAndNewlines)
        try f.dns.waitForMotoChanges()
        let args = [CLI.binary, "retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"] + f.common
        let run = try SpawnedProcess(arguments: args, environment: CLI.environment(f.moto.environment))
        let deadline = Date().addingTimeInterval(60)
        while run.isRunning, try f.moto.boto3(operations).trimmingCharacters(in: .whitespacesAndNewlines) == before, Date() < deadline { usleep(100_000) }
        #expect(run.isRunning, "retire still waits on the operation it sent")
        kill(run.pid, SIGKILL); _ = run.waitForExit()

        // The rerun finds the operation still in progress: it says so and changes nothing (exit 4, waiting).
        let again = try f.vanity(["retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"])
        if again.status != 0 {
            #expect(again.status == 4 && (again.stderr.contains("still processing an earlier name server change") || again.stdout.contains("step 2, parent")),
                    "\(again.stdout)\n\(again.stderr)")
            #expect(try f.values("example.com.", "example.com.", "NS").first == "ns1.example.com.", "no zone changed yet")
        }
        // Once the operation has finished and the registry follows, a rerun finishes the retirement.
        var done = again
        for _ in 0..<10 where done.status != 0 {
            sleep(1)
            done = try f.vanity(["retire", "--yes", "--no-cache-wait", "--set", f.setId, "--domain", "example.com"])
        }
        #expect(done.status == 0, "\(done.stdout)\n\(done.stderr)")
        #expect(Set(try f.values("example.com.", "example.com.", "NS").map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 })
                == Set(try awsNames(f).map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }))
        let count = try f.moto.boto3(operations).trimmingCharacters(in: .whitespacesAndNewlines)
        let ops = try f.moto.boto3("print([(o['Type'], o['Status'], o['SubmittedDate']) for o in domains.list_operations()['Operations']])")
        #expect(Int(count) == Int(before).map { $0 + 1 }, "one registrar update in all, never resent: \(before) -> \(count)\n\(ops)\n\(again.stdout)\n\(again.stderr)\n\(done.stdout)\n\(done.stderr)")
    }
}
