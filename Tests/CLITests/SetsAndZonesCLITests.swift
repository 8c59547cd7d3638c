import Foundation
import Testing
import TestSupport

/// `vanityns sets ...` and `vanityns zones ...` against a real moto server, cross-checked with boto3.
@Suite(.serialized) final class SetsAndZonesCLITests {
    let moto: MotoServer
    init() throws { moto = try MotoServer() }
    deinit { moto.stop() }

    func vanity(_ args: String...) throws -> LocalServices.Output {
        try CLI.run(args, env: CLI.environment(moto.environment))
    }

    func json(_ s: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }

    @Test func createShowListAndDeleteASetMatchBoto3() throws {
        let created = try vanity("sets", "create", "--caller-reference", "cli-test-1", "--output", "json")
        #expect(created.status == 0, "\(created.stderr)")
        let obj = try json(created.stdout)
        let set = try #require(obj["DelegationSet"] as? [String: Any])
        let id = try #require(set["Id"] as? String)
        #expect(id.hasPrefix("/delegationset/"))
        #expect((set["NameServers"] as? [String])?.count == 4)
        #expect(set["CallerReference"] as? String == "cli-test-1")

        // Same caller reference again: the same set, no duplicate.
        let again = try vanity("sets", "create", "--caller-reference", "cli-test-1", "--output", "json")
        #expect(again.status == 0)
        #expect(((try json(again.stdout))["DelegationSet"] as? [String: Any])?["Id"] as? String == id)
        let count = try moto.boto3("print(sum(1 for s in r53.list_reusable_delegation_sets()['DelegationSets'] if s['CallerReference']=='cli-test-1'))")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        let bare = String(id.split(separator: "/").last!)
        let list = try vanity("sets", "list")
        #expect(list.status == 0)
        #expect(list.stdout.contains(bare))
        #expect(list.stdout.contains("ns-2048.awsdns-64.com"))

        let show = try vanity("sets", "show", id, "--output", "json")
        #expect(show.status == 0, "\(show.stderr)")
        let shown = try json(show.stdout)
        #expect(shown["Count"] as? Int == 0)
        #expect((shown["Limit"] as? [String: Any])?["Value"] as? Int == 100)

        let del = try vanity("sets", "delete", bare, "--yes")
        #expect(del.status == 0, "\(del.stderr)")
        let left = try moto.boto3("print(len([s for s in r53.list_reusable_delegation_sets()['DelegationSets'] if s['Id'].endswith('\(bare)')]))")
        #expect(left.trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        // Route 53 never takes a reference twice, even once its set is gone: the error says so and what to do.
        let reused = try vanity("sets", "create", "--caller-reference", "cli-test-1")
        #expect(reused.status == 1)
        #expect(reused.stderr.contains("DelegationSetAlreadyCreated") && reused.stderr.contains("new caller reference"), "\(reused.stderr)")
    }

