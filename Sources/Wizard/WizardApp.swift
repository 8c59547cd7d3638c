import Foundation
import Route53
import Terminal
#if canImport(Glibc)
import Glibc
#endif

/// A screen program as the loop drives it: messages in, commands out, a frame to draw.
protocol ScreenProgram: Sendable {
    associatedtype Msg: Sendable
    associatedtype Command: Sendable
    var exitCode: Int32? { get }
    var animating: Bool { get }
    var afterExit: [String] { get }
    mutating func update(_ msg: Msg) -> [Command]
    func view() -> Frame
    static func input(_ e: InputEvent) -> Msg?
    static func log(_ e: RequestEvent) -> Msg
}

/// The messages every full-screen program takes from the terminal and the client. Enum cases witness these
/// requirements, so a program's message type only has to declare them.
protocol ScreenMsg: Sendable {
    static func key(_ key: Key) -> Self
    static func resize(_ size: Size) -> Self
    static var tick: Self { get }
    static func signal(_ number: Int32) -> Self
    static func log(_ event: RequestEvent) -> Self
}

extension ScreenProgram where Msg: ScreenMsg {
    static func input(_ e: InputEvent) -> Msg? {
        switch e {
        case let .key(k): return .key(k)
        case let .resize(s): return .resize(s)
        case .timeout: return .tick
        case let .signal(s): return .signal(s)
        case .wake: return nil
        }
    }
    static func log(_ e: RequestEvent) -> Msg { .log(e) }
}

extension WizardMsg: ScreenMsg {}
extension WizardState: ScreenProgram {}

/// Entry points for the full-screen wizard and browser.
public enum WizardApp {
    /// Runs the wizard full-screen; returns the process exit code. Refuses (message on stderr, exit 1) when stdin/stdout
    /// are not a terminal or TERM is dumb/unset, pointing to the non-interactive commands (vanityns plan/apply/verify).
    public static func runWizard(_ context: WizardContext) async -> Int32 {
        guard refuseUnlessTerminal() else { return 1 }
        let outbox = TerminalOutbox()
        let runner = WizardRunner(context: context, terminal: outbox)
        defer { context.mfa?.detach() }
        return await runFullScreen(context: context, outbox: outbox, make: { size in
            WizardState(size: size, account: context.account, credentialProblem: context.credentialProblem,
                        resolver: context.resolver, registrarAvailable: context.registrarLookup != nil)
        }, initial: { $0.initialCommands }, run: { cmd, send in await runner.run(cmd, send: send) })
    }

    /// Runs the browser (sets -> zones in a set -> record sets) full-screen.
    public static func runBrowser(_ context: WizardContext) async -> Int32 {
        guard refuseUnlessTerminal() else { return 1 }
        let outbox = TerminalOutbox()
        let engine = context.engine, port = context.queryPort, target = context.resolver
        let runner = BrowserRunner(route53: context.route53, stateDirectory: context.stateDirectory, terminal: outbox,
                                   audit: { zones, aws in engine.auditZones(zones, awsNames: aws, queryPort: port, target: target) })
        return await runFullScreen(context: context, outbox: outbox, make: { size in BrowserState(size: size, account: context.account) },
                                   initial: { $0.initialCommands }, run: { cmd, send in await runner.run(cmd, send: send) })
    }

    static func refuseUnlessTerminal() -> Bool {
        if CursesDriver.terminalUsable() { return true }
        FileHandle.standardError.write(Data("""
        vanityns: the wizard needs an interactive terminal (stdin and stdout a tty, TERM set and not "dumb").
        Use the non-interactive commands instead: vanityns plan, vanityns apply, vanityns verify (see vanityns --help).

        """.utf8))
        return false
    }

    /// Runs a program on its own thread that owns every curses call; commands run as tasks that mail results back.
    static func runFullScreen<P: ScreenProgram>(context: WizardContext, outbox: TerminalOutbox, make: @escaping @Sendable (Size) -> P,
                                                initial: @escaping @Sendable (P) -> [P.Command],
                                                run: @escaping @Sendable (P.Command, @escaping @Sendable (P.Msg) -> Void) async -> Void) async -> Int32 {
        let (code, after) = await withCheckedContinuation { (cont: CheckedContinuation<(Int32, [String]), Never>) in
            let thread = Thread {
                // A credential_process started while the screen is up gets no terminal to prompt on or draw over.
                ChildProcess.detachedFromTerminal = true
                let driver = CursesDriver(outbox: outbox)
                let result = drive(driver: driver, events: context.events, make: make, initial: initial, run: run)
                driver.end()
                ChildProcess.detachedFromTerminal = false
                cont.resume(returning: result)
            }
            thread.name = "vanityns-screen"
            thread.start()
        }
        if !after.isEmpty { print(after.joined(separator: "\n")) }
        return code
    }

    /// The loop body shared by the terminal and the in-memory driver (tests): returns the exit code and the lines
    /// to print after the screen is restored.
    static func drive<P: ScreenProgram>(driver: any ScreenDriver, events: AsyncStream<RequestEvent>, make: (Size) -> P,
                                        initial: (P) -> [P.Command],
                                        run: @escaping @Sendable (P.Command, @escaping @Sendable (P.Msg) -> Void) async -> Void) -> (Int32, [String]) {
        let mailbox = Mailbox<P.Msg>(waker: driver.waker)
        let send: @Sendable (P.Msg) -> Void = { mailbox.send($0) }
        var state = make(driver.size)
        let logTask = Task.detached { for await e in events { send(P.log(e)) } }
        var tasks: [Task<Void, Never>] = []
        func start(_ cmds: [P.Command]) { for c in cmds { tasks.append(Task.detached { await run(c, send) }) }; tasks.removeAll { $0.isCancelled } }
        start(initial(state))
        ScreenLoop.run(driver: driver, mailbox: mailbox,
                       handle: { e in if let m = P.input(e) { start(state.update(m)) } },
                       receive: { m in start(state.update(m)) },
                       render: { _ in state.view() }, animating: { state.animating }, finished: { state.exitCode != nil })
        logTask.cancel()
        for t in tasks { t.cancel() }
        return (state.exitCode ?? 0, state.afterExit)
    }
}
