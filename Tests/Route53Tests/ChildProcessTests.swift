import Foundation
import Testing
import TestSupport
@testable import Route53
#if canImport(Glibc)
import Glibc
#endif

/// `credential_process` helpers start as the SDKs start them: the signal state and process group are read by the
/// helper itself from /proc, and compared with what Python's subprocess (botocore's way of running it) gives the same
/// helper. A hung helper is ended after the limit, with the processes it started.
@Suite(.serialized) struct ChildProcessTests {
    /// A helper that writes its own SigBlk, SigIgn and process group to `report`, then prints credentials.
    static func reportingHelper(_ dir: URL, report: String) throws -> String {
        let path = dir.appendingPathComponent("report-helper").path
        try """
        #!/bin/sh
        # Builtins only: a shell waiting for a child of its own blocks every signal for a moment, which /proc would show.
        while read -r key value; do case $key in SigBlk:|SigIgn:) echo "$key $value";; esac; done < /proc/$$/status > '\(report)'
        read -r pid comm state ppid pgrp rest < /proc/$$/stat; echo "PGid: $pgrp" >> '\(report)'
        echo '{"Version": 1, "AccessKeyId": "AKIDHELPER0000001", "SecretAccessKey": "helper/secret"}'
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static func fields(_ report: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            out[String(kv[0])] = kv[1].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    @Test func helperStartsWithNoSignalBlockedOrIgnoredInVanitynssGroup() async throws {
        let home = try TempHome()
        let report = home.url.appendingPathComponent("vanityns.txt").path
        let helper = try Self.reportingHelper(home.url, report: report)
        let files = try AWSConfigFiles.parse(credentials: nil, config: "[profile ops]\ncredential_process = \(helper)\n")
        // As in the wizard: SIGINT, SIGTERM and SIGHUP ignored by vanityns itself (the screen turns them into events).
        let saved = [SIGINT, SIGTERM, SIGHUP].map { ($0, signal($0, SIG_IGN)) }
        defer { for (sig, handler) in saved { signal(sig, handler) } }
        let c = try await ProcessCredentialProvider(profile: "ops", configFiles: files, environment: home.environment).credentials()
        #expect(c.accessKeyId == "AKIDHELPER0000001")
        let ours = try Self.fields(report)

        // The peer: the same helper under Python's subprocess, as botocore runs a credential_process.
        let peerReport = home.url.appendingPathComponent("python.txt").path
        let peerHelper = try Self.reportingHelper(home.url.appendingPathComponent("peer", isDirectory: true).creatingDirectory(), report: peerReport)
        _ = try LocalServices.python("import subprocess, sys; subprocess.run([sys.argv[1]], check=True, capture_output=True)", args: [peerHelper])
        let peer = try Self.fields(peerReport)

        #expect(ours["SigBlk"] == "0000000000000000", "\(ours)")
        #expect(ours["SigIgn"] == "0000000000000000", "\(ours)")
        #expect(ours["SigBlk"] == peer["SigBlk"] && ours["SigIgn"] == peer["SigIgn"], "vanityns \(ours), Python \(peer)")
        #expect(ours["PGid"] == String(getpgrp()), "the helper shares vanityns's process group, so a terminal's Ctrl-C reaches it")
    }

    @Test func aHelperThatNeverAnswersIsEndedAfterTheLimitWithWhatItStarted() async throws {
        let home = try TempHome()
        let pids = home.url.appendingPathComponent("pids").path
        let helper = home.url.appendingPathComponent("hang").path
        // A shell that waits on a child of its own: both must go.
        try "#!/bin/sh\nsleep 600 &\necho \"$$ $!\" > '\(pids)'\nwait\n".write(toFile: helper, atomically: true, encoding: .utf8)
        chmod(helper, 0o755)
        let files = try AWSConfigFiles.parse(credentials: nil, config: "[profile slow]\ncredential_process = \(helper) --flag\n")
        var env = home.environment
        env[ProcessCredentialProvider.timeoutVariable] = "1"
        let started = Date()
        let error = await #expect(throws: Route53Error.self) {
            try await ProcessCredentialProvider(profile: "slow", configFiles: files, environment: env).credentials()
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect("\(error!)".contains("credential_process of profile `slow` (`\(helper)`) did not finish within 1 s and was ended"), "\(error!)")
        #expect(!"\(error!)".contains("--flag"), "arguments may carry secrets: only the program is named")
        #expect(elapsed < 20, "ended after the limit, not when the helper gave up: \(elapsed) s")
        let started2 = try String(contentsOfFile: pids, encoding: .utf8).split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(started2.count == 2)
        for pid in started2 { #expect(!Self.running(pid), "process \(pid) of the helper still runs") }
    }

    @Test func aTimeLimitThatIsNotANumberIsAConfigurationError() async throws {
        let home = try TempHome()
        let files = try AWSConfigFiles.parse(credentials: nil, config: "[profile p]\ncredential_process = /bin/true\n")
        var env = home.environment
        env[ProcessCredentialProvider.timeoutVariable] = "soon"
        await #expect(throws: Route53Error.configuration(
            "VANITYNS_CREDENTIAL_PROCESS_TIMEOUT=soon is not a number of seconds above 0 (default 60)")) {
            try await ProcessCredentialProvider(profile: "p", configFiles: files, environment: env).credentials()
        }
    }

    @Test func outputOfAGrandchildLeftRunningIsNotWaitedFor() throws {
        // The helper answers, but a process it left behind keeps its stdout open (a daemonising helper).
        let started = Date()
        let o = try ChildProcess.run("/bin/sh", ["-c", "sleep 30 & echo done"], environment: [:], timeout: 60)
        #expect(o.status == 0)
        #expect(String(decoding: o.stdout, as: UTF8.self) == "done\n")
        #expect(Date().timeIntervalSince(started) < 15, "waited for the grandchild's pipe")
    }

    @Test func stdinIsFedAndBothPipesAreReadAtOnce() throws {
        // 1 MiB through stdin and back on both pipes: a child that fills one pipe while the other is read never blocks.
        let input = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let o = try ChildProcess.run("/bin/sh", ["-c", "tee /dev/stderr"], environment: [:], stdin: input, timeout: 60)
        #expect(o.status == 0 && o.stdout == input && o.stderr == input)
    }

    static func running(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}

extension URL {
    /// Creates the directory (and its parents) and returns it.
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
