import Foundation
import Testing
import Route53
import WhiteLabel
import Terminal
@testable import Wizard

/// The wizard's side of issue 14: any record of a zone's batch opens in the record detail view, and the registrar and
/// verify tables go to the user's clipboard with OSC 52.
@Suite("Plan records and copying in the wizard")
struct PlanRecordAndCopyTests {
    /// The text an OSC 52 sequence carries.
    static func clipboard(_ sequence: String?) -> String? {
        guard let s = sequence, s.hasPrefix("\u{1B}]52;c;"), s.hasSuffix("\u{07}"),
              let data = Data(base64Encoded: String(s.dropFirst(7).dropLast())) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func atPlan(_ size: Size) async -> Harness {
        var h = Harness(size: size)
        await h.start()
        await h.keys(.enter, .enter, .enter, .enter, .enter, .enter)
        return h
    }

    @Test("plan: ↑↓ picks a record of the batch, enter shows it whole (after and before), esc goes back", arguments: WizardFlowTests.sizes)
    func planRecord(size: Size) async throws {
        var h = await Self.atPlan(size)
        #expect(h.state.step == .plan)
        #expect(h.lines[size.height - 1].contains("↑↓ enter record"))
        await h.keys(.down, .down, .down, .down)
        let frame = h.state.view()
        let y = try #require(frame.lines.firstIndex { $0.contains("~ NS    example.com.") })
        #expect(frame[4, y].role == .selected, "the NS change is the one under the cursor")
        await h.key(.enter)
        let text = h.screen
        #expect(text.contains("after this batch:"))
        #expect(text.contains("name                    example.com."))
        #expect(text.contains("TTL                     60 s"))
        #expect(text.contains("values (4)"))
        #expect(text.contains("ns1.example.com. ns2.example.com. ns3.example.com. ns4.example.com."))
        #expect(text.contains("before:"))
        if size.height == 24 {
            #expect(text.contains("↓ 1 more"))
            await h.key(.down)
        }
        #expect(h.screen.contains("TTL                     172800 s") && h.screen.contains("ns-0.awsdns-00.com."))
        await h.key(.char("c"))
        let copied = try #require(Self.clipboard(h.outbox.drain().first))
        #expect(copied == "name  example.com.\ntype  NS\nTTL   60 s\nvalues (4)\nns1.example.com.\nns2.example.com.\nns3.example.com.\nns4.example.com.\n")
        #expect(h.screen.contains("Copied record set example.com. NS (8 lines) to your clipboard (OSC 52)"))
        await h.key(.escape)
        #expect(h.state.step == .plan && !h.state.plan.showRecord)
        #expect(h.screen.contains("y apply  s skip"))
        await h.key(.char("y"))
        #expect(h.state.plan.planRecord == 0, "the next zone's batch starts at its first record")
    }

    @Test("registrar and verify: c copies exactly the table", arguments: WizardFlowTests.sizes)
    func copyTables(size: Size) async throws {
        var h = await Self.atPlan(size)
        await h.keys(.char("y"), .enter)
        #expect(h.state.step == .registrar)
        #expect(h.lines[size.height - 1].contains("c copy table"))
        await h.key(.char("c"))
        let table = try #require(Self.clipboard(h.outbox.drain().first))
        #expect(table == """
            host             IPv4           IPv6
            ns1.example.com  205.251.190.0  2600:9000:5300::1
            ns2.example.com  205.251.191.0  2600:9000:5301::1
            ns3.example.com  205.251.192.0  2600:9000:5302::1
            ns4.example.com  205.251.193.0  2600:9000:5303::1

            """)
        #expect(h.screen.contains("Copied the registrar table (5 lines) to your clipboard (OSC 52)"))
        await h.key(.enter)
        #expect(h.state.step == .verify)
        await h.key(.char("c"))
        let verify = try #require(Self.clipboard(h.outbox.drain().first))
        // The table `vanityns verify` prints (a heading, one row per host and zone, the verdict), then the cron line.
        let words = verify.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(words.first == ["server", "address", "zone", "auth", "serial", "NS", "result"])
        #expect(words.count == 1 + 4 + 1 + 1 && words[1] == ["ns1.example.com", "192.0.2.1", "example.com", "AA", "1", "ok", "pass"])
        #expect(words[5] == ["verify:", "passed"])
        #expect(verify == ReportRenderer.verifyTable(try #require(h.state.verify.report.value)) + "\n\n17 */6 * * *  vanityns check --domain example.com\n")
        #expect(h.screen.contains("Copied the verify table and the cron line (8 lines)"))
    }
}
