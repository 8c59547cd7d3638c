import CProcessGuard
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end and captures what it prints, the way a shell or the AWS SDKs start a helper: an empty
/// signal mask and default signal actions (vanityns's worker threads block most signals and the wizard ignores
/// SIGINT/SIGTERM/SIGHUP; a child must not inherit either), in vanityns's process group so a terminal's Ctrl-C ends
/// both, ended with vanityns however vanityns ends (the `CProcessGuard` exit hook and signal handler), and ended
/// after a time limit. Blocks the calling thread: call it off Swift's cooperative pool. Used for
/// `credential_process`, and by the tests to run the real binary and Python checks.
public enum ChildProcess {
    /// A finished program: exit status (128 + n when signal n ended it) and everything it wrote.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
    }

    /// Why a program did not run to its end.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// posix_spawn refused (the errno's text).
        case cannotStart(String)
        /// Still running after the limit (seconds): it and the processes it started were ended (SIGTERM, then SIGKILL after 2 s).
        case timedOut(Double)

        public var description: String {
            switch self {
            case let .cannotStart(reason): return reason
            case let .timedOut(seconds): return "still running after \(seconds) s"
            }
        }
    }

    /// While set, children run in a session of their own without a controlling terminal, so a helper that opens
    /// `/dev/tty` to prompt cannot draw over (or read keys from) a full-screen program. The wizard and the browser set
    /// it while their screen is up.
    public static var detachedFromTerminal: Bool {
        get { detached.withLock { $0 } }
        set { detached.withLock { $0 = newValue } }
    }
    private static let detached = LockedSetting(false)

    /// Starts `path` with `arguments` and exactly `environment`, feeds it `stdin` (nothing: /dev/null), and reads
    /// both pipes at once until it exits. With a `timeout`, a program still running after that many seconds is ended
    /// and `Failure.timedOut` thrown. Output a grandchild keeps writing after the program itself exited is not waited
    /// for beyond half a second.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String], stdin: Data? = nil,
                           timeout: Double? = nil) throws -> Output {
        let out = try Pipe2(), err = try Pipe2()
        let input: Pipe2? = stdin == nil ? nil : try Pipe2()
        let devNull = input == nil ? open("/dev/null", O_RDONLY | O_CLOEXEC) : -1
        defer { if devNull >= 0 { close(devNull) } }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = vns_spawn(path, argv, envp, input?.read ?? devNull, out.write, err.write,
                           detachedFromTerminal ? 1 : 0, &pid)
        out.closeWrite(); err.closeWrite(); input?.closeRead()
        guard rc == 0 else { throw Failure.cannotStart(String(cString: strerror(rc))) }
        defer { vns_guard_forget(pid) }
        var child = Child(pid: pid)
        var pending = stdin ?? Data()
        var streams = [Stream(fd: out.read), Stream(fd: err.read)]
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var drainUntil: Date?
        while streams.contains(where: { !$0.done }) {
            if let deadline, Date() >= deadline {
                child.end()
                throw Failure.timedOut(timeout!)
            }
            if child.reap(), drainUntil == nil { drainUntil = Date().addingTimeInterval(0.5) }
            if let drainUntil, Date() >= drainUntil { break }
            var fds = streams.filter { !$0.done }.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if let input, input.write >= 0 { fds.append(pollfd(fd: input.write, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), 50) < 0, errno != EINTR { break }
            for p in fds where p.revents != 0 {
                if let input, p.fd == input.write {
                    pending = input.feed(pending)
                } else if let i = streams.firstIndex(where: { $0.fd == p.fd }) {
                    streams[i].readAvailable()
                }
            }
        }
        input?.closeWrite()
        while !child.reap() {
            if let deadline, Date() >= deadline { child.end(); throw Failure.timedOut(timeout!) }
            usleep(10_000)
        }
        // Ended by the guard because vanityns itself is dying of a signal: that is not the helper's failure to report.
        while vns_guard_dying() != 0 { sleep(1) }
        return Output(status: child.status, stdout: streams[0].data, stderr: streams[1].data)
    }

    /// One end of the output: what was read and whether the writer closed it.
    private struct Stream {
        let fd: Int32
        var data = Data()
        var done = false
        mutating func readAvailable() {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n == 0 || (errno != EINTR && errno != EAGAIN) { done = true }
        }
    }

    /// The started program: reaped once, ended on demand.
    private struct Child {
        let pid: pid_t
        var status: Int32 = 0
        var exited = false
        /// True once the program has exited (reaps it without waiting).
        mutating func reap() -> Bool {
            if exited { return true }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return false }
            exited = true
            status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            return true
        }
        /// The program and every process below it: SIGTERM, then SIGKILL to any still running after 2 s; reaped.
        mutating func end() {
            guard !reap() else { return }
            vns_end_tree(pid, 2000)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
            exited = true
            status = 128 + SIGKILL
        }
    }

    /// A pipe whose ends are closed once; the parent's ends are close-on-exec and non-blocking.
    private final class Pipe2 {
        private(set) var read: Int32
        private(set) var write: Int32
        init() throws {
            var fds: [Int32] = [0, 0]
            guard vns_pipe_cloexec(&fds) == 0 else { throw Failure.cannotStart(String(cString: strerror(errno))) }
            read = fds[0]; write = fds[1]
        }
        func closeRead() { if read >= 0 { close(read); read = -1 } }
        func closeWrite() { if write >= 0 { close(write); write = -1 } }
        /// Writes what the pipe takes now of `data` (the write end set non-blocking first); returns the rest, and
        /// closes the write end when nothing is left or the reader has gone.
        func feed(_ data: Data) -> Data {
            guard write >= 0 else { return Data() }
            _ = fcntl(write, F_SETFL, fcntl(write, F_GETFL) | O_NONBLOCK)
            if data.isEmpty { closeWrite(); return data }
            let n = data.withUnsafeBytes { Glibc.write(write, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { return data }
                closeWrite(); return Data()
            }
            let rest = data.dropFirst(n)
            if rest.isEmpty { closeWrite() }
            return Data(rest)
        }
        deinit { closeRead(); closeWrite() }
    }
}

/// A value behind a lock, for the few process-wide settings read from several threads.
final class LockedSetting<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
