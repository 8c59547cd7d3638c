import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The wizard's terminal abused while an apply is in flight (Route 53's answers held by the proxy): a resize storm
/// through sizes from 1x1 to 300x100, a hangup (SIGHUP) with the pane kept, and the pane killed outright. No crash,
/// the terminal left as it was found, journals that still parse, and the next start offers to resume.
@Suite(.serialized) struct TerminalAbuseTests {
    /// Sizes a user (or a tiling window manager) can throw at the wizard, the extremes first.
    static let storm: [(Int, Int)] = [(1, 1), (300, 100), (1, 100), (300, 1), (2, 2), (80, 24), (79, 23), (81, 25), (40, 12),
                                      (200, 60), (10, 3), (120, 40), (3, 80), (299, 99), (80, 1), (1, 24), (160, 48), (80, 24)]

    @Test func resizeStormDuringApplyLeavesAWorkingWizard() throws {
        let run = try ApplyInFlight(answersHeldSeconds: 4)
        defer { run.stop() }
        let (account, t) = (run.account, run.t)
        try t.waitForText("old values saved")
        for round in 0..<3 {
            for (w, h) in Self.storm {
                try t.resize(width: w, height: h)
                usleep(UInt32(10_000 + 20_000 * round))
            }
        }
        #expect(t.isRunning, "the wizard died in the storm: status \(t.exitStatus.map(String.init) ?? "?")")

        // Back at 80x24 the apply finishes and the screen is whole: one frame exactly the terminal's size.
        try t.resize(width: 80, height: 24)
        let done = try t.waitForText("Done. Next: the registrar", timeout: 60)
        #expect(done.count == 24 && done.allSatisfy { $0.count <= 80 }, "\(done)")
        #expect(done[1].count == 80 && done[1].hasPrefix("┌") && done[1].hasSuffix("┐"), "\(done[1])")
        #expect(!done.contains { $0.contains("too small") })
        #expect(try account.journalState("example.com") == "done")
        #expect(try account.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"])
        try t.sendKeys("C-c")
        #expect(try t.waitForExit() == 130)
        let modes = try run.modes()
        #expect(modes == .restored, "\(modes)")
    }

    @Test func hangupDuringApplyRestoresTheTerminalAndResumesNextTime() throws {
        let run = try ApplyInFlight(answersHeldSeconds: 30)
        defer { run.stop() }
        let (account, t) = (run.account, run.t)
        try waitForGlueInFlight(account, t)
        let drawing = try t.liveModes()
        #expect(drawing.alternateScreen && !drawing.cursorVisible, "the wizard draws on the alternate screen, cursor hidden: \(drawing)")
        #expect(try run.modes() == drawing, "the recorded output agrees with tmux")
        kill(try #require(t.pid), SIGHUP)

        // An orderly exit with the hangup's status (a crash would be 128 + SIGSEGV or SIGABRT), the main screen back,
        // the cursor shown, keypad and mouse modes off.
        #expect(try t.waitForExit() == 128 + SIGHUP)
        let modes = try run.modes()
        #expect(modes == .restored, "\(modes)")
        try expectResumable(account)
    }

    @Test func paneKilledDuringApplyEndsTheProgramAndResumesNextTime() throws {
        let run = try ApplyInFlight(answersHeldSeconds: 30)
        defer { run.stop() }
        let (account, t) = (run.account, run.t)
        try waitForGlueInFlight(account, t)
        let pid = try #require(t.pid)
        // The pane's terminal goes away under the program (no client was ever attached): the kernel hangs it up.
        t.kill()
        let deadline = Date().addingTimeInterval(10)
        while Self.isRunning(pid), Date() < deadline { usleep(50_000) }
        #expect(!Self.isRunning(pid), "vanityns \(pid) still runs 10 s after its terminal went away")
        try expectResumable(account)
    }

    /// True while `pid` runs (a zombie waiting for its reaper has ended).
    private static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// Waits until the glue change has reached Route 53 while its answer is still held: the apply is in flight.
    private func waitForGlueInFlight(_ account: WizardAccount, _ t: TmuxSession) throws {
        try t.waitForText("old values saved")
        let deadline = Date().addingTimeInterval(20)
        while try account.values("example.com.", "ns1.example.com.", "A").isEmpty, Date() < deadline { usleep(100_000) }
        #expect(try account.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"])
    }

    /// Every JSON file in the state folder parses, the zone's journal is still pending, and a new start offers to
    /// resume it on the first screen.
    private func expectResumable(_ account: WizardAccount, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = URL(fileURLWithPath: account.stateDir)
        let json = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        #expect(json.contains { $0.lastPathComponent == "journal-example.com.json" }, "\(json)", sourceLocation: sourceLocation)
        for file in json {
            #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: file))) != nil, "\(file.lastPathComponent) does not parse",
                    sourceLocation: sourceLocation)
        }
        #expect(try account.journalState("example.com") == "pending", sourceLocation: sourceLocation)
        let again = try account.wizard(width: 80, height: 24)
        try again.waitForText("An earlier apply did not finish for: example.com")
        try again.sendKeys("C-c")
        #expect(try again.waitForExit() == 130, sourceLocation: sourceLocation)
    }
}

/// The sandbox wizard at 80x24 with its apply of example.com confirmed, Route 53's answers to changes held
/// `answersHeldSeconds` by the proxy (the changes land at once), and everything it writes to the terminal recorded.
private final class ApplyInFlight {
    let account: WizardAccount
    let slow: LoopbackPythonServer
    let t: TmuxSession
    let outputPath = NSTemporaryDirectory() + "vanityns-tty-\(UUID().uuidString)"
    /// The modes when the recording started.
    let startModes: TerminalModes

    init(answersHeldSeconds: Double) throws {
        account = try WizardAccount(seed: .sandbox)
        slow = try LoopbackPythonServer.motoProxy(upstream: account.moto.endpoint, delayChangesSeconds: answersHeldSeconds)
        t = try account.wizard(width: 80, height: 24, endpoint: slow.endpoint)
        try t.recordOutput(to: outputPath)
        startModes = try t.liveModes()
        try account.confirmHomeZoneApply(t)
    }

    /// The terminal modes the wizard's output left set so far.
    func modes() throws -> TerminalModes {
        startModes.after(String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputPath)), as: UTF8.self))
    }

    func stop() {
        t.kill(); slow.stop(); account.stop()
        unlink(outputPath)
    }
}
