import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure of the tmux harness. A timeout carries the last screen, so a failing test shows what the user saw.
public struct TmuxError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, followed by the screen when there is one.
    public let description: String

    init(_ message: String, screen: [String]? = nil) {
        guard let screen else { description = message; return }
        let width = max(screen.map(\.count).max() ?? 0, 20)
        let rule = "+" + String(repeating: "-", count: width) + "+"
        let body = screen.map { "|" + $0 + String(repeating: " ", count: width - $0.count) + "|" }
        description = ([message, "last screen:", rule] + body + [rule]).joined(separator: "\n")
    }
}

/// A program running in a real terminal: a detached tmux session on its own server socket, so parallel tests never
/// share a server. Keys go in with `sendKeys`/`sendText`, the screen comes out with `capture`/`captureANSI`.
/// The pane stays after the program exits (`remain-on-exit`), so the exit status and the last screen can be read.
/// The server is killed by `kill()` or when the session goes away.
///
/// Modelled on fzf's test/lib/common.rb `Tmux`.
public final class TmuxSession: Sendable {
    /// The private server socket name (`tmux -L`), unique per session.
    public let socket: String
    /// The terminal type the program sees in `TERM`.
    public let term: String
    private static let target = "vns:0.0"
    /// Runs the program as the shell's child, then holds the terminal open until tmux has read everything the
    /// program wrote, before exiting with the program's status (128 + n for signal n). Without that a program that
    /// prints and exits at once can lose its last output: the kernel may not yet have passed it to tmux when tmux
    /// closes the dead pane. The shell sets the pane's title after the program's output and asks tmux (through the
    /// pane's own $TMUX) until tmux shows that title: tmux reads a pane's output in order, so by then it has all of
    /// it (2,000 asks at most, should a program leave the terminal unable to take a title). No fixed pause.
    /// Keyboard signals are caught (not ignored, so the program still gets default handlers), leaving Ctrl-C to the
    /// program.
    private static let launcher = #"trap : INT QUIT TSTP; "$@"; status=$?; mark="vns-exited-$$"; "#
        + #"printf '\033]2;%s\033\\' "$mark"; "#
        + #"n=0; until [ "$(tmux display-message -p -t "$TMUX_PANE" '#{pane_title}')" = "$mark" ] || [ $n -ge 2000 ]; "#
        + #"do n=$((n + 1)); done; exit $status"#

    /// Starts `command` (program and arguments, run directly, no shell) in a `width` x `height` terminal with exactly
    /// `environment` (plus `TERM` = `term` unless given). Nothing from the test process's environment leaks in.
    /// `clipboard`: tmux's `set-clipboard on`, so an OSC 52 sequence from the program lands in a paste buffer
    /// (read it with `buffer()`), as the user's terminal would put it on the clipboard.
    public init(command: [String], environment: [String: String], width: Int, height: Int,
                term: String = "xterm-256color", clipboard: Bool = false) throws {
        precondition(!command.isEmpty, "TmuxSession needs a command")
        self.term = term
        socket = "vns-\(getpid())-\(UUID().uuidString.prefix(8))"
        var env = environment
        if env["TERM"] == nil { env["TERM"] = term }
        let envArgs = env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // One tmux invocation: set the options before the pane exists, so TERM, the size and remain-on-exit hold
        // from the program's first byte. An empty remain-on-exit-format keeps tmux from scrolling a "Pane is dead"
        // line into the last screen.
        let options: [[String]] = [
            ["set-option", "-g", "default-terminal", term],
            ["set-option", "-g", "escape-time", "0"],
            ["set-option", "-g", "remain-on-exit", "on"],
            ["set-option", "-g", "remain-on-exit-format", ""],
            ["set-option", "-g", "status", "off"],
        ] + (clipboard ? [["set-option", "-g", "set-clipboard", "on"]] : [])
        var args = ["-f", "/dev/null", "start-server"]
        for option in options { args += [";"] + option }
        args += [";", "new-session", "-d", "-s", "vns", "-x", String(width), "-y", String(height),
                 "/bin/sh", "-c", Self.launcher, "vanityns-pane", "/usr/bin/env", "-i"] + envArgs + command
        try tmux(args)
    }

    deinit { kill() }

    // MARK: Input

