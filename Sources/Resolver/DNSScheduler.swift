import Foundation

/// One DNS question ready to go: the raw query packet (built with ldns) and where and how to send it.
struct DNSExchange: Sendable {
    /// The servers to ask, in order (one, or a resolv.conf's), as IP addresses without brackets.
    var servers: [String]
    var port: Int
    var packet: [UInt8]
    /// TCP only, not UDP first (UDP falls back to TCP by itself on a truncated answer).
    var tcp: Bool
    /// Seconds per attempt, and how many attempts (the same question again when one gets no answer).
    var attemptTimeout: Double
    var attempts: Int
    /// Which server the question waits for: the unit of fairness (`127.0.0.1#53`).
    var serverKey: String { servers.joined(separator: ",") + "#\(port)" }
}

/// What came back for one exchange.
enum ExchangeResult: Sendable, Equatable {
    /// The reply's wire bytes, for the packet readers.
    case reply([UInt8])
    /// No reply within the attempts' time.
    case timeout
    case error(String)
}

/// Sends exchanges: the c-ares event loop (`CAresTransport`), or a fake in tests.
protocol DNSTransport: Sendable {
    /// Starts `exchange` and calls `done` exactly once, later, on any thread.
    func start(_ exchange: DNSExchange, done: @escaping @Sendable (ExchangeResult) -> Void)
}

/// The one gate every DNS question of the process goes through: at most `concurrency` questions in flight, each
/// server at most a quarter of them (`perServer`), the servers served in turn (round robin over per-server queues),
/// so a slow or silent server holds only its own share and never the others' questions.
///
/// A server is *silent* once a question to it got no reply for its whole timeout while the server answered nothing
/// else either. For one timeout after that, its questions are answered `.timeout` at once, unsent; then one question
/// at a time goes to it (a probe: any reply ends the silence), and those that would wait behind the probe are answered
/// `.timeout` at once. The server has shown it does not answer, so a thousand questions to it cost one timeout, not a
/// thousand over its share of slots.
///
/// A question cancelled while it waits leaves the queue at once (`.error("cancelled")`); one already sent finishes
/// within its timeout.
public final class DNSScheduler: @unchecked Sendable {
    /// The bound when nothing else is asked for (`--dns-concurrency`).
    public static let defaultConcurrency = 64
    /// The highest bound `--dns-concurrency` accepts: each question in flight may hold a socket.
    public static let maxConcurrency = 512

    /// The process's scheduler, over the c-ares event loop: every `LDNSResolver()` sends through it.
    public static let shared = DNSScheduler(concurrency: defaultConcurrency, transport: CAresTransport.shared)

    private let transport: any DNSTransport
    /// Uptime in nanoseconds (a test's own clock in tests).
    private let now: @Sendable () -> UInt64
    private let lock = NSLock()
    private var bound: Int
    private var inFlight = 0
    private var servers: [String: ServerState] = [:]
    /// Servers with questions waiting, in turn order; `turn` is the next one to serve.
    private var ring: [String] = []
    private var turn = 0
    private var nextTicket = 0
    /// Tickets handed out whose question is not queued yet, and those of them already cancelled.
    private var unqueued: Set<Int> = []
    private var cancelledEarly: Set<Int> = []
    /// Where each waiting ticket waits.
    private var waitingAt: [Int: String] = [:]
    /// Figures for tests and the benchmark: the most questions ever in flight at once, and questions answered
    /// `.timeout` without being sent because their server was silent.
    private var peak = 0
    private var shortCut = 0

    /// A server's queue and state, touched only with the scheduler's lock held.
    private final class ServerState: @unchecked Sendable {
        var queue: [Waiting] = []
        var inFlight = 0
        /// When the server last sent a reply (uptime ns), whether it is silent (see the type's comment), and until
        /// when no probe goes to it.
        var lastReply: UInt64 = 0
        var silent = false
        var quietUntil: UInt64 = 0
    }

    private struct Waiting: Sendable {
        var ticket: Int
        var exchange: DNSExchange
        var resume: @Sendable (ExchangeResult) -> Void
    }

    /// A scheduler over the c-ares event loop with at most `concurrency` questions in flight (1 or more).
    public convenience init(concurrency: Int) {
        self.init(concurrency: concurrency, transport: CAresTransport.shared)
    }

    init(concurrency: Int, transport: any DNSTransport,
         now: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        bound = max(1, concurrency)
        self.transport = transport
        self.now = now
    }

    /// The most questions in flight at once (1 or more); a change applies to the next question sent.
    public var concurrency: Int {
        get { lock.withLock { bound } }
        set {
            let started = lock.withLock { () -> [Started] in bound = max(1, newValue); return pump() }
            launch(started)
        }
    }

