import Foundation
import Testing
import Route53
@testable import WhiteLabel
import TestSupport
import Terminal
@testable import Wizard

/// A second set under a home domain whose first set holds ns1-ns4: step 2 shows each set's group and offers the
/// next free one, step 3 fills in that group and lists the groups other sets hold.
@Suite("Wizard: host groups of several sets")
struct HostGroupWizardTests {
    @Test func theSecondSetGetsTheNextFreeGroup() async throws {
        let engine = FakeEngine()
        let r53 = FakeRoute53()
        var h = Harness(r53: r53, engine: engine)
        let first = try #require(r53.sets.first?.id)
        let second = "N2SECONDSET"
        r53.sets.append(DelegationSet(id: second, callerReference: "b", nameServers: ["ns-7.awsdns-07.com", "ns-8.awsdns-08.net", "ns-9.awsdns-09.org", "ns-10.awsdns-10.co.uk"]))
        engine.groups = HostGroupChoice(taken: [first: (1...4).map { "ns\($0).example.com" }], suggested: (5...8).map { "ns\($0).example.com" })
        await h.start()
        await h.key(.enter)
        #expect(h.state.step == .delegationSet)
        #expect(h.screen.contains("vanity hosts ns1-ns4.example.com"), "\(h.screen)")
        #expect(h.screen.contains("no hosts yet; next free: ns5-ns8.example.com"), "\(h.screen)")

        // Choose the second set, then the home domain.
        let index = try #require(h.state.delegationSet.sets.value?.firstIndex { $0.id == second })
        for _ in 0..<index { await h.key(.down) }
        await h.key(.enter)
        #expect(h.state.step == .vanityHosts)
        await h.type("exa")
        await h.key(.enter)
        #expect(h.state.vanityHosts.hosts == ["ns5.example.com", "ns6.example.com", "ns7.example.com", "ns8.example.com"])
        #expect(h.prose.contains("Taken by other sets: ns1-ns4.example.com (set \(first))"), "\(h.screen)")
        #expect(h.commands.contains { if case let .loadHostGroups(home, id, sets, listing) = $0 {
            return home == "example.com." && id == second && sets.count == 2 && listing == h.state.allZones.value }; return false })
    }

    @Test func labelsAreShortForARunOfHosts() {
        #expect(HostGroups.label(["ns5.example.com", "ns6.example.com", "ns7.example.com", "ns8.example.com"]) == "ns5-ns8.example.com")
        #expect(HostGroups.label(["a.example.com", "b.example.com"]) == "a.example.com b.example.com")
        #expect(HostGroups.label(["ns1.example.com", "ns3.example.com"]) == "ns1.example.com ns3.example.com")
    }
}

/// Steps 1 to a loaded step 5 for an account of 1,000 zones: the account's zones listed once, the set's once, and
/// `r` on the zones step lists both again.
@Suite("Wizard: one listing per run")
struct WizardListingTests {
    @Test func theAccountIsListedOncePerRun() async throws {
        let r53 = FakeRoute53()
        r53.pageSize = 100
        let set = try #require(r53.sets.first?.id)
        r53.zones += (0..<997).map { n in (HostedZone(id: String(format: "ZF%04d", n), name: String(format: "c%04d.example.", n), callerReference: "c\(n)"),
                                          n % 10 == 0 ? set : nil) }
        var h = Harness(size: Size(width: 120, height: 40), r53: r53)
        await h.start()
        await h.key(.enter)             // step 2
        await h.key(.enter)             // step 3: the set
        await h.type("example.com")
        await h.key(.enter)             // the home domain
        await h.key(.enter)             // step 4
        await h.key(.enter)             // step 5
        #expect(h.state.step == .zones && h.state.zones.setZones.value != nil)
        #expect(r53.accountListings == 1 && r53.accountListingPages == 10, "\(r53.accountListings) listings, \(r53.accountListingPages) pages")
        #expect(r53.setListings == 1 && r53.setListingPages == 2)
        // Back and forth: nothing listed again. `r`: both again.
        await h.key(.escape); await h.key(.enter)
        #expect(r53.accountListings == 1 && r53.setListings == 1)
        await h.key(.char("r"))
        #expect(r53.accountListings == 2 && r53.setListings == 2)
        #expect(h.state.listing?.account.count == 1000 && h.state.listing?.set?.zones.count == 102)
        // Once the run has made a zone (a migration's copy), the listing is not trusted: the engine lists afresh.
        h.state.migration.copied = ["legacy.example."]
        #expect(h.state.listing == nil && h.state.request.listing == nil)
    }
}

