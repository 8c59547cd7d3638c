import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

/// Several sets under one home domain: each set its own group of vanity hosts, every group's glue in the home zone;
/// and where `--set auto` puts new zones.
@Suite struct FleetTests {
    /// Set A applied (home zone in it, ns1-ns4), then set B with its own addresses.
    func twoSets() async throws -> (Stand, String) {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        let b = s.r53.addSet()
        for (i, ns) in try await s.r53.getReusableDelegationSet(id: b).nameServers.enumerated() {
            s.dns.setAddresses(ns, v4: ["198.51.100.\(i + 1)"], v6: ["2001:db8:b::\(i + 1)"])
        }
        return (s, b)
    }

    @Test func aSecondSetWritesOnlyItsGlueIntoTheHomeZoneOfTheFirst() async throws {
        let (s, b) = try await twoSets()
        var request = s.request(extra: ["customer.org"], createZones: true)
        request.setId = b
        let plan = try await s.engine().plan(request)
        #expect(plan.homeInAnotherSet)
        #expect(plan.nameServers.map(\.vanityHost) == ["ns5.example.com", "ns6.example.com", "ns7.example.com", "ns8.example.com"],
                "the next free group by default")
        let home = try #require(plan.zones.first { $0.isHome })
        #expect(home.glueOnly && home.zoneId == s.homeZoneId)
        #expect(home.changes.allSatisfy { $0.role == .glue && $0.action == .create }, "no NS or SOA change in the other set's home zone")
        #expect(home.changes.count == 8)
        let customer = try #require(plan.zones.first { $0.zoneName == "customer.org." })
        #expect(customer.createInSet)
        #expect(customer.changes.first { $0.role == .apexNS }?.after.values == ["ns5.example.com.", "ns6.example.com.", "ns7.example.com.", "ns8.example.com."])

