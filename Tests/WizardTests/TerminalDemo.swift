import Foundation
import Route53
import Testing
@testable import Wizard

/// Runs the real curses wizard over the fakes when VNS_WIZARD_DEMO is set (for a tmux check by hand):
/// `VNS_WIZARD_DEMO=wizard swift test --filter TerminalDemo` inside tmux. Skipped otherwise.
@Suite("TerminalDemo")
struct TerminalDemo {
    @Test("curses wizard over fakes", .enabled(if: ProcessInfo.processInfo.environment["VNS_WIZARD_DEMO"] != nil))
    func demo() async {
        let (events, cont) = AsyncStream<RequestEvent>.makeStream()
        let ctx = WizardContext(route53: FakeRoute53(), engine: FakeEngine(), events: events,
                                account: AccountInfo(profile: "demo", keyHint: "…7QX4", credentialSource: "profile demo", endpoint: "https://route53.amazonaws.com"),
                                stateDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("vns-demo"))
        let feeder = Task { var i = 0; while !Task.isCancelled { i += 1
            cont.yield(.init(time: Date(), operation: "ListHostedZones", method: "GET", path: "/", status: i % 5 == 0 ? 400 : 200, attempt: i % 5 == 0 ? 2 : 1, latencyMs: 42, errorCode: i % 5 == 0 ? "Throttling" : nil, willRetry: i % 5 == 0))
            try? await Task.sleep(nanoseconds: 2_000_000_000) } }
        let code = ProcessInfo.processInfo.environment["VNS_WIZARD_DEMO"] == "browser" ? await WizardApp.runBrowser(ctx) : await WizardApp.runWizard(ctx)
        feeder.cancel()
        FileHandle.standardError.write(Data("demo exit \(code)\n".utf8))
    }
}
