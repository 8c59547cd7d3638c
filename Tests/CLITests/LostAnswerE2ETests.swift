import Foundation
import Testing
import TestSupport

/// Writes that cannot hurt, end to end: the stand-in makes a write act and then drops the connection before its
/// answer (scripts/route53_standin/faults.py), at each batch position and twice in a row, for every kind of writer.
/// Each command must exit 0 on its first run, say `answer lost; checked: applied` under --verbose, and leave exactly
/// the intended state, read with boto3: no record missing, none twice, no second zone, no second registrar operation.
@Suite(.serialized) final class LostAnswerE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture() }
    deinit { f.stop() }

    func script(_ name: String) -> String { LocalServices.packageRoot.appendingPathComponent("scripts/\(name)").path }

    /// Seeds `zone` (the full profile: aliases in chains, so several batches) outside any set; returns its id.
    func seed(_ zone: String, records: Int) throws -> String { try f.seedMigration(zone, records: records) }

    /// zone-parity.py's verdict on the old zone and its copy (0: identical).
    func parity(old: String, new: String) throws -> Int32 {
        try LocalServices.run("/usr/bin/env", ["python3", script("zone-parity.py"), "--endpoint", f.moto.endpoint, "--old", old, "--new", new],
                              environment: f.moto.environment, check: false).status
    }

    /// The ids of the zones called `name` (boto3).
    func zones(_ name: String) throws -> [String] {
        try f.moto.zoneIds(name)
    }

    /// Copy batches `migrate --plan` announces for `zone`.
    func batchCount(_ zone: String) throws -> Int {
        let plan = try f.vanity(["migrate", "--set", f.setId, "--zone", zone, "--plan"])
        let line = try #require(plan.stdout.split(separator: "\n").first { $0.contains("batches:") }, "\(plan.stdout)\n\(plan.stderr)")
        return Int(line.split(separator: " ")[1]) ?? 0
    }

    func expectApplied(_ r: LocalServices.Output, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 0, "\(what): \(r.stdout)\n\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("answer lost; checked: applied"), "\(what): --verbose says what the read-back found\n\(r.stderr)",
                sourceLocation: sourceLocation)
    }

    /// migrate's copy: the answer of batch k lost (each k), then of two batches in a row, and of the tag copy.
    @Test func migrateCopiesSurviveALostAnswerAtEveryBatchAndTwoInARow() throws {
        let template = "lost-0.example"
        let templateId = try seed(template, records: 120)
        let batches = try batchCount(template)
        #expect(batches >= 3, "aliases in chains make several batches")
        // Position k of each zone's own batches (a zone's batches go one after the other); k == batches: two in a row.
        for k in 0...batches {
            let zone = k == 0 ? template : "lost-\(k).example"
            let old = k == 0 ? templateId : try seed(zone, records: 120)
            try f.moto.boto3("r53.change_tags_for_resource(ResourceType='hostedzone', ResourceId='\(old)', AddTags=[{'Key': 'team', 'Value': 'dns'}])")
            if k == 0 { try f.moto.loseAnswers(of: "ChangeTagsForResource") }
            let twice = k == batches
            try f.moto.loseAnswers(of: "ChangeResourceRecordSets", skip: twice ? 0 : k, count: twice ? 2 : 1)
            let lostBefore = try f.moto.lostAnswers().lost["ChangeResourceRecordSets"] ?? 0
            let run = try f.vanity(["migrate", "--verbose", "--set", f.setId, "--zone", zone, "--yes"])
            expectApplied(run, "batch \(k + 1) of \(batches)\(twice ? " and the next" : "") lost")
            #expect((try f.moto.lostAnswers().lost["ChangeResourceRecordSets"] ?? 0) - lostBefore == (twice ? 2 : 1), "the stand-in lost them")
            let ids = try zones(zone + ".")
            #expect(ids.count == 2, "the old zone and one copy: \(ids)")
            let copy = try #require(ids.first { $0 != old })
            #expect(try parity(old: old, new: copy) == 0, "zone-parity.py: the copy holds every record once")
            #expect(run.stdout.contains("parity: identical"), "\(run.stdout)")
            #expect(run.stdout.contains("change unknown (answer lost; checked: applied))"), "the progress line says so: \(run.stdout)")
            let tags = try f.moto.boto3("print(r53.list_tags_for_resource(ResourceType='hostedzone', ResourceId='\(copy)')['ResourceTagSet']['Tags'])")
            #expect(tags.contains("'team'") && tags.contains("'dns'"), "the tag copy whose answer was lost is in place: \(tags)")
        }
        #expect((try f.moto.lostAnswers().lost["ChangeTagsForResource"]) == 1)
    }

    /// --resync's creates and deletes, then --undo's delete batch and its DeleteHostedZone, each with a lost answer.
    @Test func resyncAndUndoSurviveLostAnswers() throws {
        let zone = "resync.example"
        let old = try seed(zone, records: 60)
        #expect(try f.vanity(["migrate", "--set", f.setId, "--zone", zone, "--yes"]).status == 0)
        let copy = try #require(try zones(zone + ".").first { $0 != old })
        try f.moto.boto3("""
        r53.change_resource_record_sets(HostedZoneId='\(old)', ChangeBatch={'Changes': [
            {'Action': 'CREATE', 'ResourceRecordSet': {'Name': 'added.\(zone).', 'Type': 'A', 'TTL': 300, 'ResourceRecords': [{'Value': '192.0.2.77'}]}},
            {'Action': 'CREATE', 'ResourceRecordSet': {'Name': 'added2.\(zone).', 'Type': 'TXT', 'TTL': 300, 'ResourceRecords': [{'Value': '"x"'}]}}]})
        """)
        try f.moto.loseAnswers(of: "ChangeResourceRecordSets")
        let resync = try f.vanity(["migrate", "--verbose", "--resync", "--zone", zone, "--yes"])
        expectApplied(resync, "resync creates")
        #expect(try parity(old: old, new: copy) == 0)

        // A deletion in the old zone: the resync's DELETE, answer lost.
        try f.moto.boto3("""
        r53.change_resource_record_sets(HostedZoneId='\(old)', ChangeBatch={'Changes': [
            {'Action': 'DELETE', 'ResourceRecordSet': {'Name': 'added.\(zone).', 'Type': 'A', 'TTL': 300, 'ResourceRecords': [{'Value': '192.0.2.77'}]}}]})
        """)
        try f.moto.loseAnswers(of: "ChangeResourceRecordSets")
        let deletion = try f.vanity(["migrate", "--verbose", "--resync", "--zone", zone, "--yes"])
        expectApplied(deletion, "resync delete")
        #expect(try parity(old: old, new: copy) == 0)
        #expect(try f.moto.boto3("""
        print(any(r['Name'] == 'added.\(zone).' for r in r53.list_resource_record_sets(HostedZoneId='\(copy)', StartRecordName='added.\(zone).', StartRecordType='A', MaxItems='1')['ResourceRecordSets']))
        """).contains("False"), "the deleted record is gone from the copy")

        try f.moto.loseAnswers(of: "ChangeResourceRecordSets")
        try f.moto.loseAnswers(of: "DeleteHostedZone")
        let undo = try f.vanity(["migrate", "--verbose", "--undo", "--zone", zone, "--yes"])
        expectApplied(undo, "undo")
        #expect(try zones(zone + ".") == [old], "the copy is gone, the old zone stays")
        #expect((try f.moto.lostAnswers().lost["DeleteHostedZone"]) == 1)
    }

    /// apply's batches, two in a row (the home zone's glue CREATEs, then a served zone's UPSERTs), the registrar
    /// update (UpdateDomainNameservers), the home zone's rollback (glue DELETEs) and `sets delete`, each answer lost.
    @Test func applyRollbackSetsDeleteAndTheRegistrarSurviveLostAnswers() throws {
        let target = ["--set", f.setId, "--domain", "example.com", "--zone", "shop.example", "--zone", "blog.example"]
        try f.moto.loseAnswers(of: "ChangeResourceRecordSets", skip: 0, count: 2)
        let apply = try f.vanity(["apply", "--verbose", "--yes"] + target)
        expectApplied(apply, "apply")
        #expect(try f.planIsEmpty(target), "everything applied on the first run")
        for i in 1...4 {
            #expect(try f.values("example.com.", "ns\(i).example.com.", "A") == ["127.0.0.\(i + 1)"], "one glue record, once")
        }
        let before = try f.moto.boto3("print(len(domains.list_operations()['Operations']))").trimmingCharacters(in: .whitespacesAndNewlines)
        try f.dns.waitForMotoChanges()
        try f.moto.loseAnswers(of: "UpdateDomainNameservers")
        let glue = try f.vanity(["apply", "--verbose", "--yes", "--registrar-glue"] + target.prefix(4))
        expectApplied(glue, "registrar update")
        let after = try f.moto.boto3("""
        ops = domains.list_operations()['Operations']
        print(len(ops))
        print(' '.join(sorted(n['Name'] for n in domains.get_domain_detail(DomainName='example.com')['Nameservers'])))
        """).split(separator: "\n").map(String.init)
        #expect(Int(after[0]) == (Int(before) ?? 0) + 1, "one operation, not a second update")
        #expect(after[1] == "ns1.example.com ns2.example.com ns3.example.com ns4.example.com")

        // The home zone's rollback DELETEs the glue it created (an UPSERT-only batch is simply retried).
        try f.moto.loseAnswers(of: "ChangeResourceRecordSets")
        let rollback = try f.vanity(["rollback", "--verbose", "--zone", "example.com", "--yes"])
        expectApplied(rollback, "rollback")
        for i in 1...4 { #expect(try f.values("example.com.", "ns\(i).example.com.", "A").isEmpty, "the glue apply created is gone") }

        let spare = try f.moto.boto3("print(r53.create_reusable_delegation_set(CallerReference='lost-answer-spare')['DelegationSet']['Id'].split('/')[-1])")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try f.moto.loseAnswers(of: "DeleteReusableDelegationSet")
        let delete = try f.vanity(["sets", "delete", "--verbose", spare, "--yes"])
        expectApplied(delete, "sets delete")
        let sets = try f.moto.boto3("print([s['Id'] for s in r53.list_reusable_delegation_sets()['DelegationSets']])")
        #expect(!sets.contains(spare), "\(sets)")
    }
}
