import Foundation
import Testing
import Route53
import WhiteLabel
import Terminal
@testable import Wizard

/// What a real run at 80x24 showed cut or misleading, and the fixes: columns sized to their content, the SOA change
/// spelled out, scroll markers, zones marked by the set that really serves them, a new home zone, resume at start.
@Suite("Wizard layout and the polish of a real run")
struct LayoutTests {
    static let aws = ["ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net", "ns-2050.awsdns-66.org", "ns-2051.awsdns-67.co.uk"]
    static let hosts = ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"]

    static func state(_ step: WizardStep, size: Size = Size(width: 80, height: 24)) -> WizardState {
        var s = WizardState(size: size, account: AccountInfo(keyHint: "…7QX4", endpoint: "https://route53.amazonaws.com"), runId: "t")
        s.step = step
        s.delegationSet.chosenSet = DelegationSet(id: "N0284911Q2UJ8DKK2", callerReference: nil, nameServers: aws)
        s.vanityHosts.homeDomain = "example.com."; s.vanityHosts.hosts = hosts
        return s
    }

    @Test("step 1: the credential source is shown whole at 80x24, e.g. an SSO role or an assumed role")
    func accountSource() {
        for source in ["sso corp · role Admin · account …9012", "assume role dns via base"] {
            var s = Self.state(.account)
            s.account = AccountInfo(profile: "dns", keyHint: "…7QX4", credentialSource: source, endpoint: "https://route53.amazonaws.com")
            #expect(s.view().lines.contains { $0.contains("source") && $0.contains(source) }, "\(source)")
        }
    }

    @Test("step 3: the record count is not cut, the IDs line up")
    func homePicker() {
        var s = Self.state(.vanityHosts)
        s.vanityHosts.homeDomain = nil; s.vanityHosts.hosts = []
        s.allZones = .loaded([
            HostedZone(id: "Z08213952XKPV0Q8HJ2A1", name: "example.com.", callerReference: "a", resourceRecordSetCount: 6),
            HostedZone(id: "Z1", name: "a-much-longer-zone-name.example.", callerReference: "b", resourceRecordSetCount: 1234),
        ])
        let lines = s.view().lines
        let home = lines.first { $0.contains("example.com ") }!, long = lines.first { $0.contains("a-much-longer") }!
        #expect(home.contains("6 records") && long.contains("1234 records"))
        #expect(home.range(of: "Z08213952XKPV0Q8HJ2A1")!.lowerBound.utf16Offset(in: home) == long.range(of: "Z1 ")!.lowerBound.utf16Offset(in: long))
    }

