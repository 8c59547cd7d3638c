import Foundation
import Testing
import TestSupport

/// kill -9 during apply, then rerun: no duplicate, nothing lost, and rollback still restores the original values.
@Suite(.serialized) final class CrashResumeTests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(domains: false) }
    deinit { f.stop() }

    @Test func killedWhileAChangeIsInFlightThenRerunConverges() throws {
        let nsBefore = try f.values("example.com.", "example.com.", "NS")
        let soaBefore = try f.values("example.com.", "example.com.", "SOA")
        // A proxy that forwards to moto but answers ChangeResourceRecordSets only after 30 s: the change lands in
        // moto at once, and vanityns is killed while waiting for the answer (a lost response).
        let proxy = try LoopbackPythonServer.motoProxy(upstream: f.moto.endpoint, delayChangesSeconds: 30)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["apply", "--yes", "--set", f.setId, "--domain", "example.com", "--endpoint-url", proxy.endpoint,
                       "--resolver", "127.0.0.1:\(f.dns.port)", "--state-dir", f.stateDir]
        p.environment = CLI.environment(f.moto.environment)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while try f.values("example.com.", "ns1.example.com.", "A").isEmpty, Date() < deadline { usleep(100_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(try f.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"], "the change should have landed before the kill")

        // The rerun sees the unfinished zone and converges.
        let rerun = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let glue = try f.records("example.com.").filter { $0.hasPrefix("ns1.example.com. A ") }
        #expect(glue.count == 1)
        #expect(try f.planIsEmpty(["--set", f.setId, "--domain", "example.com"]))

        // The journal kept the values from before the first attempt: rollback restores them exactly.
        let rb = try f.vanity(["rollback", "--zone", "example.com", "--yes"])
        #expect(rb.status == 0, "\(rb.stderr)")
        #expect(try f.values("example.com.", "example.com.", "NS") == nsBefore)
        #expect(try f.values("example.com.", "example.com.", "SOA") == soaBefore)
    }
}
