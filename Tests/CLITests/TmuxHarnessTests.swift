import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The tmux harness, checked with small programs: what a test of the real binary relies on (typing, reading the
/// screen with colours, resizing, exit status, killing) must itself work.
@Suite struct TmuxHarnessTests {
    static let env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]

    static func bash(_ script: String, width: Int = 60, height: Int = 12,
                     env: [String: String] = TmuxHarnessTests.env) throws -> TmuxSession {
        try TmuxSession(command: ["/bin/bash", "--norc", "--noprofile", "-c", script], environment: env,
                        width: width, height: height)
    }

    @Test func typedLineReachesTheProgramAndItsAnswerIsOnScreen() throws {
        let t = try Self.bash(#"printf 'name? '; read -r x; echo "got <$x>""#)
        try t.waitForText("name?")
        try t.sendText("Enter the dragon")  // literal: "Enter" must not become a key here
        try t.sendKeys("Enter")
        let screen = try t.waitForText("got <Enter the dragon>")
        #expect(screen.first == "name? Enter the dragon")
        #expect(try t.waitForExit() == 0)
    }

    @Test func controlKeysByNameReachTheProgram() throws {
        let t = try Self.bash(#"trap 'echo interrupted; exit 5' INT; echo ready; while :; do sleep 0.05; done"#)
        try t.waitForText("ready")
        try t.sendKeys("C-c")
        try t.waitForText("interrupted")
        #expect(try t.waitForExit() == 5)
    }

    @Test func colouredOutputKeepsItsEscapesInTheANSICaptureOnly() throws {
        let t = try Self.bash(#"printf '\e[31mred\e[0m \e[1mbold\e[0m \e[38;5;208morange\e[0m \e[38;2;10;20;30mtrue\e[0m \e[7mrev\e[0m\n'; echo done"#)
        let screen = try t.waitForText("done")
        #expect(screen[0] == "red bold orange true rev")
        let ansi = try t.captureANSI()
        #expect(ansi.contains("\u{1B}[31mred"))
        #expect(ansi.contains("\u{1B}[1mbold"))
        #expect(ansi.contains("\u{1B}[38;5;208morange"))
        #expect(ansi.contains("\u{1B}[38;2;10;20;30mtrue"))
        #expect(ansi.contains("\u{1B}[7mrev"))
    }

    @Test func wideAndLineDrawingCharactersSurviveCapture() throws {
        // The second box is drawn the way ncurses draws on xterm: VT100 line drawing after ESC ( 0.
        let t = try Self.bash(#"printf '漢字 ┌─┐\n\e(0lqk\nx x\nmqj\e(B\n'; echo done"#)
        let screen = try t.waitForText("done")
        #expect(Array(screen.prefix(4)) == ["漢字 ┌─┐", "┌─┐", "│ │", "└─┘"])
    }

    @Test func programSeesTheSizeAndTheResize() throws {
        let t = try Self.bash(#"trap 'echo "now $(tput cols)x$(tput lines)"' WINCH; echo "start $(tput cols)x$(tput lines)"; while :; do sleep 0.05; done"#,
                              width: 70, height: 15)
        try t.waitForText("start 70x15")
        try t.resize(width: 100, height: 30)
        try t.waitForText("now 100x30")
        #expect(try t.size() == (width: 100, height: 30))
        #expect(try t.capture().count == 30)
    }

    @Test func exitStatusAndLastScreenRemainAfterExit() throws {
        let t = try Self.bash("echo last words; exit 7", height: 4)
        #expect(try t.waitForExit() == 7)
        #expect(!t.isRunning)
        // The whole last screen, top row included: nothing scrolled it away.
        #expect(try t.capture() == ["last words", "", "", ""])
    }

    @Test func programKilledBySignalReportsAsAShellWould() throws {
        let t = try TmuxSession(command: ["/bin/sleep", "30"], environment: Self.env, width: 40, height: 5)
        #expect(t.isRunning)
        #expect(t.exitStatus == nil)
        let pid = try #require(t.pid)
        #expect(Glibc.kill(pid, SIGKILL) == 0)
        #expect(try t.waitForExit() == 128 + SIGKILL)
    }

    @Test func environmentIsExactlyWhatTheTestGives() throws {
        let t = try TmuxSession(command: ["/usr/bin/env"], environment: ["ONLY_ME": "yes", "LANG": "C.UTF-8"],
                                width: 60, height: 8)
        #expect(try t.waitForExit() == 0)
        let lines = Set(try t.capture().filter { !$0.isEmpty })
        #expect(lines == ["LANG=C.UTF-8", "ONLY_ME=yes", "TERM=xterm-256color"])
    }

    @Test func timeoutErrorShowsTheScreen() throws {
        let t = try Self.bash("echo what the user saw; sleep 30")
        try t.waitForText("what the user saw")
        let error = #expect(throws: TmuxError.self) { try t.waitForText("never shown", timeout: 0.3) }
        #expect(error?.description.contains("never shown") == true)
        #expect(error?.description.contains("|what the user saw") == true)
    }

    @Test func sessionsAreIsolatedAndTheServerGoesWithTheSession() throws {
        var a: TmuxSession? = try Self.bash("echo first; sleep 30")
        let b = try Self.bash("echo second; sleep 30")
        try a?.waitForText("first")
        try b.waitForText("second")
        #expect(a?.socket != b.socket)
        #expect(try b.capture().first == "second")
        let socket = try #require(a?.socket)
        a = nil
        let ls = try LocalServices.run("/usr/bin/env", ["tmux", "-L", socket, "list-sessions"], check: false)
        #expect(ls.status != 0)
        let tmpdir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        #expect(!FileManager.default.fileExists(atPath: "\(tmpdir)/tmux-\(getuid())/\(socket)"), "socket file left behind")
        #expect(b.isRunning)
        b.kill()
        #expect(!b.isRunning)
    }

    @Test func escapeHelpersLeaveOnlyTheText() {
        #expect(TerminalText.stripEscapes("\u{1B}[1;31mA\u{1B}[0m\u{1B}]8;;http://x\u{1B}\\B\u{1B}]0;t\u{07}C") == "ABC")
        #expect(TerminalText.translateACS("\u{1B}[37m\u{0E}lq\u{1B}[0mk\u{0F}q") == "\u{1B}[37m┌─\u{1B}[0m┐q")
    }
}
