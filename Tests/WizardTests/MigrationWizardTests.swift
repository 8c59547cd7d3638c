import Foundation
import Testing
import Route53
@testable import WhiteLabel
import Terminal
@testable import Wizard

/// The wizard's side of issue 8: a zone outside the set is ticked to migrate on the zones step, its copy is shown
/// and confirmed on the plan step, copied with a progress and parity line on the apply step, then switched to the
/// vanity hosts through the normal plan and apply, and named on the registrar step.
@Suite("Migrating a zone in the wizard")
struct MigrationWizardTests {
    /// At the zones step with other.org (outside the set) ticked to migrate, and a private zone in the account.
    static func atZones(_ size: Size, engine: FakeEngine = FakeEngine(),
                        registrarLookupDomain: (@Sendable (String) async throws -> [DomainNameserver]?)? = nil) async -> Harness {
        let r53 = FakeRoute53()
        r53.zones.append((HostedZone(id: "ZP", name: "internal.example.", callerReference: "p", config: HostedZoneConfig(privateZone: true)), nil))
        var h = Harness(size: size, r53: r53, engine: engine,
                        registrarLookup: registrarLookupDomain.map { _ in { @Sendable _ in nil } }, registrarLookupDomain: registrarLookupDomain)
        await h.start()
        await h.keys(.enter, .enter, .enter, .enter, .enter)
        return h
    }

    static func pickOther(_ h: inout Harness) async {
        await h.keys(.down, .down, .down)  // shop.example, the new-zone field, other.org
        await h.key(.char(" "))
    }

    @Test("zones step: a zone outside the set is ticked as migrate, space says so; a private zone is not listed", arguments: WizardFlowTests.sizes)
    func zonesStep(size: Size) async {
        var h = await Self.atZones(size)
        #expect(h.state.step == .zones)
        #expect(h.lines[size.height - 1].contains("space select  enter continue"))
        #expect(!h.screen.contains("internal.example"), "private zones cannot be served, so they are not offered")
        await h.keys(.down, .down, .down)
        #expect(h.lines[size.height - 1].contains("space migrate  enter continue"))
        await h.key(.char(" "))
        #expect(h.state.zones.migrateZones == ["Z3"])
        #expect(h.screen.contains("[x] other.org     migrate: outside this set, copied into it"))
        await h.key(.down)
        #expect(h.state.zones.zonesCursor == 2, "other.org is the last row")
        #expect(!h.state.request.extraZones.contains("other.org"), "not switched before it is copied")
    }