    /// The most questions one server may have in flight: a quarter of the bound (at least 1).
    public var perServer: Int { lock.withLock { perServerCap } }
    private var perServerCap: Int { max(1, bound / 4) }

    /// The most questions that were ever in flight at once, how many were answered `.timeout` unsent because their
    /// server was silent, and how many wait in the queues now.
    var figures: (peak: Int, shortCut: Int, waiting: Int) { lock.withLock { (peak, shortCut, waitingAt.count) } }

    /// Sends `exchange` when its turn comes and returns what came back.
    func exchange(_ exchange: DNSExchange) async -> ExchangeResult {
        if Task.isCancelled { return .error("cancelled") }
        let ticket = lock.withLock { () -> Int in
            nextTicket += 1
            unqueued.insert(nextTicket)
            return nextTicket
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExchangeResult, Never>) in
                enqueue(Waiting(ticket: ticket, exchange: exchange, resume: { continuation.resume(returning: $0) }))
            }
        } onCancel: {
            cancel(ticket)
        }
    }

    private struct Started: Sendable {
        var waiting: Waiting
        var server: ServerState
        var sentAt: UInt64
    }

    private func enqueue(_ waiting: Waiting) {
        let key = waiting.exchange.serverKey
        let started: [Started]? = lock.withLock {
            unqueued.remove(waiting.ticket)
            if cancelledEarly.remove(waiting.ticket) != nil { return nil }
            let server = servers[key] ?? { let s = ServerState(); servers[key] = s; return s }()
            if server.queue.isEmpty { ring.append(key) }
            server.queue.append(waiting)
            waitingAt[waiting.ticket] = key
            return pump()
        }
        guard let started else { return waiting.resume(.error("cancelled")) }
        launch(started)
    }

    private func cancel(_ ticket: Int) {
        let removed: Waiting? = lock.withLock {
            if unqueued.contains(ticket) { cancelledEarly.insert(ticket); return nil }
            guard let key = waitingAt.removeValue(forKey: ticket), let server = servers[key],
                  let index = server.queue.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            let waiting = server.queue.remove(at: index)
            if server.queue.isEmpty { leaveRing(key) }
            return waiting
        }
        removed?.resume(.error("cancelled"))
    }

    /// Starts what may start now: called with the lock held; the caller launches the result after unlocking.
    private func pump() -> [Started] {
        var started: [Started] = []
        var idlePasses = 0
        let time = now()
        while inFlight < bound, !ring.isEmpty, idlePasses < ring.count {
            if turn >= ring.count { turn = 0 }
            let key = ring[turn]
            guard let server = servers[key] else { leaveRing(key); continue }
            if server.silent, server.inFlight > 0 || time < server.quietUntil {
                // Nothing to wait for: the server answers nothing, and it is too soon to ask again, or one question
                // is already finding out whether it still answers nothing.
                for waiting in server.queue {
                    waitingAt[waiting.ticket] = nil
                    shortCut += 1
                    started.append(Started(waiting: waiting, server: server, sentAt: 0))
                }
                server.queue.removeAll()
                leaveRing(key)
                idlePasses = 0
                continue
            }
            guard server.inFlight < (server.silent ? 1 : perServerCap) else {
                turn += 1; idlePasses += 1; continue
            }
            let waiting = server.queue.removeFirst()
            waitingAt[waiting.ticket] = nil
            server.inFlight += 1
            inFlight += 1
            peak = max(peak, inFlight)
            started.append(Started(waiting: waiting, server: server, sentAt: max(1, time)))
            if server.queue.isEmpty { leaveRing(key) } else { turn += 1 }
            idlePasses = 0
        }
        return started
    }

    private func leaveRing(_ key: String) {
        guard let index = ring.firstIndex(of: key) else { return }
        ring.remove(at: index)
        if index < turn { turn -= 1 }
    }

    /// Sends what `pump` started; a question short-cut as silent (sent at 0) is answered `.timeout` here.
    private func launch(_ started: [Started]) {
        for item in started {
            guard item.sentAt != 0 else { item.waiting.resume(.timeout); continue }
            transport.start(item.waiting.exchange) { [self] result in finished(item, result) }
        }
    }

    private func finished(_ item: Started, _ result: ExchangeResult) {
        let started = lock.withLock { () -> [Started] in
            let server = item.server
            server.inFlight -= 1
            inFlight -= 1
            switch result {
            case .reply:
                server.lastReply = now()
                server.silent = false
            case .timeout:
                if server.lastReply < item.sentAt, !server.silent {
                    let exchange = item.waiting.exchange
                    server.silent = true
                    server.quietUntil = now() + UInt64(exchange.attemptTimeout * Double(exchange.attempts) * 1e9)
                }
            case .error:
                break
            }
            return pump()
        }
        item.waiting.resume(result)
        launch(started)
    }
}
