import Foundation
import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// A pipe the screen loop polls next to stdin, so other threads (and signal handlers) can wake it without polling.
public final class SelfPipe: Waker, @unchecked Sendable {
    public let readFD: Int32, writeFD: Int32
    public init() {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        readFD = fds[0]; writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }
    public func wake() { var b: UInt8 = 1; _ = write(writeFD, &b, 1) }
    /// Empties the pipe.
    public func drain() { var buf = [UInt8](repeating: 0, count: 64); while read(readFD, &buf, 64) > 0 {} }
    deinit { close(readFD); close(writeFD) }
}

/// The ncursesw screen. Create, use and `end()` it on one thread only.
///
/// Sets the locale first, then `initscr`, `cbreak`, `noecho`, `keypad`, `set_escdelay(25)` and hides the cursor.
/// Colours only when the terminal has them and `NO_COLOR` is unset or empty; otherwise bold/reverse. Box drawing
/// and markers become ASCII when the locale's codeset is not UTF-8. SIGINT, SIGTERM and SIGHUP are turned into
/// `InputEvent.signal` so the loop can end and restore the terminal.
public final class CursesDriver: ScreenDriver {
    public let unicode: Bool
    public let colors: Bool
    private let pipe = SelfPipe()
    public let outbox: TerminalOutbox
    private var signalSources: [DispatchSourceSignal] = []
    private let pendingSignal = LockedValue<Int32>(0)
    private var ended = false

    /// Whether stdin and stdout are a terminal and TERM is usable.
    public static func terminalUsable(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isatty(0) == 1, isatty(1) == 1 else { return false }
        let term = environment["TERM"] ?? ""
        return !term.isEmpty && term != "dumb"
    }

    /// Colours are wanted unless `NO_COLOR` has a non-empty value.
    public static func colorWanted(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// `outbox`: raw bytes (OSC 52) that other threads queue for the terminal; written after each refresh.
    public init(outbox: TerminalOutbox = TerminalOutbox()) {
        self.outbox = outbox
        outbox.attach(pipe)
        setlocale(LC_ALL, "")
        unicode = String(cString: vns_codeset()).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        initscr()
        cbreak(); noecho()
        keypad(vns_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() && Self.colorWanted() {
            start_color(); use_default_colors()
            init_pair(1, Int16(COLOR_BLACK), Int16(COLOR_CYAN))   // title, selected
            init_pair(2, Int16(COLOR_BLUE), -1)                   // border
            init_pair(3, Int16(COLOR_YELLOW), -1)                 // accent, warn
            init_pair(4, Int16(COLOR_GREEN), -1)                  // ok
            init_pair(5, Int16(COLOR_RED), -1)                    // error
            init_pair(6, Int16(COLOR_CYAN), -1)                   // heading, key
            colors = true
        } else { colors = false }
        _ = vns_watch_winch(pipe.writeFD)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let pending = pendingSignal, p = pipe
            src.setEventHandler { pending.set(sig); p.wake() }
            src.resume()
            signalSources.append(src)
        }
    }

    /// Restores the terminal (idempotent).
    public func end() {
        guard !ended else { return }
        ended = true
        _ = vns_watch_winch(-1)
        for s in signalSources { s.cancel() }
        curs_set(1)
        endwin()
    }

    deinit { end() }

    public var size: Size { Size(width: Int(vns_cols()), height: Int(vns_lines())) }
    public var waker: any Waker { pipe }

    private func attr(_ role: Role) -> Int32 {
        let b = Int32(bitPattern: vns_a_bold()), r = Int32(bitPattern: vns_a_reverse()), d = Int32(bitPattern: vns_a_dim())
        let u = Int32(bitPattern: vns_a_underline())
        if colors {
            switch role {
            case .normal: return 0
            case .title, .selected: return vns_color_pair(1) | b
            case .border: return vns_color_pair(2)
            case .heading, .key: return vns_color_pair(6) | b
            case .accent: return vns_color_pair(3) | b
            case .warn: return vns_color_pair(3)
            case .ok: return vns_color_pair(4)
            case .error: return vns_color_pair(5) | b
            case .dim: return d
            }
        }
        switch role {
        case .normal, .border, .ok: return 0
        case .title, .selected: return r
        case .heading, .key, .accent, .warn: return b
        case .error: return b | u
        case .dim: return d
        }
    }

    public func draw(_ frame: Frame) {
        erase()
        let w = min(frame.size.width, size.width), h = min(frame.size.height, size.height)
        for y in 0..<h {
            var x = 0
            while x < w {
                let role = frame[x, y].role
                let start = x
                var run: [wchar_t] = []
                while x < w && frame[x, y].role == role {
                    let t = frame[x, y].text
                    let shown = unicode ? t : Glyph.ascii(t)
                    for s in shown.unicodeScalars { run.append(wchar_t(bitPattern: s.value)) }
                    x += 1
                }
                _ = vns_attrset(attr(role))
                run.append(0)
                _ = vns_mvaddnwstr(Int32(y), Int32(start), run, Int32(run.count - 1))
            }
        }
        _ = vns_attrset(0)
        refresh()
        for raw in outbox.drain() {
            let bytes = Array(raw.utf8)
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
                if n <= 0 { if errno == EINTR || errno == EAGAIN { continue }; break }
                off += n
            }
        }
    }

    private func readKey() -> InputEvent? {
        vns_timeout(0)
        var ch: wint_t = 0
        let rc = vns_get_wch(&ch)
        if rc == ERR { return nil }
        if rc == vns_key_code_yes() {
            switch Int32(ch) {
            case vns_key_resize(): return .resize(size)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_BTAB: return .key(.backTab)
            default: return .wake
            }
        }
        switch ch {
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.ctrl(Character(UnicodeScalar(UInt8(ch) + 96))))
        default:
            guard let s = UnicodeScalar(UInt32(ch)) else { return .wake }
            return .key(.char(Character(s)))
        }
    }

    public func nextInput(timeoutMs: Int?) -> InputEvent {
        if let e = readKey() { return e }
        while true {
            let sig = pendingSignal.get()
            if sig != 0 { return .signal(sig) }
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: pipe.readFD, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, Int32(timeoutMs ?? -1))
            if n < 0 {
                if errno == EINTR { if let e = readKey() { return e }; continue }
                return .signal(SIGHUP)
            }
            if n == 0 { return .timeout }
            if fds[1].revents != 0 {
                pipe.drain()
                let sig = pendingSignal.get()
                if sig != 0 { return .signal(sig) }
                // A resize wakes the pipe too: ncurses reports it as KEY_RESIZE on the next read.
                if let e = readKey() { return e }
                return .wake
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                if let e = readKey() { return e }
                // Readable but nothing decoded: part of an escape sequence, or the terminal is gone.
                if fds[0].revents & Int16(POLLHUP | POLLERR) != 0 { return .signal(SIGHUP) }
                return .wake
            }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .signal(SIGHUP) }
        }
    }
}

/// A value behind a lock, shared between a signal queue and the screen thread.
final class LockedValue<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
}
