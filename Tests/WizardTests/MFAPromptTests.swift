import Foundation
import Testing
import Route53
import Terminal
@testable import Wizard

/// An MFA code asked for in the wizard's own prompt while its screen runs (a role session refreshed mid-run), and on
/// the terminal otherwise.
@Suite struct MFAPromptTests {
    static let serial = "arn:aws:iam::123456789012:mfa/dana"

    /// Feeds what the screen received so far (from index `seen`) into the harness.
    func deliver(_ inbox: MsgBox, _ h: inout Harness, from seen: inout Int) async throws {
        let deadline = Date().addingTimeInterval(5)
        while inbox.take().count <= seen {
            guard Date() < deadline else { Issue.record("no MFA request reached the screen"); return }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        let all = inbox.take()
        for m in all[seen...] { await h.send(m) }
        seen = all.count
    }

    @Test func theCodeIsTypedIntoTheWizardMaskedAndReachesTheCredentialProvider() async throws {
        let bridge = MFABridge(fallback: { _ in "from-the-terminal" })
        #expect(try await bridge.ask(Self.serial) == "from-the-terminal", "no screen yet: the terminal prompt")

        var h = Harness(mfa: bridge)
        let inbox = MsgBox()
        var seen = 0
        await h.runner.run(.listenForMFA) { inbox.add($0) }
        let answer = Task { try await bridge.ask(Self.serial) }
        try await deliver(inbox, &h, from: &seen)
        #expect(h.screen.contains("MFA code") && h.screen.contains("mfa/dana"), "\(h.screen)")
        await h.type("90a8172")
        #expect(h.state.mfaPrompt?.code == "908172", "digits only")
        #expect(h.screen.contains("******") && !h.screen.contains("908172"), "the code is never shown")
        await h.key(.enter)
        #expect(try await answer.value == "908172")
        #expect(h.state.mfaPrompt == nil && !h.screen.contains("MFA code"))

        // esc: the refresh fails with a message that says what happened.
        let cancelled = Task { try await bridge.ask(Self.serial) }
        try await deliver(inbox, &h, from: &seen)
        await h.key(.escape)
        await #expect { _ = try await cancelled.value } throws: { error in
            (error as? Route53Error).map { "\($0)".contains("no MFA code was given for \(Self.serial)") } ?? false
        }

        // The screen gone, the terminal asks again.
        bridge.detach()
        #expect(try await bridge.ask(Self.serial) == "from-the-terminal")
    }
}
