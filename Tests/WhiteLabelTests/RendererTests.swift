import Foundation
import Testing
import Route53
@testable import WhiteLabel
import TestSupport

@Suite struct RendererTests {
    @Test func planTextIsADiffThatFits80Columns() async throws {
        let s = try await Stand()
        let plan = try await s.engine().plan(s.request())
        let text = PlanRenderer.text(plan)
        #expect(text.contains("+ A     ns1.example.com.  60  192.0.2.1"))
        #expect(text.contains("+ AAAA  ns4.example.com.  60  2001:db8::4"))
        #expect(text.contains("~ NS    example.com.  172800 -> 60"))
        #expect(text.contains("~ SOA   example.com.  900"))
        #expect(text.contains("+ ns1.example.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 60"))
        #expect(text.contains("vanityns rollback --zone"))
        for line in text.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
        #expect(!text.contains("\u{1B}["))
        #expect(PlanRenderer.text(plan, color: true).contains("\u{1B}[32m+\u{1B}[0m"))
    }

    @Test func planJSONHasStableKeys() async throws {
        let s = try await Stand()
        let plan = try await s.engine().plan(s.request())
        let json = PlanRenderer.json(plan)
        #expect(json == PlanRenderer.json(plan))
        let doc = try JSONDecoder().decode(PlanDocument.self, from: Data(json.utf8))
        #expect(doc == PlanDocument(plan))
        #expect(doc.zones[0].changes.first { $0.role == "apex-ns" }?.action == "UPSERT")
        #expect(json.range(of: "\"createInSet\"")!.lowerBound < json.range(of: "\"home\"")!.lowerBound)
    }

    @Test func rollbackAndEmptyPlansRead() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        let again = try await s.engine().plan(s.request())
        #expect(PlanRenderer.text(again).contains("Nothing to change"))
        let rb = try await s.engine().rollbackPlan(zone: "example.com")
        let text = PlanRenderer.rollback(rb)
        #expect(text.contains("- A     ns1.example.com.  60  192.0.2.1"))
        #expect(text.contains("~ NS    example.com.  60 -> 172800"))
    }

    @Test func addressTableShowsResolvingAndWarnings() {
        let t = ReportRenderer.addressTable([
            NameServerAddresses(awsName: "ns-1.awsdns-01.com", vanityHost: "ns1.example.com", ipv4: ["192.0.2.1"], ipv6: nil),
            NameServerAddresses(awsName: "ns-2.awsdns-02.net", vanityHost: "ns2.example.com", ipv4: ["192.0.2.2"], ipv6: [], warnings: ["IPv6: no AAAA record"]),
        ])
        #expect(t.contains("resolving"))
        #expect(t.contains("! ns2.example.com: IPv6: no AAAA record"))
    }
}
