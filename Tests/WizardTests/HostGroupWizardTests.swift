import Foundation
import Testing
import Route53
import WhiteLabel
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
        #expect(h.commands.contains(.loadHostGroups(homeDomain: "example.com.", setId: second)))
    }

    @Test func labelsAreShortForARunOfHosts() {
        #expect(HostGroups.label(["ns5.example.com", "ns6.example.com", "ns7.example.com", "ns8.example.com"]) == "ns5-ns8.example.com")
        #expect(HostGroups.label(["a.example.com", "b.example.com"]) == "a.example.com b.example.com")
        #expect(HostGroups.label(["ns1.example.com", "ns3.example.com"]) == "ns1.example.com ns3.example.com")
    }
}
