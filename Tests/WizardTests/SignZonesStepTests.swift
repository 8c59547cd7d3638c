import Foundation
import Testing
import Route53
import WhiteLabel
import Terminal
@testable import Wizard

/// Step 10, Sign zones, as a value at 80x24 (the run against the stand-ins is `WizardDNSSECE2ETests`): a zone that
/// already signs is shown with its key tag and cannot be ticked, a refused key leaves no `y` to press, `s` skips.
@Suite("Wizard: the sign-zones step")
struct SignZonesStepTests {
    @Test("the checklist: signed zones shown as such, not tickable; enter needs a ticked zone; s skips and ends")
    func checklist() {
        var s = LayoutTests.state(.signZones)
        _ = s.update(.step(SignZonesStep.Msg.loaded(.success([
            .init(id: "Z1", name: "example.com", serveSignature: "NOT_SIGNING", keyTags: []),
            .init(id: "Z2", name: "shop.example", serveSignature: "SIGNING", keyTags: [4242])]))))
        let text = s.view().text
        #expect(text.contains("[x] example.com   not signed (NOT_SIGNING)"), "\(text)")
        #expect(text.contains("[s] shop.example  signed: SIGNING, key tag 4242"), "\(text)")
        #expect(text.contains("s skip"))
        _ = s.update(.key(.down)); _ = s.update(.key(.char(" ")))
        #expect(s.signZones.picked == ["Z1"], "a signing zone cannot be ticked")
        _ = s.update(.key(.up)); _ = s.update(.key(.char(" ")))
        _ = s.update(.key(.enter))
        #expect(s.signZones.phase == .pick && s.notice?.text.contains("Tick a zone") == true)
        _ = s.update(.key(.char("s")))
        #expect(s.exitCode == 0)
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
}