    /// Sends keys by tmux name ("Enter", "Escape", "Tab", "BSpace", "C-c", "Up", "Down", "F1", "Space", ...).
    /// An argument that is not a key name is typed as text, as tmux does; use `sendText` for text that could be
    /// mistaken for a key name.
    public func sendKeys(_ keys: String...) throws {
        try tmux(["send-keys", "-t", Self.target] + keys)
    }

    /// Types `text` literally (`send-keys -l`): no key-name lookup.
    public func sendText(_ text: String) throws {
        try tmux(["send-keys", "-t", Self.target, "-l", "--", text])
    }

    // MARK: Output

    /// The screen as plain text, one string per row (trailing blanks trimmed by tmux). Line-drawing characters that
    /// the program drew in the VT100 alternate character set come back as their Unicode box-drawing equivalents.
    public func capture() throws -> [String] {
        var lines = TerminalText.stripEscapes(try captureANSI()).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }  // capture-pane ends every row, the last too, with a newline
        return lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
    }

    /// The screen with SGR escape sequences (colours, bold, reverse, ...), as `capture-pane -p -e -N` prints it
    /// (trailing blanks kept, so a coloured bar's background reaches the edge), with alternate-character-set line
    /// drawing translated to Unicode. The input of `scripts/ansi2png.py`.
    /// tmux does not record cells erased with a background colour (EL/ED with `bce`, which xterm-256color has): start
    /// the session with `term: "tmux-256color"` when such colours matter, so ncurses writes spaces instead.
    public func captureANSI() throws -> String {
        TerminalText.translateACS(try tmux(["capture-pane", "-p", "-e", "-N", "-t", Self.target]))
    }

    /// Polls the screen every 50 ms until `predicate` holds and returns that screen; throws with the last screen
    /// after `timeout` seconds.
    @discardableResult
    public func waitFor(timeout: TimeInterval = 10, _ predicate: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var screen: [String] = []
        while true {
            screen = try capture()
            if predicate(screen) { return screen }
            if Date() >= deadline { break }
            usleep(50_000)
        }
        let status = (try? paneState()).map { $0.dead ? " (program exited, status \($0.status.map(String.init) ?? "?"))" : "" } ?? ""
        throw TmuxError("timed out after \(timeout) s waiting for the screen\(status)", screen: screen)
    }

    /// Waits until `text` appears anywhere on the screen; returns that screen.
    @discardableResult
    public func waitForText(_ text: String, timeout: TimeInterval = 10) throws -> [String] {
        do {
            return try waitFor(timeout: timeout) { $0.contains { $0.contains(text) } }
        } catch let error as TmuxError {
            throw TmuxError("\"\(text)\" not on screen: " + error.description)
        }
    }

    /// Waits until the program exits and returns its exit status (see `exitStatus`); throws with the last screen
    /// after `timeout` seconds.
    @discardableResult
    public func waitForExit(timeout: TimeInterval = 10) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exitStatus { return status }
            usleep(50_000)
        }
        if let status = exitStatus { return status }
        throw TmuxError("the program still runs after \(timeout) s", screen: try? capture())
    }

    /// The newest paste buffer (`show-buffer`): what the program last copied with OSC 52 when `clipboard` is on.
    public func buffer() throws -> String { try tmux(["show-buffer"]) }

    /// Waits until a paste buffer exists and returns it; throws with the last screen after `timeout` seconds.
    public func waitForBuffer(timeout: TimeInterval = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let b = try? buffer() { return b }
            usleep(50_000)
        }
        throw TmuxError("no paste buffer after \(timeout) s", screen: try? capture())
    }

    // MARK: Terminal

    /// Resizes the terminal; the program gets SIGWINCH.
    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "vns:0", "-x", String(width), "-y", String(height)])
    }

    /// The terminal's current size in cells.
    public func size() throws -> (width: Int, height: Int) {
        let parts = try paneFormat("#{pane_width} #{pane_height}").split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard parts.count == 2 else { throw TmuxError("tmux did not report the pane size") }
        return (parts[0], parts[1])
    }

    /// Copies everything the program writes to the terminal from now on to `path` (`pipe-pane`), escape sequences
    /// and all: what a real terminal would have received (see `TerminalModes.after`).
    public func recordOutput(to path: String) throws {
        try tmux(["pipe-pane", "-t", Self.target, "-o", "cat >> '\(path)'"])
    }

    /// The terminal modes of the running program as tmux tracks them (of no use once the pane is dead: tmux hides
    /// a dead pane's cursor itself).
    public func liveModes() throws -> TerminalModes {
        let f = try paneFormat("#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{keypad_flag} #{mouse_any_flag}")
            .split(separator: " ").map { $0 == "1" }
        guard f.count == 5 else { throw TmuxError("tmux did not report the pane modes") }
        return TerminalModes(alternateScreen: f[0], cursorVisible: f[1], keypad: f[2] || f[3], mouse: f[4])
    }

    /// A tmux format (`#{pane_width}`, ...) expanded for the pane, without the trailing newline.
    public func paneFormat(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", Self.target, format]).trimmingCharacters(in: .newlines)
    }

    // MARK: Process

    /// True while the program in the pane has not exited (false too once the server is gone).
    public var isRunning: Bool { (try? paneState())?.dead == false }

    /// The program's exit status once it has exited: its exit code, or 128 + signal number when a signal killed
    /// it (as a shell reports it); nil while it runs (and until tmux has read its last output, see `launcher`).
    public var exitStatus: Int32? {
        guard var state = try? paneState(), state.dead else { return nil }
        if state.status == nil, state.signal == nil {
            // Debian's tmux uses libutempter, whose own SIGCHLD handler can swallow the signal of a program that
            // exits at once (tmux issue #311): the pane is dead but never reaped. A SIGCHLD makes tmux reap it.
            _ = Glibc.kill(state.serverPID, SIGCHLD)
            guard let again = try? paneState() else { return nil }
            state = again
        }
        if let signal = state.signal { return 128 + signal }
        return state.status
    }

    /// The process id of the program (the launcher shell's child; `env -i` execs the program, so this is the
    /// program itself). nil once it has exited.
    public var pid: Int32? {
        guard let shell = try? paneState().pid else { return nil }
        return Self.children(of: shell).first
    }

    /// Processes whose parent is `parent`, from /proc.
    private static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> Int32? in
            guard let pid = Int32(name),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "pid (comm)": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }

    /// Kills the tmux server and with it the program, and removes the socket file (tmux leaves it behind).
    /// Safe to call more than once.
    public func kill() {
        let path = (try? tmux(["display-message", "-p", "#{socket_path}"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? tmux(["kill-server"])
        if let path, !path.isEmpty { unlink(path) }
    }

    private struct PaneState { var dead: Bool; var status: Int32?; var signal: Int32?; var pid: Int32; var serverPID: Int32 }

    private func paneState() throws -> PaneState {
        let fields = try tmux(["display-message", "-p", "-t", Self.target,
                               "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pane_pid}|#{pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "|")
        guard fields.count == 5, let pid = Int32(fields[3]), let server = Int32(fields[4]) else {
            throw TmuxError("unexpected pane state: \(fields)")
        }
        return PaneState(dead: fields[0] == "1", status: Int32(fields[1]), signal: Int32(fields[2]), pid: pid,
                         serverPID: server)
    }

    /// Runs one tmux client command against this session's server and returns its standard output.
    @discardableResult
    private func tmux(_ args: [String]) throws -> String {
        // -u: the client speaks UTF-8 whatever the test's locale, so wide and box-drawing characters survive capture.
        let out = try TmuxProcess.run(["tmux", "-u", "-L", socket] + args)
        guard out.status == 0 else {
            throw TmuxError("tmux \(args.first ?? "") failed (\(out.status)): \(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return out.stdout
    }
}

/// A terminal's modes that a program must put back before it exits.
public struct TerminalModes: Equatable, Sendable, CustomStringConvertible {
    public var alternateScreen: Bool, cursorVisible: Bool, keypad: Bool, mouse: Bool
    /// The modes of a shell prompt: main screen, cursor shown, application keypad and mouse reporting off.
    public static let restored = TerminalModes(alternateScreen: false, cursorVisible: true, keypad: false, mouse: false)

    public init(alternateScreen: Bool, cursorVisible: Bool, keypad: Bool, mouse: Bool) {
        self.alternateScreen = alternateScreen; self.cursorVisible = cursorVisible; self.keypad = keypad; self.mouse = mouse
    }

    /// The modes once a terminal in these modes has received `output`: replays its DEC private modes
    /// (`ESC [ ? n h/l`) and keypad switches (`ESC =`, `ESC >`).
    public func after(_ output: String) -> TerminalModes {
        var m = self
        for match in output.matches(of: /\x1B(?:\[\?([0-9;]+)([hl])|([=>]))/) {
            if let k = match.output.3 { m.keypad = k == "="; continue }
            let on = match.output.2 == "h"
            for n in (match.output.1 ?? "").split(separator: ";").compactMap({ Int($0) }) {
                switch n {
                case 47, 1047, 1049: m.alternateScreen = on
                case 25: m.cursorVisible = on
                case 1: m.keypad = on
                case 1000, 1002, 1003: m.mouse = on
                default: break
                }
            }
        }
        return m
    }

    public var description: String {
        "alternate screen \(alternateScreen), cursor \(cursorVisible), keypad \(keypad), mouse \(mouse)"
    }
}

/// Starts tmux clients through `SpawnedProcess` so that the server they fork starts clean: Foundation's `Process`
/// would hand the child the calling thread's signal mask (test threads block SIGCHLD, SIGINT, SIGTERM, ...) and any
/// descriptor without close-on-exec: the server would then never reap its pane (no exit status, `kill-server`
/// hangs), the program would never see Ctrl-C, and the daemon would hold other tests' pipes open.
enum TmuxProcess {
    static func run(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("vns-tmux-\(UUID().uuidString)").path
        let outPath = base + ".out", errPath = base + ".err"
        defer { unlink(outPath); unlink(errPath) }
        var env = ProcessInfo.processInfo.environment
        env["TMUX"] = nil  // a test run from inside tmux must not talk to the user's server
        env["TMUX_PANE"] = nil
        env["LC_ALL"] = "C.UTF-8"
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess(arguments: argv, environment: env, stdoutPath: outPath, stderrPath: errPath)
        } catch {
            throw TmuxError("\(error.localizedDescription); is tmux installed? (make deps installs it)")
        }
        let code = process.waitForExit()
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return (code, read(outPath), read(errPath))
    }
}

/// Text helpers for terminal captures.
public enum TerminalText {
    /// The VT100 alternate character set (what ncurses sends after SO / `ESC ( 0` for line drawing) in Unicode.
    static let acs: [Character: Character] = [
        "j": "┘", "k": "┐", "l": "┌", "m": "└", "n": "┼", "q": "─", "t": "├", "u": "┤", "v": "┴", "w": "┬",
        "x": "│", "a": "▒", "`": "◆", "f": "°", "g": "±", "~": "·", "o": "⎺", "p": "⎻", "r": "⎼", "s": "⎽",
        "y": "≤", "z": "≥", "{": "π", "|": "≠", "}": "£", "+": "→", ",": "←", "-": "↑", ".": "↓", "0": "█",
        "h": "░", "i": "␋",
    ]

    /// Replaces characters between SO (0x0E) and SI (0x0F), as `capture-pane -e` marks alternate-character-set
    /// cells, with their Unicode equivalents and drops the SO/SI markers. The shift state carries over line ends, as
    /// tmux only marks changes. Escape sequences pass through untouched.
    public static func translateACS(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var shifted = false, inEscape = false
        for ch in text {
            if inEscape {
                out.append(ch)
                if let a = ch.asciiValue, a >= 0x40, a <= 0x7E, ch != "[" { inEscape = false }
                continue
            }
            switch ch {
            case "\u{0E}": shifted = true
            case "\u{0F}": shifted = false
            case "\u{1B}": inEscape = true; out.append(ch)
            default: out.append(shifted ? (acs[ch] ?? ch) : ch)
            }
        }
        return out
    }

    /// Removes escape sequences (CSI such as SGR, OSC, two-byte escapes) and SO/SI, leaving the visible text.
    public static func stripEscapes(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var it = text.unicodeScalars.makeIterator()
        while let s = it.next() {
            switch s {
            case "\u{1B}":
                guard let kind = it.next() else { break }
                if kind == "[" {  // CSI: parameters, then a final byte 0x40...0x7E
                    while let c = it.next(), !(0x40...0x7E).contains(c.value) {}
                } else if kind == "]" {  // OSC: up to BEL or ST (ESC \)
                    while let c = it.next(), c != "\u{07}" {
                        if c == "\u{1B}" { _ = it.next(); break }
                    }
                } else if kind == "(" || kind == ")" {  // charset designation: one more byte
                    _ = it.next()
                }
            case "\u{0E}", "\u{0F}": break
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