    @Test("plan step: the copy (counts, what cannot be copied, batches, every record), confirmed; then the copy runs with progress and parity, and the copy is switched like any zone", arguments: WizardFlowTests.sizes)
    func wholeMove(size: Size) async throws {
        var h = await Self.atZones(size)
        await Self.pickOther(&h)
        await h.key(.enter)
        #expect(h.state.step == .plan)
        #expect(h.engine.migrationRequests.map(\.zones) == [["other.org"]] && h.engine.migrationRequests.first?.setId == "N0284911Q2UJ8DKK2")
        // The copy's pre-checks read the run's listing of the account (and the set's): not listed again.
        #expect(h.engine.migrationRequests.first?.listing != nil && h.engine.migrationRequests.first?.listing == h.state.listing)
        var text = h.screen
        #expect(text.contains("Copy ─ zone 1 of 1: other.org into set N0284911Q2UJ8DKK2"))
        #expect(text.contains("new zone: to create, CallerReference vanityns-other"))
        #expect(text.contains("copy: 5 record sets: A 4, TXT 1"))
        #expect(text.contains("batches: 2"))
        #expect(text.contains("! not copied: tp.other.org. A: made by traffic policy instance tpi-1"))
        #expect(h.lines[size.height - 1].contains("y copy  s skip  ↑↓ enter record  d all"))
        #expect(h.engine.migrated.isEmpty && h.engine.applied.isEmpty, "nothing is written before y")
        if size.height >= 40 { #expect(text.contains("+ www.other.org. A ALIAS h1.other.org. (ZNEW)")) }

        // One record whole, in the plan step's record view; every record in its d view.
        await h.keys(.down, .enter)
        text = h.screen
        #expect(text.contains("written by the copy into the new zone:") && text.contains("name                    h2.other.org."))
        await h.key(.escape)
        await h.key(.char("d"))
        #expect(h.screen.contains("+ h1.other.org. A 300 192.0.2.1"))
        for _ in 0..<10 { await h.key(.down) }
        #expect(h.screen.contains("+ www.other.org. A ALIAS h1.other.org. (ZNEW)"))
        await h.key(.char("d"))

        await h.key(.char("y"))
        #expect(h.state.step == .apply)
        #expect(h.engine.migrated == ["other.org."])
        text = h.screen
        #expect(text.contains("Apply ─ copying zones into set N0284911Q2UJ8DKK2"))
        #expect(text.contains("✓ other.org            copied"))
        #expect(text.contains("parity: identical, 5 record sets (A 4, TXT 1); sha256 0123456789abcdef"))
        #expect(h.lines[size.height - 1].contains("enter plan the switch"))

        // The copy now goes through the normal plan: the home zone and the copy, each confirmed.
        await h.key(.enter)
        #expect(h.state.step == .plan)
        #expect(h.state.request.extraZones == ["other.org"])
        #expect(h.screen.contains("zone 1 of 2: example.com (home zone)"))
        await h.key(.char("y"))
        #expect(h.screen.contains("zone 2 of 2: other.org"))
        await h.key(.char("y"))
        #expect(h.state.step == .apply)
        #expect(h.engine.applied == ["example.com.", "other.org."])
        #expect(h.screen.contains("Done. Next: the registrar"))
        await h.key(.enter)
        #expect(h.state.step == .registrar)
        let registrar = h.screen.split(separator: "\n").joined(separator: " ")
        #expect(registrar.contains("other.org (migrated)"))
        #expect(h.state.afterExit.contains("At the registrar of other.org (migrated), set its name servers to ns1.example.com ns2.example.com ns3.example.com ns4.example.com (no glue)."))
    }

    @Test("plan step: a refused pre-check says what to do, creates nothing, and esc goes back to the zones")
    func refused() async {
        let engine = FakeEngine()
        engine.migrationRefusal = MigrationRefused(problems: [InputProblem(subject: "other.org", message: "set N0284911Q2UJ8DKK2 shares name servers with zone other.org; create another set")])
        var h = await Self.atZones(Size(width: 80, height: 24), engine: engine)
        await Self.pickOther(&h)
        await h.key(.enter)
        let text = h.screen
        #expect(text.contains("Cannot migrate:"))
        #expect(text.contains("✗ other.org: set N0284911Q2UJ8DKK2 shares name servers with zone"))
        #expect(text.contains("Nothing has been created."))
        #expect(h.lines[23].contains("r check again"))
        await h.key(.char("y"))
        #expect(h.engine.migrated.isEmpty && h.state.step == .plan)
        await h.key(.escape)
        #expect(h.state.step == .zones)
    }

    @Test("plan step: a DNSSEC refusal names the order to follow, and a (the DS is out) plans again acknowledging it")
    func dnssecAcknowledged() async {
        let engine = FakeEngine()
        let message = "zone other.org. (ZOTHER) is DNSSEC-signed by Route 53 (GetDNSSEC: SIGNING). Route 53 does not move DNSSEC: remove the DS "
            + "record at the registrar first and wait its TTL, migrate and cut over, then sign the new zone and publish its DS. " + MigrationRefused.acknowledgeHint
        engine.migrationRefusal = MigrationRefused(problems: [InputProblem(subject: "other.org", message: message)], dnssec: true)
        var h = await Self.atZones(Size(width: 80, height: 24), engine: engine)
        await Self.pickOther(&h)
        await h.key(.enter)
        #expect(h.screen.contains("Press a once the DS is out") && !h.screen.contains("--acknowledge-dnssec"), "\(h.screen)")
        #expect(h.lines[23].contains("a DS is out: go on"), "\(h.lines[23])")
        #expect(h.engine.migrationRequests.last?.acknowledgeDNSSEC == false)
        await h.key(.char("a"))
        #expect(h.engine.migrationRequests.last?.acknowledgeDNSSEC == true)
        #expect(h.screen.contains("Copy ─ zone 1 of 1: other.org"), "\(h.screen)")

        // Any other refusal has no such key.
        let other = FakeEngine()
        other.migrationRefusal = MigrationRefused(problems: [InputProblem(subject: "other.org", message: "private hosted zone")])
        var h2 = await Self.atZones(Size(width: 80, height: 24), engine: other)
        await Self.pickOther(&h2)
        await h2.keys(.enter, .char("a"))
        #expect(!h2.lines[23].contains("go on") && h2.engine.migrationRequests.allSatisfy { !$0.acknowledgeDNSSEC })
    }

    @Test("registrar step: a migrated domain at Route 53 Domains is shown with its name servers now and set with m (confirmed), without glue", arguments: WizardFlowTests.sizes)
    func migratedAtRoute53Domains(size: Size) async {
        var h = await Self.atZones(size, registrarLookupDomain: { d in
            d == "other.org" ? [DomainNameserver(name: "ns-9.awsdns-09.com", glueIps: nil)] : nil
        })
        await Self.pickOther(&h)
        await h.keys(.enter, .char("y"), .enter, .char("y"), .char("y"), .enter)
        #expect(h.state.step == .registrar)
        #expect(h.commands.contains(.registrarLookupDomain("other.org")))
        let text = h.screen.split(separator: "\n").joined(separator: " ")
        #expect(text.contains("other.org (migrated) is at Route 53 Domains with ns-9.awsdns-09.com; m sets"), "\(h.screen)")
        #expect(h.lines[size.height - 1].contains("m update migrated"), "\(h.lines[size.height - 1])")
        await h.key(.char("m"))
        #expect(h.state.confirm?.question.contains("Set the name servers of other.org at Route 53 Domains to ns1.example.com") == true)
        #expect(!h.commands.contains { if case .registrarApplyMigrated = $0 { return true }; return false }, "nothing sent before y")
        await h.key(.char("y"))
        let hosts = ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"].map { DomainNameserver(name: $0, glueIps: nil) }
        #expect(h.commands.contains(.registrarApplyMigrated(domain: "other.org", hosts)))
        #expect(h.screen.split(separator: "\n").joined(separator: " ").contains("other.org (migrated): name servers set at Route 53 Domains"))
        #expect(!h.lines[size.height - 1].contains("m update migrated"), "done: the key is gone")
        #expect(h.state.afterExit.contains { $0.contains("other.org (migrated): name servers set at Route 53 Domains") })
    }

    @Test("a copy whose parity differs is not switched; a skipped copy goes straight to the vanity plan")
    func parityAndSkip() async {
        let engine = FakeEngine()
        engine.parityDiffers = true
        var h = await Self.atZones(Size(width: 80, height: 24), engine: engine)
        await Self.pickOther(&h)
        await h.keys(.enter, .char("y"))
        #expect(h.screen.contains("✗ other.org            copied, but the copy differs (not switched)"))
        #expect(h.screen.contains("parity: 1 difference; old sha256 0123456789abcdef, new fedcba9876543210"))
        await h.key(.enter)
        #expect(h.state.request.extraZones.isEmpty)
        #expect(h.screen.contains("zone 1 of 1: example.com (home zone)"))

        var skip = await Self.atZones(Size(width: 80, height: 24))
        await Self.pickOther(&skip)
        await skip.keys(.enter, .char("s"))
        #expect(skip.state.step == .plan && skip.engine.migrated.isEmpty)
        #expect(skip.screen.contains("zone 1 of 1: example.com (home zone)"))
    }

    @Test("a copy that fails is shown with its error; r copies it again, s skips it and the vanity plan goes on without it")
    func copyFailureRetriedOrSkipped() async {
        for key in ["r", "s"] {
            let engine = FakeEngine()
            engine.migrateFailures = ["other.org.": key == "r" ? 1 : 9]
            var h = await Self.atZones(Size(width: 80, height: 24), engine: engine)
            await Self.pickOther(&h)
            await h.keys(.enter, .char("y"))
            #expect(h.screen.contains("✗ other.org            failed"), "\(h.lines)")
            #expect(h.lines[23].contains("r retry") && h.lines[23].contains("s skip zone") && !h.lines[23].contains("enter"), "\(h.lines[23])")
            await h.key(.char(Character(key)))
            if key == "r" {
                #expect(engine.migrated == ["other.org."])
                #expect(h.screen.contains("✓ other.org            copied"), "\(h.lines)")
            } else {
                #expect(engine.migrated.isEmpty)
                #expect(h.screen.contains("other.org            skipped after an error"), "\(h.lines)")
            }
            await h.key(.enter)
            #expect(h.state.step == .plan)
            #expect(h.state.request.extraZones == (key == "r" ? ["other.org"] : []), "only a proven copy is switched")
        }
    }

    @Test("after the copy, t shows the old zones' NS TTL and lowers it to 300 s once confirmed; then enter plans the switch", arguments: WizardFlowTests.sizes)
    func lowerOldNSTTL(size: Size) async {
        var h = await Self.atZones(size)
        await Self.pickOther(&h)
        await h.keys(.enter, .char("y"))
        let footer = h.lines[size.height - 1]
        #expect(footer.contains("enter plan the switch") && footer.contains("t lower old NS TTL") && footer.contains("q quit"), "\(footer)")
        #expect(h.prose.contains("t first lowers the old zones' NS TTL to 300 s, so resolvers follow the switch within minutes."), "\(h.prose)")
        await h.key(.char("t"))
        #expect(h.state.confirm?.question.hasPrefix("Lower the apex NS TTL of the old zones to 300 s (now: other.org 172800 s)?") == true)
        #expect(h.screen.contains("Lower the apex NS TTL of the old zones") && h.screen.contains("restores it."), "\(h.lines)")
        #expect(h.engine.loweredTTL.isEmpty, "nothing is written before y")
        await h.key(.char("y"))
        #expect(h.engine.loweredTTL == ["other.org."])
        #expect(h.screen.contains("old zone's NS TTL: 172800 -> 300 s (old value saved)"), "\(h.lines)")
        #expect(h.prose.contains("Copied; the old zones keep every record. enter plans the switch"), "\(h.prose)")
        #expect(!h.lines[size.height - 1].contains("t lower"), "asked once")
        await h.key(.enter)
        #expect(h.state.step == .plan && h.state.request.extraZones == ["other.org"])

        // An old zone already under 300 s: said so, and its TTL is never raised.
        let engine = FakeEngine()
        engine.lowTTLZones = ["other.org."]
        var low = await Self.atZones(size, engine: engine)
        await Self.pickOther(&low)
        await low.keys(.enter, .char("y"), .char("t"))
        #expect(low.state.confirm == nil && engine.loweredTTL.isEmpty)
        #expect(low.screen.contains("The old zones' NS TTL is already 300 s or lower."), "\(low.lines)")
        #expect(low.screen.contains("old zone's NS TTL: already 300 s or lower"), "\(low.lines)")
    }

    @Test("the migrate screens in ASCII: nothing but ASCII on screen")
    func ascii() async {
        var h = await Self.atZones(Size(width: 80, height: 24))
        await Self.pickOther(&h)
        for keys in [[Key](), [.enter], [.char("y")]] {
            for k in keys { await h.key(k) }
            #expect(MemoryDriver.render(h.state.view(), ascii: true).allSatisfy { $0.allSatisfy(\.isASCII) })
        }
    }
}
