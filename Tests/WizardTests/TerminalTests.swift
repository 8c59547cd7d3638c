import Foundation
import Testing
import Terminal
import Route53
@testable import Wizard

@Suite("Terminal widgets and drivers")
struct TerminalTests {
    @Test("widths: CJK and emoji take two columns, truncation ends with an ellipsis")
    func widths() {
        #expect(TextWidth.of("例え.jp") == 7)
        #expect(TextWidth.of("🦊") == 2)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.truncate("例え例え", to: 5) == "例え…")
        #expect(TextWidth.pad("ab", to: 4, right: true) == "  ab")
        var f = Frame(size: Size(width: 6, height: 1))
        f.put("a例b", x: 0, y: 0)
        #expect(f.lines[0] == "a例b  ")
        f.put("例例例例", x: 0, y: 0)
        #expect(TextWidth.of(f.lines[0]) == 6)
    }

    @Test("ASCII rendering for non-UTF-8 terminals uses +-| boxes, > marker and * spinner")
    func ascii() async {
        var h = Harness()
        await h.start()
        await h.key(.enter)
        var st = h.state; st.delegationSet.sets = .loading
        let lines = MemoryDriver.render(st.view(), ascii: true)
        #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) })
        #expect(lines[1].hasPrefix("+- Reusable delegation sets"))
        #expect(lines[2].hasPrefix("|"))
        #expect(lines[2].contains("* listing"))
        let withList = MemoryDriver.render(h.state.view(), ascii: true)
        #expect(withList.contains { $0.hasPrefix("| > N0284911Q2UJ8DKK2") })
        #expect(withList.allSatisfy { $0.count == 80 })
    }

    @Test("NO_COLOR: any non-empty value turns colour off")
    func noColor() {
        #expect(CursesDriver.colorWanted(environment: [:]))
        #expect(CursesDriver.colorWanted(environment: ["NO_COLOR": ""]))
        #expect(!CursesDriver.colorWanted(environment: ["NO_COLOR": "1"]))
        #expect(!CursesDriver.terminalUsable(environment: ["TERM": "dumb"]))
    }

    @Test("keymap: exact keys first, then printable; footer and help come from the same bindings")
    func keymap() {
        let m = Keymap<Int>([KeyBinding([.char("q")], "q", "quit", 1), KeyBinding(patterns: [.printable], label: "type", help: "filter", action: 2),
                             KeyBinding([.enter], "enter", "open", footer: false, 3)])
        #expect(m.action(for: .char("q")) == 1)
        #expect(m.action(for: .char("z")) == 2)
        #expect(m.action(for: .enter) == 3)
        #expect(m.action(for: .up) == nil)
        #expect(m.footerHints.map(\.0) == ["q", "type"])
        #expect(m.helpLines.count == 3)
    }

    @Test("the screen loop draws the first screen at once, sleeps while idle, and quits on q")
    func loop() async {
        let driver = MemoryDriver()
        let r53 = FakeRoute53(), engine = FakeEngine()
        let ctx = WizardContext(route53: r53, engine: engine, events: AsyncStream { $0.finish() }, account: AccountInfo(keyHint: "…7QX4", endpoint: "e"),
                                stateDirectory: FileManager.default.temporaryDirectory)
        let runner = WizardRunner(context: ctx)
        let done = ResultBox()
        let t = Thread {
            let r = WizardApp.drive(driver: driver, events: ctx.events, make: { WizardState(size: $0, account: ctx.account) },
                                    initial: { $0.initialCommands }, run: { await runner.run($0, send: $1) })
            done.set(r.0)
        }
        t.start()
        #expect(driver.waitForFrame { $0.contains("step 1/10 Account") })
        #expect(driver.waitForFrame { $0.contains("1 of 100 reusable delegation sets used") })
        let draws = driver.drawCount
        try? await Task.sleep(nanoseconds: 300_000_000)
        #expect(driver.drawCount == draws, "no redraws while idle")
        driver.feed([.key(.char("q"))])
        #expect(done.wait() == 0)
    }

    @Test("a dropped connection (SIGHUP) ends the loop")
    func hangup() async {
        let driver = MemoryDriver()
        let done = ResultBox()
        let ctx = WizardContext(route53: FakeRoute53(), engine: FakeEngine(), events: AsyncStream { $0.finish() }, account: AccountInfo(endpoint: "e"),
                                stateDirectory: FileManager.default.temporaryDirectory)
        let runner = WizardRunner(context: ctx)
        Thread {
            done.set(WizardApp.drive(driver: driver, events: ctx.events, make: { WizardState(size: $0, account: ctx.account) },
                                     initial: { _ in [] }, run: { await runner.run($0, send: $1) }).0)
        }.start()
        #expect(driver.waitForFrame { $0.contains("step 1/10") })
        driver.feed([.key(.enter), .signal(SIGHUP)])
        #expect(done.wait() == 129)
    }
}

final class ResultBox: @unchecked Sendable {
    let cond = NSCondition(); var value: Int32?
    func set(_ v: Int32) { cond.lock(); value = v; cond.broadcast(); cond.unlock() }
    func wait(timeout: Double = 10) -> Int32? {
        cond.lock(); defer { cond.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while value == nil { if !cond.wait(until: deadline) { break } }
        return value
    }
}
