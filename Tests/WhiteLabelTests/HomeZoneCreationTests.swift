import Foundation
import Testing
import Route53
@testable import WhiteLabel
import TestSupport

/// From an account without the home zone (the wizard's "create it in set N"): `createZones` creates the HOME zone in
/// the set too, with its glue, NS and SOA, in the one apply of its batch.
@Suite struct HomeZoneCreationTests {
    @Test func homeZoneIsCreatedInTheSetWithItsGlue() async throws {
        let s = try await Stand(createHome: false)
        #expect(await s.engine().validate(s.request()).contains { $0.message.contains("--create-zones") })

        let plan = try await s.engine().plan(s.request(createZones: true))
        let home = try #require(plan.zones.first)
        #expect(home.isHome && home.createInSet && home.zoneId == nil)
        #expect(home.changes.filter { $0.role == .glue }.count == 8)

        let events = EventLog()
        try await s.engine().apply(home, of: plan, events: events.add)
        let zone = try #require(s.r53.allZones().first { $0.name == "example.com." })
        #expect(try await s.r53.getHostedZone(id: zone.id).delegationSet?.id == s.setId)
        #expect(s.r53.record(zoneId: zone.id, name: "ns1.example.com", type: "A")?.values == ["192.0.2.1"])
        #expect(s.r53.record(zoneId: zone.id, name: "ns4.example.com", type: "AAAA")?.values == ["2001:db8::4"])
        #expect(s.r53.record(zoneId: zone.id, name: "example.com", type: "NS")?.values.first == "ns1.example.com.")
        #expect(s.r53.record(zoneId: zone.id, name: "example.com", type: "SOA")?.values.first?.hasPrefix("ns1.example.com. ") == true)
        #expect(events.all.contains(.zoneCreated(zoneName: "example.com.", zoneId: zone.id)))
        #expect(s.engine().journalEntry(zone: "example.com")?.createdZone == true)
        // Planned again (now without creating): nothing left.
        #expect(try await s.engine().plan(s.request()).isEmpty)
    }
}
