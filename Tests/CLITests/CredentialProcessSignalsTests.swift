import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A `credential_process` that hangs, run by the real binary: Ctrl-C in a terminal (tmux), SIGTERM and SIGHUP to
/// vanityns end the helper with it, a helper that never answers is ended after the limit, and a helper that prompts
/// on the terminal while the wizard's screen is up cannot draw over it.
@Suite(.serialized) struct CredentialProcessSignalsTests {
    /// A folder with a config whose profile `hang` runs `helper`, a shell that records its pid and waits on a child.
    final class HangingHelper {
        let dir: String
        init(script: String? = nil) throws {
            dir = NSTemporaryDirectory() + "vanityns-hang-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try (script ?? "#!/bin/sh\necho $$ > '\(dir)/helper.pid'\nsleep 600\necho never\n")
                .write(toFile: dir + "/helper", atomically: true, encoding: .utf8)
            chmod(dir + "/helper", 0o755)
            try "[profile hang]\nregion = us-east-1\ncredential_process = \(dir)/helper\n"
                .write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }

        /// vanityns's environment: this config, no keys, Route 53 on a loopback port nothing answers (no call gets
        /// that far: the helper never answers).
        var environment: [String: String] {
            CLI.environment(["AWS_CONFIG_FILE": dir + "/config", "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "HOME": dir])
        }

        /// The helper's pid, once it has started.
        func helperPid(timeout: TimeInterval = 20) throws -> pid_t {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let text = try? String(contentsOfFile: dir + "/helper.pid", encoding: .utf8),
                   let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
                usleep(20_000)
            }
            throw NSError(domain: "CredentialProcessSignalsTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "the credential_process helper never started"])
        }
    }

    /// Waits up to `timeout` for `pid` to be gone (or a zombie); true if it went.
    static func ends(_ pid: pid_t, within timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return true }
            let state = stat[stat.index(close, offsetBy: 2)]
            if state == "Z" || state == "X" { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }

    @Test func ctrlCInATerminalEndsVanitynsAndTheHelper() throws {
        let helper = try HangingHelper()
        let t = try TmuxSession(command: [CLI.binary, "sets", "list", "--profile", "hang"], environment: helper.environment,
                                width: 80, height: 24)
        defer { t.kill() }
        let pid = try helper.helperPid()
        try t.sendKeys("C-c")
        #expect(try t.waitForExit(timeout: 5) == 130)
        // The issue asks for "within a second"; the bound here is loose so a loaded machine does not fail it.
        #expect(Self.ends(pid, within: 3), "the helper outlived Ctrl-C")
    }

    @Test(arguments: [SIGTERM, SIGHUP])
    func aSignalToVanitynsAloneEndsTheHelperToo(_ sig: Int32) throws {
        let helper = try HangingHelper()
        let p = try SpawnedProcess(arguments: [CLI.binary, "sets", "list", "--profile", "hang"], environment: helper.environment)
        defer { p.terminate() }
        let pid = try helper.helperPid()
        kill(p.pid, sig)
        #expect(p.waitForExit() == 128 + sig, "vanityns dies of the signal it was sent")
        #expect(Self.ends(pid, within: 3), "the helper outlived vanityns (signal \(sig))")
    }

    @Test func aHelperThatNeverAnswersFailsTheCommandAfterTheLimit() throws {
        let helper = try HangingHelper()
        var env = helper.environment
        env["VANITYNS_CREDENTIAL_PROCESS_TIMEOUT"] = "2"
        let r = try CLI.run(["sets", "list", "--profile", "hang"], env: env)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("credential_process of profile `hang` (`\(helper.dir)/helper`) did not finish within 2 s and was ended"),
                "\(r.stderr)")
        #expect(r.stderr.contains("VANITYNS_CREDENTIAL_PROCESS_TIMEOUT"), "says how to allow more time")
        #expect(Self.ends(try helper.helperPid(), within: 3))
    }

    @Test func aHelperThatPromptsWhileTheWizardIsUpCannotDrawOnTheScreen() throws {
        // The first run answers (before the screen starts) with credentials that expire in 2 minutes, so the wizard's
        // first call fetches again (5 minutes early) with the screen up. That run prompts on /dev/tty.
        let script = """
        #!/bin/sh
        n=$(cat "$HOME/runs" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$HOME/runs"
        if [ $n -gt 1 ]; then
          if ! printf 'PROMPT-XYZ MFA code: ' > /dev/tty 2>/dev/null; then echo "run $n: no terminal" >> "$HOME/tty.log"; echo "no terminal for the MFA prompt" >&2; exit 2; fi
          echo "run $n: prompted" >> "$HOME/tty.log"; read code < /dev/tty
        fi
        echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIDTTYHELPER0001\\", \\"SecretAccessKey\\": \\"tty/secret\\", \\"Expiration\\": \\"$(date -u -d '+2 min' +%Y-%m-%dT%H:%M:%SZ)\\"}"
        """
        let helper = try HangingHelper(script: script)
        let t = try TmuxSession(command: [CLI.binary, "--profile", "hang"], environment: helper.environment, width: 80, height: 24)
        defer { t.kill() }
        let screen = try t.waitFor(timeout: 20) { screen in
            screen.contains { $0.contains("step 1/") } && (try? String(contentsOfFile: helper.dir + "/tty.log", encoding: .utf8)) != nil
        }
        let log = try String(contentsOfFile: helper.dir + "/tty.log", encoding: .utf8)
        #expect(log.hasPrefix("run 2: no terminal"), "\(log)")
        let later = try t.capture()
        #expect(!(screen + later).contains { $0.contains("PROMPT-XYZ") }, "\(later)")
        #expect(later.first?.contains("vanityns") == true && later.count == 24, "the screen is whole: \(later)")
        try t.sendKeys("q")
        _ = try? t.waitForExit(timeout: 5)
    }

    @Test(arguments: ["q", "SIGTERM"])
    func quittingTheWizardEndsAHelperStillRunning(_ how: String) throws {
        // As above, the second run comes with the screen up; it hangs.
        let script = """
        #!/bin/sh
        n=$(cat "$HOME/runs" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$HOME/runs"
        if [ $n -gt 1 ]; then echo $$ > "$HOME/helper.pid"; sleep 600; fi
        echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIDTTYHELPER0001\\", \\"SecretAccessKey\\": \\"tty/secret\\", \\"Expiration\\": \\"$(date -u -d '+2 min' +%Y-%m-%dT%H:%M:%SZ)\\"}"
        """
        let helper = try HangingHelper(script: script)
        let t = try TmuxSession(command: [CLI.binary, "--profile", "hang"], environment: helper.environment, width: 80, height: 24)
        defer { t.kill() }
        let pid = try helper.helperPid()
        _ = try t.waitForText("step 1/")
        if how == "q" { try t.sendKeys("q") } else { kill(try #require(t.pid), SIGTERM) }
        #expect(try t.waitForExit(timeout: 5) == (how == "q" ? 0 : 128 + SIGTERM))
        #expect(Self.ends(pid, within: 3), "the helper outlived the wizard (\(how))")
    }
}
