import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The full-screen wizard driven in a real terminal (tmux) against moto and nsd, the end state checked with boto3:
/// a whole run from an empty account at 80x24, the sandbox account at 120x40, resume after kill -9, resize, ASCII
/// without colour, and the refusal without a terminal. Every wait is on screen text, never a fixed sleep.
@Suite(.serialized) struct WizardE2ETests {
    // MARK: a) from an account without a delegation set

    @Test func fullRunFromAnEmptyAccountAt80x24() throws {
        let account = try WizardAccount(seed: .empty)
        defer { account.stop() }
        let t = try account.wizard(width: 80, height: 24)
        try t.waitForText("reusable delegation sets used")
        try t.sendKeys("Enter")

        // 2: no set yet; create one (asked first), then use it.
        try t.waitForText("No reusable delegation sets yet.")
        try t.sendKeys("Enter")
        try t.waitForText("Create a new reusable delegation set?")
        try t.sendKeys("y")
        try t.waitForText("Press enter to use it.")
        let setId = try #require(try account.setIds().first, "the set was not created")
        try t.sendKeys("Enter")

        // 3: the home domain is not in the account: create it in the new set.
        try t.waitForText("filter:")
        try t.sendText("example.org")
        try t.waitForText("+ create example.org in set \(setId)")
        try t.sendKeys("Enter")
        try t.waitForText("the host names can be used")
        try t.sendKeys("Enter")

        // 4: the addresses of the set's name servers, as nsd serves them.
        try t.waitForText("127.0.0.5")
        try t.sendKeys("Enter")

        // 5: the new home zone; the unrelated zone cannot be ticked.
        let zones = try t.waitFor { $0.contains { $0.contains("[+] example.org ") && $0.contains(" home zone, new: created in this set") } }
        #expect(zones.contains { $0.contains("[ ] unrelated.example  migrate: outside this set") })
        try t.sendKeys("Enter")

        // 6: one batch, confirmed.
        // Waits for the plan's last line too: a capture can land between two lines of one redraw.
        let plan = try t.waitFor { screen in
            screen.contains { $0.contains("+ create zone example.org. in set \(setId)") } && screen.contains { $0.contains("(d shows all)") }
        }
        #expect(plan.contains { $0.contains("+ A     ns1.example.org.  60   127.0.0.2") })
        #expect(plan.contains { $0.contains("… 6 more glue records (d shows all)") }, "at 80x24 the glue is summarised")
        try t.sendKeys("y")

        // 7, 8: applied; the registrar update at Route 53 Domains asked first. 9: every vanity host answers; enter
        // ends the wizard with status 0.
        try account.registrarAtRoute53DomainsThenVerify(t, domain: "example.org at Route 53 Domains")
        try t.sendKeys("Enter")
        #expect(try t.waitForExit() == 0)

        // The end state, as boto3 sees it.
        let home = try #require(try account.zoneIds("example.org.").first)
        #expect(try account.zoneIds("example.org.").count == 1)
        #expect(try account.setOfZone(home) == setId)
        for (i, host) in ["ns1", "ns2", "ns3", "ns4"].enumerated() {
            #expect(try account.values("example.org.", "\(host).example.org.", "A") == ["127.0.0.\(i + 2)"])
            #expect(try account.values("example.org.", "\(host).example.org.", "AAAA") == ["::ffff:127.0.0.\(i + 2)"])
        }
        try account.expectSwitched("example.org.", hosts: "example.org")
        #expect(try account.registrarNameServers("example.org") == [
            "ns1.example.org 127.0.0.2 ::ffff:127.0.0.2", "ns2.example.org 127.0.0.3 ::ffff:127.0.0.3",
            "ns3.example.org 127.0.0.4 ::ffff:127.0.0.4", "ns4.example.org 127.0.0.5 ::ffff:127.0.0.5"])
    }

    // MARK: b) the sandbox account at 120x40

    @Test func mainPathAt120x40UsesTheRoom() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        // A second set (no zone, no hosts) turns on the host groups of steps 2 and 3; the limits are answered, as
        // Route 53 always answers GetReusableDelegationSetLimit. The calls are counted from here.
        _ = try account.moto.boto3("r53.create_reusable_delegation_set(CallerReference='second-set')")
        try account.moto.setLimits(.route53)
        try account.moto.resetProxyStats()
        let t = try account.wizard(width: 120, height: 40)
        try t.waitForText("reusable delegation sets used")
        try t.sendKeys("Enter")
        try t.waitForText("+ Create a new set")
        try t.sendKeys("Enter")
        try t.waitForText("legacy.example")
        try t.sendKeys("Enter")                 // example.com, the first zone
        try t.waitForText("the host names can be used")
        try t.sendKeys("Enter")
        try t.waitForText("127.0.0.5")
        let review = try t.capture()
        #expect(review.contains { $0.contains("ns4.example.com  ns-2051.awsdns-67.co.uk") })
        try t.sendKeys("Enter")
        let zones = try t.waitForText("[ ] shop.example")
        #expect(zones.contains { $0.contains("[ ] legacy.example  migrate: outside this set") })
        // Steps 1 to a loaded step 5 listed the account once and the chosen set once (a page each), two sets or not:
        // the host groups come from the home zone's glue and that listing, and validation waits for it.
        let ops = try account.moto.proxyStats().byOperation
        #expect(ops["ListHostedZones"]?.requests == 2, "\(ops)")
        #expect(ops["ListHostedZonesByName"] == nil && ops["ListReusableDelegationSets"]?.requests == 1, "\(ops)")
        try t.sendKeys("Space", "Enter")
        try t.waitForText("zone 1 of 2: example.com (home zone)")
        try t.sendKeys("y")
        try t.waitForText("zone 2 of 2: shop.example")
        try t.sendKeys("y")
        let verify = try account.registrarAtRoute53DomainsThenVerify(t, domain: "example.com")

        // The room is used: the frame spans 120 columns, the log pane shows eight lines, and all sixteen verify rows
        // (4 hosts x 2 addresses x 2 zones) fit without a scroll marker.
        #expect(verify[1].count == 120 && verify[1].hasSuffix("┐"))
        let logLines = verify.filter { $0.range(of: #"^│ \d\d:\d\d:\d\d \w+ +\d{3} "#, options: .regularExpression) != nil }
        #expect(logLines.count == 8)
        #expect(verify.filter { $0.range(of: #"^│ ns\d\.example\.com .* ok +│$"#, options: .regularExpression) != nil }.count == 16)
        #expect(!verify.contains { $0.contains("more (↑↓ scroll)") })
        try t.sendKeys("Enter")
        #expect(try t.waitForExit() == 0)

        for zone in ["example.com.", "shop.example."] { try account.expectSwitched(zone, hosts: "example.com") }
        #expect(try account.values("example.com.", "ns3.example.com.", "A") == ["127.0.0.4"])
        #expect(try account.values("shop.example.", "ns1.example.com.", "A").isEmpty)
        #expect(try account.registrarNameServers("example.com").first == "ns1.example.com 127.0.0.2 ::ffff:127.0.0.2")
    }

    // MARK: c) resume after kill -9

    @Test func killedDuringApplyThenResumedAtStart() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        // ChangeResourceRecordSets lands in moto at once but its answer is held 30 s: the program dies waiting.
        let slow = try LoopbackPythonServer.motoProxy(upstream: account.moto.endpoint, delayChangesSeconds: 30)
        let t = try account.wizard(width: 80, height: 24, endpoint: slow.endpoint)
        try account.confirmHomeZoneApply(t)
        try t.waitForText("old values saved")
        let deadline = Date().addingTimeInterval(20)
        while try account.values("example.com.", "ns1.example.com.", "A").isEmpty, Date() < deadline { usleep(100_000) }
        let pid = try #require(t.pid)
        kill(pid, SIGKILL)
        #expect(try t.waitForExit() == 128 + SIGKILL)
        #expect(try account.journalState("example.com") == "pending", "the kill came before the answer")

        // Started again: the offer is on the first screen; y plans again, sees the zone done, closes its journal.
        let again = try account.wizard(width: 80, height: 24)
        try again.waitForText("An earlier apply did not finish for: example.com")
        try again.sendKeys("y")
        try again.waitForText("already done", timeout: 20)
        #expect(try account.journalState("example.com") == "done")
        let glue = try account.records("example.com.").filter { $0.hasPrefix("ns1.example.com. A ") }
        #expect(glue == ["ns1.example.com. A 60 127.0.0.2"])
        try account.expectSwitched("example.com.", hosts: "example.com")
        try again.sendKeys("Enter")
        try again.waitForText("Registrar")
        try again.sendKeys("q")
        try again.waitForText("Quit the wizard?")
        try again.sendKeys("y")
        #expect(try again.waitForExit() == 0)
    }

    // MARK: d) resize

    @Test func tooSmallThenBackRedrawsTheStepAtOnce() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        let t = try account.wizard(width: 80, height: 24)
        try t.waitForText("reusable delegation sets used")
        try t.sendKeys("Enter")
        try t.waitForText("+ Create a new set")
        try t.resize(width: 40, height: 12)
        let small = try t.waitForText("terminal too small")
        #expect(small.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("need 80x24, have 40x12"))
        try t.resize(width: 80, height: 24)
        let back = try t.waitFor(timeout: 2) { $0.first?.contains("step 2/10 Delegation set") == true }
        #expect(back.contains { $0.contains("+ Create a new set") })
        #expect(!back.contains { $0.contains("too small") })
        try t.sendKeys("C-c")
        #expect(try t.waitForExit() == 130)
    }

    // MARK: e) NO_COLOR and an ASCII locale

    @Test func asciiWithoutColourStillWorks() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        let t = try account.wizard(width: 80, height: 24, extraEnvironment: ["NO_COLOR": "1", "LANG": "C", "LC_ALL": "C"])
        let first = try t.waitForText("reusable delegation sets used")
        #expect(first[1].hasPrefix("+- Account -") && first[1].hasSuffix("-+"))
        #expect(first[2].hasPrefix("| ") && first[2].hasSuffix(" |"))
        #expect(first.allSatisfy { $0.allSatisfy(\.isASCII) })
        // Attributes only (bold, dim, reverse, ...): no SGR colour parameter (30-38, 40-48, 90-97, 100-107).
        let sgr = try t.captureANSI().matches(of: /\x1B\[([0-9;]*)m/).flatMap { $0.1.split(separator: ";").compactMap { Int($0) } }
        let colours = sgr.filter { (30...38).contains($0) || (40...48).contains($0) || (90...97).contains($0) || (100...107).contains($0) }
        #expect(colours.isEmpty, "SGR parameters: \(Set(sgr).sorted())")
        try t.sendKeys("Enter")
        try t.waitForText("+ Create a new set")
        try t.sendKeys("Enter")
        let hosts = try t.waitForText("legacy.example")
        #expect(hosts.contains { $0.hasPrefix("| > example.com") })
        try t.sendKeys("Enter")
        let step3 = try t.waitForText("+ the host names can be used")
        #expect(step3.allSatisfy { $0.allSatisfy(\.isASCII) })
        try t.sendKeys("C-c")
        #expect(try t.waitForExit() == 130)
    }

    // MARK: g) copying the registrar table

    @Test func registrarTableReachesTheClipboardWithOSC52() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        let t = try account.wizard(width: 80, height: 24, clipboard: true)
        try account.confirmHomeZoneApply(t)
        try t.waitForText("Done. Next: the registrar", timeout: 30)
        try t.sendKeys("Enter")
        try t.waitForText("After the update:")
        #expect((try? t.buffer()) == nil, "nothing copied yet")
        try t.sendKeys("c")
        try t.waitForText("Copied the registrar table (5 lines) to your clipboard (OSC 52)")
        // What the terminal received is exactly the table on screen, nothing of the frame around it.
        #expect(try t.waitForBuffer() == """
            host             IPv4       IPv6
            ns1.example.com  127.0.0.2  ::ffff:127.0.0.2
            ns2.example.com  127.0.0.3  ::ffff:127.0.0.3
            ns3.example.com  127.0.0.4  ::ffff:127.0.0.4
            ns4.example.com  127.0.0.5  ::ffff:127.0.0.5

            """)
        try t.sendKeys("C-c")
        #expect(try t.waitForExit() == 130)
    }

    // MARK: h) migrating a zone outside the set (issue 8)

    @Test func migratesAZoneOutsideTheSetAt80x24() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        // A zone of its own outside any set (the proxy gives it four derived name servers), registered with Route 53
        // Domains too (moto sells no .example), so the registrar step offers to set it (m).
        let old = try account.moto.boto3("print(r53.create_hosted_zone(Name='legacy.org', CallerReference='legacy-org')['HostedZone']['Id'].split('/')[-1])")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try account.moto.boto3(Self.legacyRecords(old, zone: "legacy.org"))
        _ = try account.moto.boto3("""
        c = {'FirstName': 'Dana', 'LastName': 'Operator', 'ContactType': 'PERSON', 'AddressLine1': '1 Main St', 'City': 'Springfield',
             'CountryCode': 'US', 'ZipCode': '12345', 'PhoneNumber': '+1.5555550100', 'Email': 'dana@example.com', 'State': 'CA'}
        domains.register_domain(DomainName='legacy.org', DurationInYears=2, AdminContact=c, RegistrantContact=c, TechContact=c)
        # Registering creates a zone of its own: delete it, as seed.py does, so the seeded zone is the only old one.
        for z in r53.list_hosted_zones()['HostedZones']:
            if z['Name'].rstrip('.') == 'legacy.org' and z['Id'].split('/')[-1] != '\(old)':
                for r in r53.list_resource_record_sets(HostedZoneId=z['Id'])['ResourceRecordSets']:
                    if r['Type'] not in ('NS', 'SOA'):
                        r53.change_resource_record_sets(HostedZoneId=z['Id'], ChangeBatch={'Changes': [{'Action': 'DELETE', 'ResourceRecordSet': r}]})
                r53.delete_hosted_zone(Id=z['Id'])
        """)
        #expect(try account.zoneIds("legacy.org.") == [old])
        let t = try account.wizard(width: 80, height: 24)
        for (text, key) in [("reusable delegation sets used", "Enter"), ("+ Create a new set", "Enter"), ("legacy.example", "Enter"),
                            ("the host names can be used", "Enter"), ("127.0.0.5", "Enter")] {
            try t.waitForText(text)
            try t.sendKeys(key)
        }
        // 5: down to legacy.org's row; space ticks it to migrate.
        try t.waitForText("migrate: outside this set")
        for _ in 0..<8 {
            let screen = try t.capture()
            if screen.contains(where: { $0.contains("▸ [ ] legacy.org") }) { break }
            let selected = screen.first { $0.contains("▸") }
            try t.sendKeys("Down")
            try t.waitFor { $0.first { $0.contains("▸") } != selected }  // the cursor moved: the next row is drawn
        }
        let zones = try t.waitFor { $0.contains { $0.contains("▸ [ ] legacy.org") } }
        #expect(zones.last?.contains("space migrate  enter continue") == true)
        try t.sendKeys("Space")
        try t.waitForText("[x] legacy.org")
        try t.sendKeys("Enter")

        // 6: the copy plan, from planMigration; nothing written yet.
        let plan = try t.waitFor(timeout: 20) { s in s.contains { $0.contains("Copy ─ zone 1 of 1: legacy.org into set") } && s.contains { $0.contains("y copy  s skip") } }
        #expect(plan.contains { $0.contains("new zone: to create, CallerReference") })
        #expect(plan.contains { $0.contains("copy: ") && $0.contains("record set") })
        #expect(plan.contains { $0.contains("batches: 2 (each waited until INSYNC; aliases after the records they name)") }, "the alias after its target")
        #expect(plan.contains { $0.range(of: #"\+ [a-z0-9.]*legacy\.org\. "#, options: .regularExpression) != nil }, "the records the copy writes")
        #expect(try account.zoneIds("legacy.org.") == [old], "no zone created before y")
        try t.sendKeys("y")

        // 7: the copy, its progress and parity line, then the same answers from the old zone's name server and the
        // new one's (nsd serves each zone at its own servers' addresses); each call in the log.
        // The answers line comes with the copy's last event, the "copied" mark just after it, when the copy returns.
        let copied = try t.waitFor(timeout: 60) { lines in
            lines.contains { $0.contains("answers: the same") } && lines.contains { $0.contains("✓ legacy.org") && $0.contains("copied") }
        }
        #expect(copied.contains { $0.contains("parity: identical") })
        #expect(copied.contains { $0.contains("answers: the same") } && copied.contains { $0.contains("✓ legacy.org") && $0.contains("copied") }, "\(copied)")
        #expect(copied.contains { $0.contains("CreateHostedZone") || $0.contains("ChangeResourceRecordSets") || $0.contains("ListResourceRecordSets") })
        let ids = try account.zoneIds("legacy.org.")
        #expect(ids.count == 2)
        let new = try #require(ids.first { $0 != old })

        // t: the old zone's NS TTL lowered before the switch (confirmed), the old value saved for `migrate --undo`.
        func oldNSTTL() throws -> String { try account.moto.apexNS(zoneId: old, "legacy.org.").ttl }
        let before = try oldNSTTL()
        try t.sendKeys("t")
        try t.waitForText("Lower the apex NS TTL of the old zones")
        #expect(try oldNSTTL() == before, "nothing written before y")
        try t.sendKeys("y")
        try t.waitForText("-> 300 s (old value saved)", timeout: 30)
        #expect(try oldNSTTL() == "300")
        let journals = try FileManager.default.contentsOfDirectory(atPath: account.stateDir).filter { $0.hasPrefix("migration-") && $0.contains("legacy") }
        #expect(journals.count == 1, "\(journals)")
        let saved = try journals.first.map { try String(contentsOfFile: account.stateDir + "/" + $0, encoding: .utf8) } ?? ""
        #expect(saved.contains("savedOldNS") && saved.contains("\(before)"), "the old NS with its TTL \(before) is in the journal")
        try t.sendKeys("Enter")

        // 6 again: the home zone and the copy, each confirmed like every batch.
        try t.waitForText("zone 1 of 2: example.com (home zone)", timeout: 20)
        try t.sendKeys("y")
        try t.waitForText("zone 2 of 2: legacy.org")
        try t.sendKeys("y")
        try t.waitForText("Done. Next: the registrar", timeout: 30)
        try t.sendKeys("Enter")
        // The migrated domain's line changes once Route 53 Domains answers the lookup, and the glue table fills in
        // from its own lookups: wait for both.
        let registrar = try t.waitFor(timeout: 20) { lines in
            lines.joined(separator: " ").contains("legacy.org (migrated) is at Route 53 Domains with") && lines.last?.contains("m update migrated") == true
                && lines.contains { $0.contains("ns1.example.com  127.0.0.2") }
        }
        #expect(registrar.joined(separator: " ").contains("ns1.example.com ns2.example.com ns3.example.com ns4.example.com (no glue)"))
        #expect(registrar.contains { $0.contains("ns1.example.com  127.0.0.2") }, "the home domain's table with its glue")
        #expect(registrar.joined(separator: " ").contains("legacy.org (migrated) is at Route 53 Domains with"), "\(registrar)")
        #expect(registrar.last?.contains("m update migrated") == true, "\(registrar.last ?? "")")
        try t.sendKeys("m")
        try t.waitForText("Set the name servers of")
        try t.sendKeys("y")
        try t.waitForText("legacy.org (migrated): name servers set at Route 53 Domains", timeout: 30)
        let held = try account.moto.boto3("""
        d = domains.get_domain_detail(DomainName='legacy.org')
        print(json.dumps(sorted([n['Name'] + ('+glue' if n.get('GlueIps') else '') for n in d['Nameservers']])))
        """)
        #expect(held.contains(#"["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"]"#), "no glue: \(held)")
        try t.sendKeys("q")
        try t.waitForText("Quit the wizard?")
        try t.sendKeys("y")
        #expect(try t.waitForExit() == 0)

        // The old zone keeps its records (only its NS TTL was lowered); the new one is in the set and switched.
        let setId = try account.setOfZone(new)
        let sets = try account.setIds()
        #expect(!setId.isEmpty && sets.contains(setId))
        let ns = try account.moto.apexNS(zoneId: new, "legacy.org.").values
        #expect(ns == "ns1.example.com ns2.example.com ns3.example.com ns4.example.com", "the copy is switched to the vanity hosts")
        #expect(try account.setOfZone(old) != setId, "the old zone stays where it was")
    }

    /// A few record sets for `zone`: MX, TXT, a weighted pair and an alias into the zone, so its copy has something
    /// of each kind to carry.
    static func legacyRecords(_ zoneId: String, zone: String) -> String {
        """
        def rr(name, kind, values, **extra):
            r = {'Name': name, 'Type': kind, 'TTL': 300, 'ResourceRecords': [{'Value': v} for v in values]}
            r.update(extra)
            return {'Action': 'CREATE', 'ResourceRecordSet': r}
        r53.change_resource_record_sets(HostedZoneId='\(zoneId)', ChangeBatch={'Changes': [
            rr('www.\(zone).', 'A', ['192.0.2.40']),
            rr('\(zone).', 'MX', ['10 mail.\(zone).']),
            rr('\(zone).', 'TXT', ['"v=spf1 mx -all"']),
            rr('api.\(zone).', 'A', ['192.0.2.41'], SetIdentifier='blue', Weight=70),
            rr('api.\(zone).', 'A', ['192.0.2.42'], SetIdentifier='green', Weight=30),
            {'Action': 'CREATE', 'ResourceRecordSet': {'Name': '\(zone).', 'Type': 'A', 'AliasTarget': {
                'HostedZoneId': '\(zoneId)', 'DNSName': 'www.\(zone).', 'EvaluateTargetHealth': False}}}]})
        """
    }

    // MARK: f) no terminal

    @Test func withoutATerminalItPointsToTheCommands() throws {
        let env = CLI.environment(["AWS_ACCESS_KEY_ID": "AKIDNOTUSED0000001", "AWS_SECRET_ACCESS_KEY": "not-used"])
        let args = ["--endpoint-url", "http://127.0.0.1:9", "--state-dir", NSTemporaryDirectory() + "vanityns-none"]
        let piped = try CLI.run(args, env: env, stdin: "")
        #expect(piped.status != 0)
        #expect(piped.stderr.contains("the wizard needs an interactive terminal"))
        #expect(piped.stderr.contains("vanityns plan, vanityns apply, vanityns verify"))

        var dumbEnv = env
        dumbEnv["TERM"] = "dumb"
        let dumb = try TmuxSession(command: [CLI.binary] + args, environment: dumbEnv, width: 80, height: 24)
        let screen = try dumb.waitForText("needs an interactive terminal")
        #expect(screen.joined(separator: " ").contains("vanityns plan"))
        #expect(try dumb.waitForExit() == 1)
    }
}

/// A moto account for the wizard with the nsd data plane and a state directory. `.sandbox` is scripts/seed.py's
/// account; `.empty` has no delegation set, one unrelated zone, and example.org registered at Route 53 Domains (its
/// hosted zone deleted, so the wizard can create the home zone in a new set).
final class WizardAccount: @unchecked Sendable {
    enum Seed { case sandbox, empty }
    let moto: MotoServer
    let dns: DataPlane
    let stateDir: String

    init(seed: Seed) throws {
        moto = try MotoServer()
        switch seed {
        case .sandbox:
            let script = LocalServices.packageRoot.appendingPathComponent("scripts/seed.py").path
            try LocalServices.run("/usr/bin/env", ["python3", script, "--moto", moto.endpoint], environment: moto.environment)
        case .empty:
            try moto.boto3("""
            z = r53.create_hosted_zone(Name='unrelated.example', CallerReference='unrelated')
            ns = z['DelegationSet']['NameServers'][0]
            r53.change_resource_record_sets(HostedZoneId=z['HostedZone']['Id'], ChangeBatch={'Changes': [{'Action': 'UPSERT',
                'ResourceRecordSet': {'Name': 'unrelated.example.', 'Type': 'SOA', 'TTL': 900,
                'ResourceRecords': [{'Value': ns.rstrip('.') + '. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'}]}}]})
            c = {'FirstName': 'Dana', 'LastName': 'Operator', 'ContactType': 'PERSON', 'AddressLine1': '1 Main St', 'City': 'Springfield',
                 'CountryCode': 'US', 'ZipCode': '12345', 'PhoneNumber': '+1.5555550100', 'Email': 'dana@example.org', 'State': 'CA'}
            domains.register_domain(DomainName='example.org', DurationInYears=2, AdminContact=c, RegistrantContact=c, TechContact=c)
            # Registering creates a zone of its own (moto names it without the final dot): delete it, as seed.py does.
            for z in r53.list_hosted_zones()['HostedZones']:
                if z['Name'].rstrip('.') == 'example.org':
                    for r in r53.list_resource_record_sets(HostedZoneId=z['Id'])['ResourceRecordSets']:
                        if r['Type'] not in ('NS', 'SOA'):
                            r53.change_resource_record_sets(HostedZoneId=z['Id'], ChangeBatch={'Changes': [{'Action': 'DELETE', 'ResourceRecordSet': r}]})
                    r53.delete_hosted_zone(Id=z['Id'])
            assert [z['Name'] for z in r53.list_hosted_zones()['HostedZones']] == ['unrelated.example.']
            assert not [s for s in r53.list_reusable_delegation_sets()['DelegationSets'] if s.get('Id')]
            """)
        }
        dns = try DataPlane(moto: moto)
        stateDir = NSTemporaryDirectory() + "vanityns-wizard-\(UUID().uuidString)"
    }

    /// Starts the wizard in a `width` x `height` terminal pointed at the stand-ins (Route 53 through `endpoint`,
    /// the moto stand-in by default).
    /// `subcommand` (e.g. `["browse"]`) goes before the options; `clipboard` turns on tmux's `set-clipboard`.
    /// First waits until the data plane serves what moto holds now (the seed and whatever the test changed since).
    func wizard(width: Int, height: Int, endpoint: String? = nil, extraEnvironment: [String: String] = [:],
                subcommand: [String] = [], clipboard: Bool = false) throws -> TmuxSession {
        try dns.waitForMotoChanges()
        var env = CLI.environment(moto.environment)
        for (k, v) in extraEnvironment { env[k] = v }
        let args = ["--endpoint-url", endpoint ?? moto.endpoint, "--domains-endpoint-url", moto.endpoint,
                    "--resolver", "127.0.0.1:\(dns.port)", "--query-port", String(dns.port), "--state-dir", stateDir]
        return try TmuxSession(command: [CLI.binary] + subcommand + args, environment: env, width: width, height: height, clipboard: clipboard)
    }

    /// Drives the `.sandbox` wizard from the first screen to the confirmed apply of example.com alone (the first
    /// set, the first home domain, the hosts and addresses as offered, no extra zone).
    func confirmHomeZoneApply(_ t: TmuxSession) throws {
        for (text, key) in [("reusable delegation sets used", "Enter"), ("+ Create a new set", "Enter"), ("legacy.example", "Enter"),
                            ("the host names can be used", "Enter"), ("127.0.0.5", "Enter"), ("[ ] shop.example", "Enter"),
                            ("zone 1 of 1: example.com (home zone)", "y")] {
            try t.waitForText(text)
            try t.sendKeys(key)
        }
    }

    /// From the applied plan through step 8 (the registrar: `domain` at Route 53 Domains, its update asked first and
    /// submitted, the registry serving it) to step 9's passing verify; returns that screen.
    @discardableResult
    func registrarAtRoute53DomainsThenVerify(_ t: TmuxSession, domain: String) throws -> [String] {
        try t.waitForText("Done. Next: the registrar", timeout: 30)
        try t.sendKeys("Enter")
        try t.waitForText("Registered with Route 53 Domains")
        try t.sendKeys("a")
        try t.waitForText("Set the name servers of \(domain)")
        try t.sendKeys("y")
        try t.waitForText("submitted to the registry", timeout: 20)
        try dns.waitForMotoChanges()
        try t.sendKeys("Enter")
        return try t.waitForText("Every vanity host answers for every zone", timeout: 20)
    }

    func setIds() throws -> [String] {
        try moto.boto3("print('\\n'.join(s['Id'].split('/')[-1] for s in r53.list_reusable_delegation_sets()['DelegationSets'] if s.get('Id')))")
            .split(separator: "\n").map(String.init)
    }

    func zoneIds(_ name: String) throws -> [String] { try moto.zoneIds(name) }

    func setOfZone(_ id: String) throws -> String {
        try moto.boto3("print(r53.get_hosted_zone(Id='\(id)')['DelegationSet'].get('Id', '').split('/')[-1])")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func records(_ zone: String) throws -> [String] { try moto.records(zone) }
    func values(_ zone: String, _ name: String, _ type: String) throws -> [String] { try moto.values(zone, name, type) }

    /// Apex NS are the four vanity hosts under `hosts` at TTL 60; the SOA names ns1 and has minimum 60.
    func expectSwitched(_ zone: String, hosts: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ns = try values(zone, zone, "NS").map { $0.hasSuffix(".") ? $0 : $0 + "." }
        #expect(ns == (1...4).map { "ns\($0).\(hosts)." }, sourceLocation: sourceLocation)
        #expect(try records(zone).contains { $0.hasPrefix("\(zone) NS 60 ") }, sourceLocation: sourceLocation)
        let soa = try values(zone, zone, "SOA").joined(separator: " ").split(separator: " ")
        #expect(soa.first.map(String.init) == "ns1.\(hosts).", sourceLocation: sourceLocation)
        #expect(soa.last == "60", sourceLocation: sourceLocation)
    }

    /// The domain's name servers at Route 53 Domains: "name glue1 glue2" lines.
    func registrarNameServers(_ domain: String) throws -> [String] {
        try moto.boto3("""
        for n in domains.get_domain_detail(DomainName='\(domain)')['Nameservers']:
            print(' '.join([n['Name']] + n.get('GlueIps', [])))
        """).split(separator: "\n").map(String.init)
    }

    /// The `state` of a zone's journal file.
    func journalState(_ zone: String) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: stateDir).appendingPathComponent("journal-\(zone).json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["state"] as? String
    }

    func stop() {
        dns.stop(); moto.stop()
        try? FileManager.default.removeItem(atPath: stateDir)
    }
}
