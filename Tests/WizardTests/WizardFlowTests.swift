import Foundation
import Testing
import Route53
import WhiteLabel
import Terminal
@testable import Wizard

@Suite("Wizard steps")
struct WizardFlowTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

    @Test("a complete path through all nine steps", arguments: sizes)
    func fullPath(size: Size) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vns-wiz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var h = Harness(size: size, stateDirectory: dir)
        await h.start()
        #expect(h.lines[0].contains("step 1/10 Account"))
        #expect(h.lines[0].contains("acct …7QX4"))
        #expect(h.screen.contains("1 of 100 reusable delegation sets used"))
        #expect(h.lines[size.height - 1].contains("enter continue"))

        await h.key(.enter)
        #expect(h.state.step == .delegationSet)
        #expect(h.screen.contains("N0284911Q2UJ8DKK2"))
        #expect(h.screen.contains("2/100"))
        #expect(h.screen.contains("ns-1536.awsdns-00.co.uk"))
        #expect(h.screen.contains("+ Create a new set"))

        await h.key(.enter)
        #expect(h.state.step == .vanityHosts)
        #expect(h.screen.contains("other.org"))
        await h.type("exa")
        #expect(!h.screen.contains("other.org"))
        await h.key(.enter)
        #expect(h.state.vanityHosts.hosts == ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"])
        #expect(h.screen.contains("the host names can be used"))
        #expect(h.screen.contains("cannot be a CNAME"))

        await h.key(.enter)
        #expect(h.state.step == .review)
        #expect(h.screen.contains("ns1.example.com"))
        #expect(h.screen.contains("205.251.190.0"))
        #expect(h.screen.contains("IPv6: no AAAA record"))
        #expect(h.lines[0].contains("step 4/10 Review addresses"))

        await h.key(.enter)
        #expect(h.state.step == .zones)
        #expect(h.screen.contains("[ ] shop.example"))
        #expect(h.screen.range(of: #"\[ \] other\.org +migrate: outside this set"#, options: .regularExpression) != nil)
        await h.key(.char(" "))
        #expect(h.screen.contains("[x] shop.example"))
        await h.key(.down)
        await h.type("new.example")
        await h.key(.enter)
        #expect(h.screen.contains("[+] new.example"))
        await h.key(.enter)

        #expect(h.state.step == .plan)
        #expect(h.screen.contains("zone 1 of 3: example.com (home zone)"))
        #expect(h.screen.contains("+ A     ns1.example.com."))
        #expect(h.screen.contains("+ A     ns4.example.com."), "every glue record when there is room")
        #expect(h.lines[size.height - 1].contains("y apply  s skip"))
        await h.key(.char("y"))
        #expect(h.screen.contains("zone 2 of 3: shop.example"))
        await h.key(.char("s"))
        await h.key(.char("y"))

        #expect(h.state.step == .apply)
        #expect(h.engine.applied == ["example.com.", "new.example."])
        #expect(h.screen.contains("in sync"))
        #expect(h.screen.contains("journal: /state/journal-example.com.json"))

        await h.key(.enter)
        #expect(h.state.step == .registrar)
        #expect(h.screen.contains("not at Route 53 Domains"))
        #expect(h.screen.contains("ns1.example.com"))
        #expect(h.screen.contains("2600:9000:5300::1"))
        await h.key(.char("w"))
        let written = try #require(h.state.registrar.registrarFile)
        #expect(try String(contentsOfFile: written, encoding: .utf8).contains("ns4.example.com  205.251.193.0"))
        #expect(h.state.afterExit.contains { $0.contains("ns2.example.com") && $0.contains("205.251.191.0") })

        await h.key(.enter)
        #expect(h.state.step == .verify)
        #expect(h.screen.contains("Every vanity host answers for every zone"))
        #expect(h.screen.contains("vanityns finalize --domain example.com"))
        #expect(h.screen.contains("vanityns check --domain example.com"))
        await h.key(.enter)
        #expect(h.state.exitCode == 0)
    }

    @Test("step 3: an SOA contact typed under the hosts goes into the request, so no AWS name is left in the SOA")
    func soaContact() async {
        var h = Harness()
        await h.start()
        await h.keys(.enter, .enter, .enter)
        #expect(h.state.step == .vanityHosts && h.state.vanityHosts.editingHosts)
        #expect(h.screen.contains("SOA contact (RNAME)") && h.screen.contains("keep awsdns-hostmaster.amazon.com"))
        #expect(h.state.request.soaRName == nil)
        await h.keys(.down, .down, .down, .down)
        await h.type("hostmaster@example.com")
        #expect(h.state.request.soaRName == "hostmaster@example.com")
        #expect(h.state.vanityHosts.hosts == ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"], "the hosts are untouched")
        #expect(h.screen.contains("hostmaster@example.com"))
    }

    @Test("esc goes back step by step")
    func back() async {
        var h = Harness()
        await h.start()
        await h.keys(.enter, .enter, .enter, .enter)
        #expect(h.state.step == .review)
        await h.key(.escape)
        #expect(h.state.step == .vanityHosts && h.state.vanityHosts.editingHosts)
        await h.key(.escape)
        #expect(h.state.step == .vanityHosts && !h.state.vanityHosts.editingHosts)
        await h.key(.backTab)
        #expect(h.state.step == .delegationSet)
        await h.key(.escape)
        #expect(h.state.step == .account)
        #expect(h.lines[0].contains("step 1/10"))
    }

    @Test("a Route 53 error is shown on the step with what to do")
    func clientError() async {
        let r53 = FakeRoute53()
        r53.failures["ListReusableDelegationSets"] = .service(code: "AccessDenied", message: "User is not authorized", status: 403, requestId: "req-1")
        var h = Harness(r53: r53)
        await h.start()
        await h.key(.enter)
        #expect(h.screen.contains("AccessDenied"))
        #expect(h.screen.contains("r tries again"))
        r53.failures = [:]
        await h.key(.char("r"))
        #expect(h.screen.contains("N0284911Q2UJ8DKK2"))
    }

    @Test("missing credentials are explained, not a crash")
    func credentials() async {
        var h = Harness(credentialProblem: "no credentials found (tried environment, profile default)")
        await h.start()
        #expect(h.commands.isEmpty)
        #expect(h.screen.contains("No usable credentials"))
        #expect(h.screen.contains("aws configure"))
        await h.key(.enter)
        #expect(h.state.step == .account)
        await h.key(.char("q"))
        #expect(h.state.exitCode == 0)
    }

    @Test("creating a set asks first")
    func createSet() async {
        var h = Harness()
        await h.start()
        await h.keys(.enter, .down)
        await h.key(.enter)
        #expect(h.screen.contains("Create a new reusable delegation set?"))
        #expect(h.r53.created.isEmpty)
        await h.key(.char("y"))
        #expect(h.r53.created == ["vanityns-test|"])
        #expect(h.screen.contains("NNEW1"))
        // From a zone: pick the zone, confirm.
        await h.keys(.down, .down, .enter)
        #expect(h.screen.contains("Copy name servers from a zone"))
        await h.keys(.down, .enter, .char("y"))
        #expect(h.r53.created.last == "vanityns-test-Z2|Z2")
    }

    @Test("host names are validated as typed")
    func validation() async {
        var h = Harness()
        await h.start()
        await h.keys(.enter, .enter, .enter)
        await h.key(.backspace)
        await h.type("x.net")
        #expect(h.screen.contains("ns1.example.cox.net: is not under example.com"))
        await h.key(.enter)
        #expect(h.state.step == .vanityHosts)
        #expect(h.screen.contains("Fix the problems shown first"))
    }

    static func toPlan(_ h: inout Harness) async {
        await h.start()
        await h.keys(.enter, .enter, .enter, .enter, .enter, .char(" "), .enter)
    }

    @Test("plan: each zone's batch is confirmed or skipped on its own; d shows details")
    func planConfirmSkip() async {
        var h = Harness()
        await Self.toPlan(&h)
        #expect(h.screen.contains("zone 1 of 2"))
        await h.key(.char("d"))
        #expect(h.screen.contains("was: ns-0.awsdns-00.com."))
        #expect(h.screen.contains("A     ns4.example.com."))
        await h.key(.char("d"))
        await h.key(.char("s"))
        await h.key(.char("y"))
        #expect(h.engine.applied == ["shop.example."])
    }

    @Test("apply: a zone that fails is shown with its error, then r retries it or s skips it and the others go on")
    func applyFailureRetriedOrSkipped() async {
        for key in ["r", "s"] {
            let e = FakeEngine()
            e.applyFailures = ["example.com.": key == "r" ? 1 : 9]
            var h = Harness(engine: e)
            await Self.toPlan(&h)
            await h.keys(.char("y"), .char("y"))
            #expect(h.state.step == .apply)
            #expect(h.screen.contains("failed"), "\(h.lines)")
            #expect(h.lines[23].contains("r retry") && h.lines[23].contains("s skip zone"), "\(h.lines[23])")
            #expect(e.applied.isEmpty, "the zone after the failed one waits for the user's answer")
            await h.key(.char(Character(key)))
            if key == "r" {
                #expect(e.applied == ["example.com.", "shop.example."])
            } else {
                #expect(e.applied == ["shop.example."])
                #expect(h.screen.contains("skipped after an error"), "\(h.lines)")
            }
            #expect(h.screen.contains("Done. Next: the registrar"), "\(h.lines)")
        }
    }

    @Test("plan failure is shown and nothing is applied")
    func planError() async {
        let e = FakeEngine()
        e.planError = ValidationFailed(problems: [InputProblem(subject: "shop.example", message: "is in another delegation set")])
        var h = Harness(engine: e)
        await Self.toPlan(&h)
        #expect(h.screen.contains("shop.example: is in another delegation set"))
        #expect(h.screen.contains("Nothing has been changed"))
    }

    @Test("apply offers to resume an unfinished zone")
    func resume() async {
        let e = FakeEngine()
        e.unfinished = ["shop.example."]
        var h = Harness(engine: e)
        await Self.toPlan(&h)
        await h.keys(.char("y"), .char("s"))
        #expect(h.state.step == .apply)
        #expect(h.screen.contains("An earlier apply did not finish for: shop.example."))
        #expect(h.lines[23].contains("y resume"))
        #expect(e.applied.isEmpty)
        await h.key(.char("y"))
        #expect(e.applied == ["example.com.", "shop.example."])
    }

    @Test("registrar at Route 53 Domains is updated only after confirming")
    func registrarDomains() async {
        var h = Harness(registrarLookup: { _ in [DomainNameserver(name: "ns-0.awsdns-00.com", glueIps: nil)] })
        await Self.toPlan(&h)
        await h.keys(.char("y"), .char("y"), .enter)
        #expect(h.state.step == .registrar)
        #expect(h.screen.contains("Registered with Route 53 Domains"))
        await h.key(.char("a"))
        #expect(h.screen.contains("Set the name servers of example.com"))
        await h.key(.char("y"))
        #expect(h.screen.contains("submitted to the registry"))
        #expect(h.commands.contains(.registrarApply(domain: "example.com", [
            DomainNameserver(name: "ns1.example.com", glueIps: ["205.251.190.0", "2600:9000:5300::1"]),
            DomainNameserver(name: "ns2.example.com", glueIps: ["205.251.191.0", "2600:9000:5301::1"]),
            DomainNameserver(name: "ns3.example.com", glueIps: ["205.251.192.0", "2600:9000:5302::1"]),
            DomainNameserver(name: "ns4.example.com", glueIps: ["205.251.193.0", "2600:9000:5303::1"])])))
    }

    @Test("a registrar update refused by the preflight names each vanity host that does not answer")
    func registrarPreflightRefusal() async {
        let failures = (1...4).map { DelegationPreflight.Failure(host: "ns\($0).example.com", address: "205.251.19\($0 - 1).0", transport: "UDP",
                                                                 problem: "SOA query: no answer (timeout)") }
        let refusal = PreflightFailed(check: DelegationPreflight(zone: "example.com", asked: 16, failures: failures, serials: []))
        var h = Harness(registrarLookup: { _ in [DomainNameserver(name: "ns-0.awsdns-00.com", glueIps: nil)] },
                        registrarApply: { _, _ in throw refusal })
        await Self.toPlan(&h)
        await h.keys(.char("y"), .char("y"), .enter)
        await h.key(.char("a"))
        await h.key(.char("y"))
        let words = h.screen.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("registrar not changed"), "\(h.screen)")
        for i in 1...4 { #expect(words.contains("ns\(i).example.com (205.251.19\(i - 1).0): SOA query:"), "\(h.screen)") }
        #expect(h.screen.components(separatedBy: "(timeout)").count == 5, "each host's problem is shown: \(h.screen)")
        #expect(!words.contains("submitted to the registry"))
    }

    @Test("q asks when something is unfinished; ctrl-C always quits")
    func quit() async {
        var h = Harness()
        await h.start()
        await h.key(.enter)
        await h.key(.char("q"))
        #expect(h.state.exitCode == nil)
        #expect(h.screen.contains("Quit the wizard?"))
        await h.key(.char("n"))
        #expect(h.state.exitCode == nil && h.state.confirm == nil)
        await h.key(.ctrl("c"))
        #expect(h.state.exitCode == 130)
    }

    @Test("terminal too small at 40x12, and recovery when it grows")
    func tooSmall() async {
        var h = Harness(size: Size(width: 40, height: 12))
        await h.start()
        let words = h.screen.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("terminal too small (need 80x24, have 40x12)"))
        await h.key(.enter)
        #expect(h.state.step == .account)
        await h.send(.resize(Size(width: 80, height: 24)))
        #expect(h.lines[0].contains("step 1/10 Account"))
        #expect(h.lines.count == 24 && h.lines.allSatisfy { TextWidth.of($0) == 80 })
    }

    @Test("keymap: every footer hint is drawn and handled; unbound keys do nothing")
    func keymapMatches() async {
        var h = Harness()
        await h.start()
        var seen = 0
        for step in 0..<6 {
            let map = h.state.keymap
            let footer = h.lines[23]
            for (label, help) in map.footerHints.prefix(4) { #expect(footer.contains("\(label) \(help)"), "step \(step): \(label) \(help)") }
            for b in map.bindings { for case let .key(k) in b.patterns { #expect(map.action(for: k) != nil); seen += 1 } }
            await h.key(.enter)
        }
        #expect(seen > 30)
        var g = Harness()
        await g.start()
        await g.key(.enter)
        let before = g.screen
        let cmds = g.state.update(.key(.char("x")))
        #expect(cmds.isEmpty && g.screen == before)
        await g.key(.char("?"))
        #expect(g.screen.contains("Keys ─ Delegation set"))
        #expect(g.screen.contains("quit now, restoring the terminal"))
        await g.key(.char("x"))
        #expect(!g.state.showHelp)
    }

    @Test("a wide-character zone name keeps the columns aligned")
    func wideCharacters() async {
        let r53 = FakeRoute53()
        r53.zones.append((HostedZone(id: "ZW", name: "例え.jp.", callerReference: "w"), "N0284911Q2UJ8DKK2"))
        r53.zones.append((HostedZone(id: "ZE", name: "🦊fox.example.", callerReference: "e"), nil))
        var h = Harness(r53: r53)
        await h.start()
        await h.keys(.enter, .enter)
        let lines = h.lines
        func column(of id: String) -> Int? {
            guard let line = lines.first(where: { $0.contains("  \(id)") }), let r = line.range(of: "  \(id)") else { return nil }
            return TextWidth.of(String(line[..<r.lowerBound]))
        }
        #expect(column(of: "ZW") != nil)
        #expect(column(of: "ZW") == column(of: "Z1"))
        #expect(column(of: "ZE") == column(of: "Z1"))
        #expect(lines.allSatisfy { TextWidth.of($0) == 80 })
    }
}