    @Test("step 4: AWS names whole; IPv6 gives way (with …) only when the row does not fit")
    func review() {
        var s = Self.state(.review)
        s.review.addresses = zip(Self.aws, Self.hosts).enumerated().map { i, p in
            NameServerAddresses(awsName: p.0, vanityHost: p.1, ipv4: ["205.251.19\(i).0"], ipv6: ["2600:9000:5306:1a00::\(i)"])
        }
        let narrow = s.view().text
        for name in Self.aws { #expect(narrow.contains(name)) }
        #expect(narrow.contains("205.251.193.0"))
        #expect(narrow.contains("2600:9000:5306:1a00::3") || narrow.contains("2600:9000:5306:1a…"))
        s.size = Size(width: 120, height: 40)
        #expect(s.view().text.contains("2600:9000:5306:1a00::3"))
        #expect(s.view().lines.filter { $0.contains("2600:") }.allSatisfy { !$0.contains("…") })
    }

    static func soaPlan() -> WhiteLabelPlan {
        let soaOld = ResourceRecordSet(name: "example.com.", type: "SOA", ttl: 900, values: ["ns-2048.awsdns-64.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"])
        var soaNew = soaOld
        soaNew.resourceRecords = [ResourceRecord(value: "ns1.example.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 60")]
        let nsOld = ResourceRecordSet(name: "example.com.", type: "NS", ttl: 172800, values: aws.map { $0 + "." })
        let nsNew = ResourceRecordSet(name: "example.com.", type: "NS", ttl: 60, values: hosts.map { $0 + "." })
        let zone = ZonePlan(zoneName: "example.com.", zoneId: "Z1", isHome: true, createInSet: false, changes: [
            PlannedChange(role: .apexNS, action: .upsert, before: nsOld, after: nsNew),
            PlannedChange(role: .soa, action: .upsert, before: soaOld, after: soaNew),
        ])
        return WhiteLabelPlan(request: VanityRequest(setId: "N1", homeDomain: "example.com"), setId: "N1", homeDomain: "example.com.",
                              homeDomainUnicode: nil, nameServers: [], zones: [zone], warnings: [])
    }

    @Test("step 6: the SOA line names MNAME and minimum; a TTL arrow only when the TTL changes")
    func soa() {
        var s = Self.state(.plan)
        s.plan.result = .loaded(Self.soaPlan())
        let text = s.view().text
        #expect(text.contains("~ NS    example.com.  TTL 172800 → 60"))
        #expect(!text.contains("900 → 900"))
        #expect(text.contains("MNAME    ns-2048.awsdns-64.com. → ns1.example.com."))
        #expect(text.contains("minimum  86400 → 60"))
        #expect(text.contains("now: ns1.example.com ns2.example.com ns3.example.com ns4.example.com"))
        #expect(!text.contains("serial"))
    }

    static func report(zones: [String]) -> VerifyReport {
        var rows: [VerifyRow] = []
        for h in hosts { for a in ["127.0.0.2", "::1"] { for z in zones {
            rows.append(VerifyRow(server: h, address: a, zone: z, answered: true, authoritative: true, soaMName: "ns1.example.com.",
                                  soaSerial: 2_024_010_101, nsMatches: true, problems: []))
        } } }
        return VerifyReport(rows: rows, parentFindings: [], parentProblems: [])
    }

    @Test("step 9: at 80x24 all eight rows and the summary show, server names whole; more rows scroll with a marker")
    func verify() {
        var s = Self.state(.verify)
        s.verify.report = .loaded(Self.report(zones: ["example.com."]))
        var text = s.view().text
        #expect(text.components(separatedBy: "ns4.example.com  ::1").count == 2)
        #expect(text.contains("2024010101"))
        #expect(text.contains("Every vanity host answers for every zone"))
        #expect(text.contains("vanityns check --domain example.com"))
        #expect(!text.contains("more"))

        s.verify.report = .loaded(Self.report(zones: ["example.com.", "shop.example."]))
        text = s.view().text
        #expect(text.contains("↓ 8 more"))
        #expect(text.contains("Every vanity host answers for every zone"))
        for _ in 0..<20 { _ = s.update(.key(.down)) }
        text = s.view().text
        #expect(text.contains("↑ 8 above"))
        #expect(text.contains("ns4.example.com  ::1        shop.example"))
        _ = s.update(.key(.up))
        #expect(s.view().text.contains("↑ 7 above"))
    }

    @Test("step 5: zones outside the set are listed to migrate, aligned with the set's, with no GetHostedZone call")
    func zonesBySet() async {
        let r53 = FakeRoute53()
        var h = Harness(r53: r53)
        await h.start()
        await h.keys(.enter, .enter, .enter, .enter, .enter)
        #expect(h.state.step == .zones)
        #expect(r53.getHostedZoneCalls == 0, "the delegationsetid filter is trusted, as Route 53 honours it")
        #expect(h.screen.contains("[ ] shop.example  in this set"))
        #expect(h.screen.contains("[ ] other.org     migrate: outside this set, copied into it"))
        await h.keys(.down, .char(" "))  // the row after shop.example is the new-zone field, not other.org
        #expect(h.state.zones.checkedZones.isEmpty && h.state.zones.migrateZones.isEmpty)
    }

    @Test("step 5: a set with 100 zones costs one listing page and no per-zone call")
    func zonesInSetIsOneListing() async throws {
        let r53 = FakeRoute53()
        r53.pageSize = 100
        let set = "N0284911Q2UJ8DKK2"
        for i in 0..<98 { r53.zones.append((HostedZone(id: "ZC\(i)", name: "z\(i).example.", callerReference: "c\(i)"), set)) }
        for i in 0..<30 { r53.zones.append((HostedZone(id: "ZO\(i)", name: "o\(i).example.", callerReference: "o\(i)"), nil)) }
        let progress = MsgBox()
        let zones = try await WizardRunner.zonesInSet("/delegationset/" + set, route53: r53) { d, t in progress.add(.step(ZonesStep.Msg.setZonesProgress(done: d, total: t))) }
        #expect(zones.count == 100 && zones.map(\.id).prefix(2) == ["Z1", "Z2"])
        #expect(r53.setListings == 1 && r53.setListingPages == 1)
        #expect(r53.getHostedZoneCalls == 0)
        #expect(progress.take().count == 1)
    }

    @Test("step 3: a domain not in the account is offered for creation in the set, and the request creates it")
    func newHomeZone() async {
        var h = Harness()
        await h.start()
        await h.keys(.enter, .enter)
        await h.type("example.org")
        #expect(h.screen.contains("+ create example.org in set N0284911Q2UJ8DKK2…"))
        await h.key(.enter)
        #expect(h.state.vanityHosts.homeIsNew)
        #expect(h.state.vanityHosts.hosts == ["ns1.example.org", "ns2.example.org", "ns3.example.org", "ns4.example.org"])
        #expect(h.state.request.createZones && h.state.request.homeDomain == "example.org")
        await h.keys(.enter, .enter)
        #expect(h.state.step == .zones)
        #expect(h.screen.range(of: #"\[\+\] example\.org +home zone, new: created in this set"#, options: .regularExpression) != nil)
        // An existing name is chosen, not created; a private zone's name can still get its public zone.
        let r53 = FakeRoute53()
        r53.zones.append((HostedZone(id: "ZP", name: "internal.example.", callerReference: "p", config: HostedZoneConfig(privateZone: true)), nil))
        var g = Harness(r53: r53)
        await g.start()
        await g.keys(.enter, .enter)
        await g.type("example.com")
        #expect(!g.screen.contains("+ create"))
        for _ in 0..<11 { await g.key(.backspace) }
        await g.type("internal.example")
        #expect(g.screen.contains("+ create internal.example in set"))
    }

    @Test("start: an unfinished apply is offered; y plans its zones again and applies what is left")
    func resumeAtStart() async {
        let e = FakeEngine()
        e.unfinished = ["shop.example."]
        let info = ResumeInfo(zones: ["shop.example."], setId: "N0284911Q2UJ8DKK2", homeDomain: "example.com.", hosts: Self.hosts, createZones: false)
        var h = Harness(engine: e, resume: info)
        await h.start()
        #expect(h.screen.contains("An earlier apply did not finish for: shop.example"))
        #expect(h.lines[23].contains("y resume"))
        await h.key(.char("y"))
        #expect(h.state.step == .plan)
        // The home zone was not part of the unfinished run: only shop.example is asked about.
        #expect(h.screen.contains("zone 2 of 2: shop.example"))
        await h.key(.char("y"))
        #expect(h.state.step == .apply)
        #expect(e.applied == ["shop.example."])
        await h.key(.enter)
        #expect(h.state.step == .registrar)
    }

    @Test("start: n declines the offer and the wizard goes on as usual")
    func resumeDeclined() async {
        let info = ResumeInfo(zones: ["example.com."], setId: "N0284911Q2UJ8DKK2", homeDomain: "example.com.", hosts: nil, createZones: false)
        var h = Harness(resume: info)
        await h.start()
        await h.key(.char("n"))
        #expect(!h.screen.contains("did not finish"))
        await h.key(.enter)
        #expect(h.state.step == .delegationSet)
    }
}
