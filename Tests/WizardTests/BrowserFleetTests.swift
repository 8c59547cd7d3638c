import Foundation
import Testing
import Route53
import WhiteLabel
import Terminal
@testable import Wizard

/// The browser at fleet size: 1,000 zones over 10 sets, every zone with its set and its audit status as the answers
/// arrive, and `/` filtering the rows without asking Route 53 anything.
@Suite("Browser: a fleet of 1,000 zones over 10 sets")
struct BrowserFleetTests {
    static func fleet() -> FakeRoute53 {
        let r53 = FakeRoute53()
        r53.pageSize = 100
        r53.sets = (0..<10).map { i in
            DelegationSet(id: "NSET\(i)", callerReference: "s\(i)", nameServers: ["ns-\(i).awsdns-0\(i).com", "ns-\(512 + i).awsdns-0\(i).net",
                                                                                    "ns-\(1024 + i).awsdns-0\(i).org", "ns-\(1536 + i).awsdns-0\(i).co.uk"])
        }
        r53.zones = (0..<1000).map { n in
            (HostedZone(id: String(format: "Z%04d", n), name: String(format: "customer%04d.example.", n), callerReference: "c\(n)", resourceRecordSetCount: 3),
             "NSET\(n % 10)")
        }
        return r53
    }

    @Test func everyZoneWithItsSetAndStatusThenFilteredAtOnce() async {
        let r53 = Self.fleet()
        @Sendable func row(_ zone: String) -> AuditRow {
            AuditRow(zone: zone, zoneId: "", vanityHosts: [], delegation: .vanity, parentNS: [], addresses: 8, answeringUDP: 8, answeringTCP: 8,
                     serials: [1], apexNS: [], apexMatchesParent: true, glue: "-", awsShowsThrough: [], problems: [])
        }
        let audited = Box(0)
        var s = BrowserState(size: Size(width: 120, height: 40), account: AccountInfo(keyHint: "…7QX4", endpoint: "e"))
        let d = BrowserDriver(runner: BrowserRunner(route53: r53, audit: { zones, _ in
            audited.value = zones.count
            return AsyncStream { c in
                for z in zones { c.yield(row(DomainName(trusted: z.name).ascii)) }
                c.finish()
            }
        }))
        await d.run(&s, s.initialCommands)
        await d.key(&s, .enter)   // All hosted zones
        #expect(s.zonesLevel.zones.count == 1000)
        #expect(s.view().text.contains("All hosted zones (1000)"), "\(s.view().text)")
        #expect(s.zonesLevel.zoneSets.count == 1000 && s.zonesLevel.zoneSets["Z0437"] == "NSET7")
        #expect(r53.setListings == 10 && r53.setListingPages == 10, "one listing per set, one page each")
        #expect(audited.value == 1000 && s.zonesLevel.zoneStatus.count == 1000 && !s.zonesLevel.auditing)
        #expect(s.view().lines.contains { $0.contains("customer0000.example") && $0.contains("NSET0") && $0.contains("white label") })

        // `/` narrows the 1,000 rows at each key, with no request.
        let before = d.commands.count
        await d.key(&s, .char("/"))
        for c in "r0437" { await d.key(&s, .char(c)) }
        let lines = s.view().lines.filter { $0.contains("customer") }
        #expect(lines.count == 1 && lines[0].contains("customer0437.example") && lines[0].contains("NSET7"), "\(lines)")
        #expect(d.commands.count == before, "filtering asks Route 53 nothing")
    }

    @Test func theSetColumnFillsInSetBySet() {
        var s = BrowserState(size: Size(width: 120, height: 40), account: AccountInfo(endpoint: "e"))
        _ = s.update(.page(generation: 0, .sets((0..<2).map { DelegationSet(id: "NSET\($0)", callerReference: nil, nameServers: []) })))
        _ = s.update(.finished(generation: 0, error: nil))
        _ = s.update(.key(.enter))
        _ = s.update(.page(generation: 1, .zones([HostedZone(id: "Z1", name: "a.example.", callerReference: "a"),
                                                  HostedZone(id: "Z2", name: "b.example.", callerReference: "b")])))
        _ = s.update(.zoneSets(generation: 1, setId: "NSET1", zoneIds: ["Z2"]))
        let lines = s.view().lines
        #expect(lines.contains { $0.contains("b.example") && $0.contains("NSET1") })
        #expect(lines.contains { $0.contains("a.example") && $0.contains("…") }, "a set not yet answered: no guess")
    }
}