        try await s.applyAll(s.engine(), request)
        let ns = s.r53.record(zoneId: s.homeZoneId, name: "example.com.", type: "NS")
        #expect(ns?.values == ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."], "set A keeps the home zone")
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "ns1.example.com.", type: "A")?.values == ["192.0.2.1"])
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "ns5.example.com.", type: "A")?.values == ["198.51.100.1"])

        // A rerun finds set B's own group (from the glue) and has nothing left to do.
        let again = try await s.engine().plan(request)
        #expect(again.nameServers.map(\.vanityHost).first == "ns5.example.com")
        #expect(again.isEmpty, "\(again.zones)")
    }

    @Test func anotherSetsGroupIsRefused() async throws {
        let (s, b) = try await twoSets()
        var request = s.request(hosts: ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"])
        request.setId = b
        let problems = await s.engine().validate(request)
        #expect(problems.contains { $0.subject == "--hosts" && $0.message.contains("ns5.example.com,ns6.example.com") }, "\(problems)")
        await #expect(throws: ValidationFailed.self) { try await s.engine().plan(request) }
    }

    @Test func aGroupWhoseGlueIsAnotherSetsAddressesIsRefused() async throws {
        let (s, b) = try await twoSets()
        var request = s.request()
        request.setId = b
        try await s.applyAll(s.engine(), request)   // ns5-ns8 for set B
        // Set C asked to take ns5-ns8: their glue carries set B's addresses.
        let c = s.r53.addSet()
        for (i, ns) in try await s.r53.getReusableDelegationSet(id: c).nameServers.enumerated() {
            s.dns.setAddresses(ns, v4: ["203.0.113.\(i + 1)"], v6: [])
        }
        request.setId = c
        request.hosts = ["ns5.example.com", "ns6.example.com", "ns7.example.com", "ns8.example.com"]
        do {
            _ = try await s.engine().plan(request)
            Issue.record("set B's group was planned for set C")
        } catch let e as ValidationFailed {
            #expect(e.problems.contains { $0.subject == "ns5.example.com" && $0.message.contains("belongs to delegation set \(b)") && $0.message.contains("ns9.example.com") },
                    "\(e.problems)")
        }
        request.hosts = nil
        let plan = try await s.engine().plan(request)
        #expect(plan.nameServers.map(\.vanityHost).first == "ns9.example.com")
    }

    @Test func verifyOfTheSecondGroupLeavesTheHomeZoneToItsOwn() async throws {
        let (s, b) = try await twoSets()
        var request = s.request()
        request.setId = b
        let plan = try await s.engine().plan(request)
        try await s.applyAll(s.engine(), request)
        let report = try await s.engine().verify(homeDomain: "example.com", zones: [], hosts: plan.nameServers.map(\.vanityHost), queryPort: 53, target: .system)
        #expect(report.rows.allSatisfy { $0.zone != "example.com" }, "the home zone is not asked of set B's hosts")
    }

    @Test func groupsAreReadFromTheGlue() {
        let home = DomainName(trusted: "example.com")
        let records = [
            ResourceRecordSet(name: "ns1.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"]),
            ResourceRecordSet(name: "ns2.example.com.", type: "A", ttl: 60, values: ["192.0.2.2"]),
            ResourceRecordSet(name: "ns5.example.com.", type: "A", ttl: 60, values: ["198.51.100.1"]),
            ResourceRecordSet(name: "ns6.example.com.", type: "AAAA", ttl: 60, values: ["2001:db8:b::2"]),
        ]
        let servers = [NameServerAddresses(awsName: "a", vanityHost: "", ipv4: ["198.51.100.1"], ipv6: []),
                       NameServerAddresses(awsName: "b", vanityHost: "", ipv4: [], ipv6: ["2001:DB8:B::2"])]
        #expect(HostGroups.group(of: servers, records: records, home: home) == [DomainName(trusted: "ns5.example.com"), DomainName(trusted: "ns6.example.com")])
        let unknown = [NameServerAddresses(awsName: "c", vanityHost: "", ipv4: ["203.0.113.9"], ipv6: [])]
        #expect(HostGroups.group(of: unknown, records: records, home: home) == nil)
        #expect(HostGroups.nextFree(home: home, records: records).map(\.ascii) == ["ns9.example.com", "ns10.example.com", "ns11.example.com", "ns12.example.com"])
        #expect(HostGroups.nextFree(home: home, records: []).first?.ascii == "ns1.example.com")
    }

    // MARK: placement

    func names(_ list: [String]) -> [DomainName] { list.map { DomainName(trusted: $0) } }

    @Test func placementKeepsParentAndChildApartAndRespectsTheLimit() throws {
        let sets = [PlacementSet(id: "A", zones: names(["example.org"]), count: 1, limit: 3),
                    PlacementSet(id: "B", zones: [], count: 0, limit: 3)]
        let zones = names(["shop.example.org", "a.test", "b.test", "c.test", "example.org"])
        let plan = try ZonePlacement.place(zones, in: sets, allowNewSets: false, newSetLimit: 3).get()
        func setOf(_ z: String) -> String? { plan.places.first { $0.zone.ascii == z }.map { plan.sets[$0.set].id ?? "new" } }
        #expect(setOf("shop.example.org") == "B", "never with its parent")
        #expect(setOf("a.test") == "A" && setOf("b.test") == "A")
        #expect(setOf("c.test") == "B", "A is full at 3")
        #expect(plan.places.first { $0.zone.ascii == "example.org" }?.alreadyThere == true)
        #expect(plan.sets.allSatisfy { $0.count <= $0.limit })
        #expect(plan.newSets == 0)
    }

    @Test func noRoomIsRefusedWithTheWayOutUnlessANewSetIsAllowed() throws {
        let sets = [PlacementSet(id: "A", zones: names(["example.org"]), count: 1, limit: 1)]
        switch ZonePlacement.place(names(["x.test"]), in: sets, allowNewSets: false, newSetLimit: 100) {
        case .success: Issue.record("placed in a full set")
        case let .failure(r):
            #expect(r.problems.count == 1)
            #expect(r.problems[0].message.contains("set A is full (1/1 zones)") && r.problems[0].message.contains("vanityns sets create")
                    && r.problems[0].message.contains("--new-set"), "\(r.problems)")
        }
        let child = [PlacementSet(id: "A", zones: names(["example.org"]), count: 1, limit: 10)]
        if case let .failure(r) = ZonePlacement.place(names(["www.example.org"]), in: child, allowNewSets: false, newSetLimit: 10) {
            #expect(r.problems[0].message.contains("holds its parent example.org"))
        } else { Issue.record("placed beside its parent") }
        let plan = try ZonePlacement.place(names(["x.test", "y.test", "z.test"]), in: sets, allowNewSets: true, newSetLimit: 2).get()
        #expect(plan.newSets == 2, "two new sets of two")
        #expect(plan.places.map(\.set) == [1, 1, 2])
    }

    @Test func aMigrationCopyCountsAsPlacedOnlyWhenItIsOurs() throws {
        // The source zone example.org lives in set A (not made by vanityns there): its copy must go elsewhere.
        let sets = [PlacementSet(id: "A", zones: names(["example.org"]), placed: [], count: 1, limit: 10),
                    PlacementSet(id: "B", zones: [], placed: [], count: 0, limit: 10)]
        let plan = try ZonePlacement.place(names(["example.org"]), in: sets, allowNewSets: false, newSetLimit: 10).get()
        #expect(plan.places.first?.set == 1 && plan.places.first?.alreadyThere == false)
    }
}

/// The wizard's one listing: a request carrying the account's and the set's zones is validated and planned without
/// listing them again.
@Suite struct ListingOnceTests {
    @Test func validationAndPlanReadTheListingGiven() async throws {
        let s = try await Stand()
        let account = s.r53.allZones()
        var request = s.request()
        request.listing = ZoneListing(account: account, set: (id: s.setId, zones: account))
        let before = s.r53.zoneListings
        #expect(await s.engine().validate(request).isEmpty)
        _ = try await s.engine().plan(request)
        #expect(s.r53.zoneListings == before, "no ListHostedZones: the listing given was read")
        request.listing = nil
        _ = try await s.engine().plan(request)
        #expect(s.r53.zoneListings > before, "without it the zones are listed")
    }
}
