import Foundation
import Testing
import Route53
@testable import WhiteLabel
import Terminal
@testable import Wizard

/// Step 10, Sign zones, as a value at 80x24 (the run against the stand-ins is `WizardDNSSECE2ETests`): a zone that
/// already signs is shown with its key tag and cannot be ticked, a refused key leaves no `y` to press, `s` skips.
@Suite("Wizard: the sign-zones step")
struct SignZonesStepTests {
    @Test("the checklist: signed zones shown as such, not tickable; enter needs a ticked zone; q quits without asking")
    func checklist() {
        var s = LayoutTests.state(.signZones)
        _ = s.update(.step(SignZonesStep.Msg.loaded(.success([
            .init(id: "Z1", name: "example.com", serveSignature: "NOT_SIGNING", keyTags: []),
            .init(id: "Z2", name: "shop.example", serveSignature: "SIGNING", keyTags: [4242])]))))
        let text = s.view().text
        #expect(text.contains("[x] example.com   not signed (NOT_SIGNING)"), "\(text)")
        #expect(text.contains("[s] shop.example  signed: SIGNING, key tag 4242"), "\(text)")
        #expect(text.contains("s skip"))
        var skipped = s
        _ = skipped.update(.key(.char("s")))
        #expect(skipped.exitCode == 0)
        _ = s.update(.key(.down)); _ = s.update(.key(.char(" ")))
        #expect(s.signZones.picked == ["Z1"], "a signing zone cannot be ticked")
        _ = s.update(.key(.up)); _ = s.update(.key(.char(" ")))
        _ = s.update(.key(.enter))
        #expect(s.signZones.phase == .pick && s.notice?.text.contains("Tick a zone") == true)
        _ = s.update(.key(.char("q")))
        #expect(s.exitCode == 0 && s.confirm == nil, "nothing under way: q quits at once")
    }

    @Test("a refused key: the problems in full, nothing to confirm, esc goes back to the key")
    func refusal() {
        var s = LayoutTests.state(.signZones)
        s.signZones.phase = .plan
        _ = s.update(.step(SignZonesStep.Msg.planned(.failure(UIError(error: DNSSECRefused(problems: [
            InputProblem(subject: "--kms-key arn:aws:kms:us-west-2:123456789012:key/k", message: "the key is in us-west-2; Route 53 signs only with a KMS key in us-east-1")]))))))
        let text = s.view().text
        #expect(text.contains("Refused, nothing written") && text.contains("us-west-2"), "\(text)")
        #expect(!s.keymap.footerHints.contains { $0.0 == "y" })
        #expect(s.update(.key(.char("y"))).isEmpty)
        _ = s.update(.key(.escape))
        #expect(s.signZones.phase == .key)
    }

    @Test("a later zone fails, enter goes on; another registrar: the DS as labelled lines at 80x24 (the digest on one line), c copies the table, r checks the chain")
    func otherRegistrar() {
        var s = LayoutTests.state(.signZones)
        let digest = String(repeating: "AB12", count: 16)
        let ksk = KeySigningKey(name: "vanityns_ksk", kmsArn: "arn:aws:kms:us-east-1:123456789012:key/k", flag: 257, signingAlgorithmType: 13,
                                digestAlgorithmType: 2, keyTag: 4242, digestValue: digest, publicKey: "PUBLICKEY==",
                                dsRecord: "4242 13 2 \(digest)", dnskeyRecord: "257 3 13 PUBLICKEY==", status: "ACTIVE", statusMessage: nil)
        let step = DNSSECZoneStep(zoneId: "Z2", zoneName: "shop.example", kskName: "vanityns_ksk", signing: false, ksk: nil)
        s.signZones.planned = .loaded(.init(plan: DNSSECEnablePlan(key: .create(alias: DNSSECKeyRules.alias), policy: "{}", zones: [step]),
                                            publications: ["Z2": .otherRegistrar(domain: "shop.example")]))
        s.signZones.phase = .signing
        _ = s.update(.step(SignZonesStep.Msg.zoneSigned(zoneId: "Z2", ksk)))
        // A later zone failed: the error is shown, and enter goes on to the DS of the zone that signed.
        _ = s.update(.step(SignZonesStep.Msg.signed(.failure(UIError("blog.example: InvalidKMSArn")))))
        #expect(s.view().text.contains("blog.example: InvalidKMSArn") && s.view().text.contains("goes on to the DS of the zones signed"), "\(s.view().text)")
        _ = s.update(.key(.enter))
        #expect(s.signZones.phase == .ds)
        _ = s.update(.key(.char("q")))
        #expect(s.confirm != nil && s.exitCode == nil, "signed, the DS not out yet: q asks first")
        _ = s.update(.key(.char("n")))
        let lines = s.view().lines
        #expect(lines.contains { $0.contains("shop.example: enter this DS at its registrar (not Route 53 Domains)") }, "\(lines)")
        #expect(lines.contains { $0.contains("digest      \(digest) ") }, "\(lines)")
        #expect(lines.contains { $0.contains("key tag     4242") } && lines.contains { $0.contains("algorithm   13 (ECDSAP256SHA256)") })
        #expect(!s.keymap.footerHints.contains { $0.0 == "p" }, "nothing to publish through Route 53 Domains")
        let copy = s.update(.key(.char("c")))
        #expect(copy == [.copy(text: DNSSECText.dsTable(domain: "shop.example", ksk: ksk) + "\n", what: "the DS table", prefix: "ds-example.com")])
        #expect(s.update(.key(.char("r"))) == [.dnssec(.check([.init(id: "Z2", name: "shop.example", serveSignature: "", keyTags: [])]))])
        #expect(s.signZones.phase == .check)
    }
}