    @Test func aDerivedReferenceSpentByADeletedSetMovesToItsNextGeneration() throws {
        let first = try json(try vanity("sets", "create", "--output", "json").stdout)
        let id = try #require((first["DelegationSet"] as? [String: Any])?["Id"] as? String)
        let ref = try #require((first["DelegationSet"] as? [String: Any])?["CallerReference"] as? String)
        #expect(try vanity("sets", "delete", String(id.split(separator: "/").last!), "--yes").status == 0)
        // The derived reference is spent for good: the next generation makes a new set, and a rerun finds that one.
        let second = try json(try vanity("sets", "create", "--output", "json").stdout)
        #expect((second["DelegationSet"] as? [String: Any])?["CallerReference"] as? String == ref + "-2")
        let again = try json(try vanity("sets", "create", "--output", "json").stdout)
        #expect((again["DelegationSet"] as? [String: Any])?["Id"] as? String == (second["DelegationSet"] as? [String: Any])?["Id"] as? String)
        let count = try moto.boto3("print(len(r53.list_reusable_delegation_sets()['DelegationSets']))")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "one set, no duplicate")
    }

    @Test func aSetCreateWhoseAnswerIsLostMakesOneSetFoundOnRetry() throws {
        // The stand-in makes the set, then drops the connection: the client never hears. Its retry meets
        // DelegationSetAlreadyCreated (as on Route 53) and finds the set the first attempt made.
        try moto.dropCreateAnswers(1)
        let created = try vanity("sets", "create", "--caller-reference", "cli-lost", "--output", "json")
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(((try json(created.stdout))["DelegationSet"] as? [String: Any])?["Id"] as? String)
        let sets = try moto.boto3("print(' '.join(s['Id'].split('/')[-1] for s in r53.list_reusable_delegation_sets()['DelegationSets'] if s['CallerReference'] == 'cli-lost'))")
        #expect(sets.trimmingCharacters(in: .whitespacesAndNewlines) == String(id.split(separator: "/").last!), "exactly one set, the one returned")
        #expect(try moto.proxyStats().byOperation["CreateReusableDelegationSet"]?.requests == 2, "the lost attempt and one retry")
    }

    @Test func zonesCreateInASetIsIdempotentAndListsMatchBoto3() throws {
        let set = try json(try vanity("sets", "create", "--caller-reference", "cli-zones", "--output", "json").stdout)
        let id = try #require((set["DelegationSet"] as? [String: Any])?["Id"] as? String)
        let bare = String(id.split(separator: "/").last!)
        let made = try vanity("zones", "create", "alpha.example", "beta.example", "gamma.example", "--set", bare)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.split(separator: "\n").count == 3)
        // A rerun converges: still three zones.
        let rerun = try vanity("zones", "create", "alpha.example", "beta.example", "gamma.example", "--set", bare)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let boto = try moto.boto3("""
        zs = r53.list_hosted_zones(DelegationSetId='\(bare)')['HostedZones']
        print(' '.join(sorted(z['Name'] for z in zs)))
        """)
        #expect(boto.trimmingCharacters(in: .whitespacesAndNewlines) == "alpha.example. beta.example. gamma.example.")
        let listed = try json(try vanity("zones", "list", "--set", bare, "--output", "json").stdout)
        let names = ((listed["HostedZones"] as? [[String: Any]]) ?? []).compactMap { $0["Name"] as? String }.sorted()
        #expect(names == ["alpha.example.", "beta.example.", "gamma.example."])
        // Global options work before the subcommand too.
        let before = try CLI.run(["--output", "json", "zones", "list", "--set", bare], env: CLI.environment(moto.environment))
        #expect(before.status == 0)
        #expect(before.stdout.contains("\"HostedZones\""))
    }

    @Test func createWithoutAReferenceIsIdempotentToo() throws {
        let a = try json(try vanity("sets", "create", "--output", "json").stdout)
        let b = try json(try vanity("sets", "create", "--output", "json").stdout)
        let idA = try #require((a["DelegationSet"] as? [String: Any])?["Id"] as? String)
        #expect((b["DelegationSet"] as? [String: Any])?["Id"] as? String == idA)
        let count = try moto.boto3("print(len(r53.list_reusable_delegation_sets()['DelegationSets']))")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func zoneListingJoinsEveryPageBeyondAHundred() throws {
        let out = try moto.boto3("""
        s = r53.create_reusable_delegation_set(CallerReference='many')['DelegationSet']['Id'].split('/')[-1]
        for i in range(120):
            r53.create_hosted_zone(Name='z%03d.many.example' % i, CallerReference='many-%d' % i, DelegationSetId=s)
        print(s)
        """)
        let set = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try json(try vanity("zones", "list", "--set", set, "--output", "json").stdout)
        let names = Set(((listed["HostedZones"] as? [[String: Any]]) ?? []).compactMap { $0["Name"] as? String })
        #expect(names.count == 120)
        #expect(names.contains("z000.many.example.") && names.contains("z119.many.example."))
        let text = try vanity("zones", "list", "--set", set)
        #expect(text.stdout.split(separator: "\n").count == 121)   // header + 120 rows
    }

    @Test func deletingASetInUseIsRefusedWithTheZonesListed() throws {
        let set = try json(try vanity("sets", "create", "--caller-reference", "in-use", "--output", "json").stdout)
        let id = try #require((set["DelegationSet"] as? [String: Any])?["Id"] as? String)
        #expect(try vanity("zones", "create", "inuse.example", "--set", id).status == 0)
        let r = try vanity("sets", "delete", id, "--yes")
        #expect(r.status == 1)
        #expect(r.stderr.contains("inuse.example."))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func unknownSetIsAClearError() throws {
        let r = try vanity("sets", "show", "NNOSUCHSET")
        #expect(r.status == 1)
        #expect(r.stderr.contains("NoSuchDelegationSet"))
        let z = try vanity("zones", "create", "x.example", "--set", "NNOSUCHSET")
        #expect(z.status == 1)
        #expect(z.stderr.contains("NoSuchDelegationSet"))
        let none = try moto.boto3("print(len([z for z in r53.list_hosted_zones()['HostedZones'] if z['Name']=='x.example.']))")
        #expect(none.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func invalidZoneNameIsAUsageError() throws {
        let r = try vanity("zones", "create", "bad..example", "--set", "N1")
        #expect(r.status == 64)
        #expect(r.stderr.contains("bad..example"))
    }
}
