import Foundation
import Testing
import Route53
import Terminal
@testable import Wizard

@Suite("Log pane and browser")
struct LogAndBrowserTests {
    static func event(_ i: Int, status: Int? = 200, code: String? = nil, attempt: Int = 1, retry: Bool = false) -> RequestEvent {
        RequestEvent(time: Date(timeIntervalSince1970: 50_531 + Double(i)), operation: "ListHostedZones\(i)", method: "GET", path: "/",
                     status: status, attempt: attempt, latencyMs: 84, errorCode: code, willRetry: retry)
    }

    @Test("log lines show time, operation, status, latency, retries and throttling")
    func lineFormat() {
        let e = LogEntry(event: Self.event(0, status: 400, code: "Throttling", attempt: 2, retry: true), timeZone: TimeZone(identifier: "UTC")!)
        #expect(e.text.hasPrefix("14:02:11 ListHostedZones0"))
        #expect(e.text.contains("400    84 ms  try 2  Throttling  retrying"))
        #expect(e.role == .warn)
        #expect(LogEntry(event: Self.event(1, status: nil, code: "transport")).role == .error)
    }

    @Test("the log follows new lines only while at the bottom")
    func follow() async {
        var h = Harness()
        await h.start()
        for i in 0..<20 { await h.send(.log(Self.event(i))) }
        #expect(h.screen.contains("ListHostedZones19"))
        await h.key(.tab)
        #expect(h.lines[23].contains("s save log"))
        await h.keys(.up, .up, .up)
        #expect(!h.screen.contains("ListHostedZones19"))
        #expect(h.screen.contains("ListHostedZones16"))
        await h.send(.log(Self.event(20)))
        #expect(!h.screen.contains("ListHostedZones20"))
        #expect(h.screen.contains("ListHostedZones16"))
        #expect(h.screen.contains("scrolled, 4 newer"))
        await h.key(.end)
        await h.send(.log(Self.event(21)))
        #expect(h.screen.contains("ListHostedZones21"))
        await h.key(.tab)
        #expect(!h.state.focusLog)
    }

    @Test("s saves the log to the state directory with mode 0600 and says where")
    func save() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vns-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var h = Harness(stateDirectory: dir)
        await h.start()
        await h.send(.log(Self.event(1)))
        await h.keys(.tab, .char("s"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.count == 1)
        let path = dir.appendingPathComponent(files[0]).path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("ListHostedZones1"))
        #expect(h.screen.contains("Log saved to \(dir.path)"))
    }

    static func browserMsgs(_ cmd: BrowserCommand, r53: FakeRoute53) async -> [BrowserMsg] {
        let box = BrowserBox()
        await BrowserRunner(route53: r53).run(cmd) { box.add($0) }
        return box.items
    }

    @Test("browser: sets, zones in a set, record sets; first page shown while the next loads; / filters")
    func browser() async {
        let r53 = FakeRoute53()
        var s = BrowserState(size: Size(width: 80, height: 24), account: AccountInfo(keyHint: "…7QX4", endpoint: "e"))
        func run(_ cmds: [BrowserCommand]) async { for c in cmds { for m in await Self.browserMsgs(c, r53: r53) { _ = s.update(m) } } }
        await run(s.initialCommands)
        #expect(s.view().text.contains("All hosted zones"))
        #expect(s.view().text.contains("N0284911Q2UJ8DKK2"))
        await run(s.update(.key(.down)))
        let open = s.update(.key(.enter))
        #expect(open == [.listZones(setId: "N0284911Q2UJ8DKK2", setIds: [], generation: 1)])
        await run(open)
        #expect(s.view().text.contains("Zones in set N0284911Q2UJ8DKK2 (2)"))
        #expect(!s.view().text.contains("other.org"))
        let records = s.update(.key(.enter))
        // Feed only the first page: rows show while the rest is loading.
        let msgs = await Self.browserMsgs(records[0], r53: r53)
        #expect(msgs.count == 4)
        _ = s.update(msgs[0])
        #expect(s.view().text.contains("(2 so far, loading page 2"))
        #expect(s.view().text.contains("h2.example.com."))
        #expect(s.animating)
        for m in msgs.dropFirst() { _ = s.update(m) }
        #expect(s.view().text.contains("Record sets of example.com (5)"))
        #expect(!s.animating)
        _ = s.update(.key(.char("/")))
        for c in "h4" { _ = s.update(.key(.char(c))) }
        let text = s.view().text
        #expect(text.contains("h4.example.com.") && !text.contains("h3.example.com."))
        _ = s.update(.key(.escape))
        #expect(s.view().text.contains("h3.example.com."))
        _ = s.update(.key(.escape))
        #expect(s.level == .zones)
        _ = s.update(.key(.char("q")))
        #expect(s.exitCode == 0)
    }

    @Test("browser: a listing error is shown with its code")
    func browserError() async {
        let r53 = FakeRoute53()
        r53.failures["ListReusableDelegationSets"] = .service(code: "AccessDenied", message: "not allowed", status: 403, requestId: nil)
        var s = BrowserState(size: Size(width: 120, height: 40), account: AccountInfo(endpoint: "e"))
        for c in s.initialCommands { for m in await Self.browserMsgs(c, r53: r53) { _ = s.update(m) } }
        #expect(s.view().text.contains("AccessDenied"))
    }
}

final class BrowserBox: @unchecked Sendable {
    let lock = NSLock(); var items: [BrowserMsg] = []
    func add(_ m: BrowserMsg) { lock.lock(); items.append(m); lock.unlock() }
}
