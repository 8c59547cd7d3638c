import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process for tests, started with posix_spawn rather than `Process`: a child started from a test's worker
/// thread inherits that thread's blocked signals (nsd, python and moto then ignore SIGTERM and cannot be stopped).
/// Here the child gets an empty signal mask, default handlers, its own process group and no inherited descriptors
/// beyond 0-2; `terminate()` ends the whole group, so grandchildren (moto's workers, the data plane's nsd) go too.
public final class SpawnedProcess: @unchecked Sendable {
    public let pid: pid_t
    private var exited = false

    /// Starts `arguments` (the first is looked up on PATH when it has no `/`) with `environment` (nil: inherit).
    public init(arguments: [String], environment: [String: String]? = nil, stdoutPath: String = "/dev/null",
                stderrPath: String = "/dev/null") throws {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(); sigemptyset(&none)
        var all = sigset_t(); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        Self.closeFrom3(&actions)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0)=\($1)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var child: pid_t = 0
        let rc: Int32 = envp.map { e in e.withUnsafeBufferPointer { posix_spawnp(&child, arguments[0], &actions, &attr, argv, UnsafeMutablePointer(mutating: $0.baseAddress!)) } }
            ?? posix_spawnp(&child, arguments[0], &actions, &attr, argv, environ)
        guard rc == 0 else {
            throw NSError(domain: "SpawnedProcess", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot start \(arguments[0]): \(String(cString: strerror(rc)))"])
        }
        pid = child
    }

    /// Keeps other tests' pipes and sockets out of NSD (an inherited pipe would make their reads wait for NSD to
    /// exit). glibc's `posix_spawn_file_actions_addclosefrom_np` is not visible to Swift, so it is looked up.
    private static func closeFrom3(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(actions, fd) }
    }

    /// Waits for the process to exit and returns its exit status (128 + n when signal n killed it).
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        exited = true
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// False once the process has exited (and been reaped).
    public var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then SIGKILL to the whole group if it has not exited within 5 s; waits for it.
    public func terminate() {
        guard isRunning else { return }
        kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while isRunning {
            if Date() > deadline {
                kill(-pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
                exited = true
                return
            }
            usleep(10_000)
        }
    }

    deinit { terminate() }
}