/// The same at fleet shape with the real engine: three sets, the home zone in the first with its group's glue. The
/// host groups (step 2 from the journal's home domain, step 3 from the chosen one) are read from the home zone's glue
/// and the run's listing, so steps 1 to a loaded step 5 list the account once (3 pages) and the chosen set once, and
/// never from a name (ListHostedZonesByName). Each set's own listing here would be 3 more listings.
@Suite("Wizard: host groups from the run's listing")
struct HostGroupsFromTheListingTests {
    @Test func stepsOneToFiveListTheAccountOnce() async throws {
        let r53 = FakeRoute53()
        r53.pageSize = 100
        let first = try #require(r53.sets.first)
        let others = (2...3).map { n in DelegationSet(id: "N\(n)FLEETSET", callerReference: "s\(n)",
                                                     nameServers: (0..<4).map { "ns-\(n * 10 + $0).awsdns-\(n).com" }) }
        r53.sets += others
        r53.zones += (0..<247).map { n in (HostedZone(id: String(format: "ZF%04d", n), name: String(format: "c%04d.fleet.", n), callerReference: "c\(n)"),
                                          [first.id, others[0].id, others[1].id][n % 3]) }
        let dns = FakeDNS()
        for (i, set) in ([first] + others).enumerated() {
            for (j, ns) in set.nameServers.enumerated() { dns.setAddresses(ns, v4: ["192.0.\(i + 10).\(j + 1)"], v6: []) }
        }
        // The home zone holds the first set's group: ns1-ns4.example.com at its name servers' addresses.
        r53.records["Z1"] = [ResourceRecordSet(name: "example.com.", type: "SOA", ttl: 900, values: ["ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 60"]),
                             ResourceRecordSet(name: "example.com.", type: "NS", ttl: 60, values: (1...4).map { "ns\($0).example.com." })]
            + (0..<4).map { ResourceRecordSet(name: "ns\($0 + 1).example.com.", type: "A", ttl: 60, values: ["192.0.10.\($0 + 1)"]) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostgroups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // An earlier run's apply: its home domain is the one step 2 reads the groups under.
        try JournalStore(directory: dir).save(JournalEntry(zoneName: "example.com.", zoneId: "Z1", setId: first.id ?? "", homeDomain: "example.com.",
                                                           createdZone: false, saved: [], created: [], lastBatch: [], changeId: nil, state: .done, updatedAt: Date()))
        let engine = WhiteLabelEngine(route53: r53, domains: nil, resolver: dns, stateDirectory: dir)
        var h = Harness(size: Size(width: 100, height: 40), r53: r53, service: engine)
        await h.start()
        await h.key(.enter)             // step 2
        #expect(h.screen.contains("vanity hosts ns1-ns4.example.com"), "\(h.screen)")
        #expect(h.screen.contains("no hosts yet; next free: ns5-ns8.example.com"), "\(h.screen)")
        await h.key(.down)
        await h.key(.enter)             // step 3: the second set
        await h.type("example.com")
        await h.key(.enter)             // the home domain, in the first set
        #expect(h.state.vanityHosts.hosts == (5...8).map { "ns\($0).example.com" })
        #expect(h.prose.contains("Taken by other sets: ns1-ns4.example.com (set \(first.id ?? ""))"), "\(h.screen)")
        #expect(h.state.vanityHosts.problems.isEmpty, "\(h.state.vanityHosts.problems)")
        await h.key(.enter)             // step 4
        await h.key(.enter)             // step 5
        #expect(h.state.step == .zones && h.state.zones.setZones.value?.count == 82)
        #expect(r53.accountListings == 1 && r53.accountListingPages == 3, "\(r53.accountListings) listings, \(r53.accountListingPages) pages")
        #expect(r53.setListings == 1 && r53.setListingPages == 1, "\(r53.setListings) set listings")
        #expect(r53.byNameListings == 0)
    }
}

/// Step 3's validation while the run's listing of the account is still on its way: it waits for it and runs when it
/// arrives, so it never lists the account itself (at 1,000 zones that would be 10 pages more).
@Suite("Wizard: validation waits for the run's listing")
struct ValidationWaitsForTheListingTests {
    @Test func theDebouncedValidationRunsWhenTheListingArrives() async throws {
        var h = Harness()
        await h.start()
        await h.key(.enter)             // step 2
        await h.key(.enter)             // step 3: the set
        await h.type("example.com")
        await h.key(.enter)             // the home domain: editing the hosts
        #expect(h.state.step == .vanityHosts && h.state.vanityHosts.editingHosts)
        let listing = try #require(h.state.allZones.value)
        h.state.allZones = .loading
        let g = h.state.vanityHosts.validationGeneration
        #expect(h.state.update(.step(VanityHostsStep.Msg.debounceFired(g))).isEmpty, "no validation of its own while the listing loads")
        let commands = h.state.update(.allZonesLoaded(.success(listing)))
        #expect(commands.contains { if case let .validate(req, gen) = $0 { return gen == g && req.listing?.account == listing }; return false }, "\(commands)")
    }
}

@Suite("Wizard: a home zone in another set")
struct HomeInAnotherSetWizardTests {
    @Test func theRegistrarOfTheHomeDomainIsLeftAlone() async {
        let e = FakeEngine()
        e.homeGlueOnly = true
        var h = Harness(engine: e, registrarLookup: { _ in [DomainNameserver(name: "ns1.example.com", glueIps: nil)] })
        await WizardFlowTests.toPlan(&h)
        #expect(h.screen.contains("example.com (home zone, other set: glue only)"), "\(h.screen)")
        await h.keys(.char("y"), .char("y"), .enter)
        #expect(h.state.step == .registrar)
        await h.key(.char("a"))
        #expect(h.state.confirm == nil, "no question: nothing is sent for the home domain")
        #expect(h.prose.contains("lives in another set and keeps its own vanity hosts"), "\(h.screen)")
        #expect(!h.commands.contains { if case .registrarApply = $0 { return true }; return false })
    }
}
