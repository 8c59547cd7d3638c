import Foundation
import Testing
@testable import Resolver

/// A transport that answers questions to `answering` servers at once (from another thread) and holds those to any
/// other server until the test releases them: a silent server whose timeout the test decides.
final class HeldTransport: DNSTransport, @unchecked Sendable {
    private let lock = NSLock()
    let answering: Set<String>
    private var held: [(key: String, done: @Sendable (ExchangeResult) -> Void)] = []
    private var current: [String: Int] = [:]
    private(set) var started: [String: Int] = [:]
    private(set) var peak = 0
    private(set) var peakPerServer = 0
    private var total = 0

    init(answering: Set<String>) { self.answering = answering }

    func start(_ exchange: DNSExchange, done: @escaping @Sendable (ExchangeResult) -> Void) {
        let key = exchange.serverKey
        let answers = lock.withLock { () -> Bool in
            total += 1
            current[key, default: 0] += 1
            started[key, default: 0] += 1
            peak = max(peak, total)
            peakPerServer = max(peakPerServer, current[key] ?? 0)
            if !answering.contains(key) { held.append((key, done)) }
            return answering.contains(key)
        }
        guard answers else { return }
        DispatchQueue.global().async { [self] in
            lock.withLock { total -= 1; current[key, default: 0] -= 1 }
            done(.reply([UInt8(exchange.packet.count & 0xff)]))
        }
    }

    var heldCount: Int { lock.withLock { held.count } }

    /// Ends every held question with `result` (a silent server's timeout is `.timeout`).
    func release(with result: ExchangeResult) {
        let all = lock.withLock { () -> [(key: String, done: @Sendable (ExchangeResult) -> Void)] in
            defer { held.removeAll() }
            for h in held { total -= 1; current[h.key, default: 0] -= 1 }
            return held
        }
        for h in all { h.done(result) }
    }

    func startedCount(_ key: String) -> Int { lock.withLock { started[key] ?? 0 } }
}

/// A clock the test moves (uptime nanoseconds).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 1_000_000_000
    var now: UInt64 { lock.withLock { value } }
    func advance(seconds: Double) { lock.withLock { value += UInt64(seconds * 1e9) } }
}

func exchange(to server: String, _ n: Int = 0) -> DNSExchange {
    DNSExchange(servers: [server], port: 53, packet: [UInt8](repeating: 0, count: 12 + n % 7), tcp: false,
                attemptTimeout: 1, attempts: 1)
}

/// Waits (without a clock) until `condition` holds: yields to the other tasks in between.
func eventually(_ condition: () -> Bool) async {
    while !condition() { await Task.yield(); try? await Task.sleep(nanoseconds: 1_000_000) }
}

@Suite("DNSScheduler: the bound, fairness between servers, silent servers, cancellation")
struct DNSSchedulerTests {
    @Test func neverMoreInFlightThanTheBoundNorAServerMoreThanItsShare() async {
        let servers = (1...5).map { "192.0.2.\($0)" }
        let transport = HeldTransport(answering: [])
        let scheduler = DNSScheduler(concurrency: 8, transport: transport)
        #expect(scheduler.perServer == 2)
        let tasks = (0..<400).map { i in Task { await scheduler.exchange(exchange(to: servers[i % 5], i)) } }
        // Each round: the bound fills (5 servers x 2 each could take 10), then every held question gets its reply.
        var answered = 0
        while answered < 400 {
            let expected = min(8, 400 - answered)
            await eventually { transport.heldCount == expected || transport.heldCount > 8 }
            #expect(transport.heldCount == expected)
            answered += transport.heldCount
            transport.release(with: .reply([5]))
        }
        for task in tasks { #expect(await task.value == .reply([5])) }
        #expect(transport.peak == 8, "the transport saw \(transport.peak) in flight")
        #expect(transport.peakPerServer == 2)
        #expect(scheduler.figures.peak == 8)
    }

    @Test func aSilentServerHoldsOnlyItsShareAndCostsOneTimeout() async {
        let silent = "192.0.2.66", answering = "192.0.2.1"
        let transport = HeldTransport(answering: ["\(answering)#53"])
        let scheduler = DNSScheduler(concurrency: 8, transport: transport)
        // The silent server's questions are queued first: they must not hold the answering server's.
        let silentTasks = (0..<50).map { i in Task { await scheduler.exchange(exchange(to: silent, i)) } }
        await eventually { transport.heldCount == 2 }
        let answered = await withTaskGroup(of: ExchangeResult.self) { group in
            for i in 0..<50 { group.addTask { await scheduler.exchange(exchange(to: answering, i)) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // Every answer came while the silent server's first questions still wait for their timeout.
        #expect(answered.count == 50 && answered.allSatisfy { if case .reply = $0 { return true }; return false })
        #expect(transport.heldCount == 2, "the silent server got more than its share of the bound")
        #expect(transport.startedCount("\(silent)#53") == 2)
        // Its first questions time out: the 48 behind them are answered .timeout without being sent.
        transport.release(with: .timeout)
        var outcomes: [ExchangeResult] = []
        for task in silentTasks { outcomes.append(await task.value) }
        #expect(outcomes.allSatisfy { $0 == .timeout })
        #expect(transport.startedCount("\(silent)#53") == 2)
        #expect(scheduler.figures.shortCut == 48)
    }

    @Test func aSilentServerIsLeftAloneForOneTimeoutThenProbedAndAReplyEndsTheSilence() async {
        let server = "192.0.2.77"
        let transport = HeldTransport(answering: [])
        let clock = TestClock()
        let scheduler = DNSScheduler(concurrency: 8, transport: transport, now: { clock.now })
        let first = Task { await scheduler.exchange(exchange(to: server)) }
        await eventually { transport.heldCount == 1 }
        clock.advance(seconds: 1)
        transport.release(with: .timeout)
        #expect(await first.value == .timeout)
        // Silent now: for one timeout (1 s here) its questions are answered at once, unsent.
        #expect(await scheduler.exchange(exchange(to: server, 1)) == .timeout)
        #expect(transport.startedCount("\(server)#53") == 1)
        clock.advance(seconds: 1)
        // Then the next question goes out as the probe, and the ones behind it are answered at once.
        let probe = Task { await scheduler.exchange(exchange(to: server, 2)) }
        await eventually { transport.heldCount == 1 }
        #expect(await scheduler.exchange(exchange(to: server, 3)) == .timeout)
        #expect(transport.startedCount("\(server)#53") == 2)
        // The probe gets a reply: the server answers again, and its questions are sent in parallel once more.
        transport.release(with: .reply([1]))
        #expect(await probe.value == .reply([1]))
        let again = (0..<4).map { i in Task { await scheduler.exchange(exchange(to: server, i)) } }
        await eventually { transport.heldCount == 2 }
        #expect(transport.startedCount("\(server)#53") == 4)
        transport.release(with: .reply([2]))
        await eventually { transport.heldCount == 2 }
        transport.release(with: .reply([2]))
        for task in again { #expect(await task.value == .reply([2])) }
        #expect(scheduler.figures.shortCut == 2)
    }

    @Test func aCancelledQuestionLeavesTheQueueAtOnce() async {
        let server = "192.0.2.88"
        let transport = HeldTransport(answering: [])
        let scheduler = DNSScheduler(concurrency: 1, transport: transport)
        let sent = Task { await scheduler.exchange(exchange(to: server)) }
        await eventually { transport.heldCount == 1 }
        let waiting = Task { await scheduler.exchange(exchange(to: server, 1)) }
        await eventually { scheduler.figures.waiting == 1 }
        waiting.cancel()
        #expect(await waiting.value == .error("cancelled"))
        #expect(scheduler.figures.waiting == 0)
        #expect(transport.startedCount("\(server)#53") == 1)
        // Cancelled before it was asked: not even queued.
        let early = Task { () -> ExchangeResult in
            withUnsafeCurrentTask { $0?.cancel() }
            return await scheduler.exchange(exchange(to: server, 2))
        }
        #expect(await early.value == .error("cancelled"))
        transport.release(with: .reply([3]))
        #expect(await sent.value == .reply([3]))
        #expect(transport.startedCount("\(server)#53") == 1)
    }

    @Test func theBoundCanBeChanged() async {
        let transport = HeldTransport(answering: [])
        let scheduler = DNSScheduler(concurrency: 4, transport: transport)
        #expect(scheduler.perServer == 1)
        let tasks = (0..<8).map { i in Task { await scheduler.exchange(exchange(to: "192.0.2.\(i + 1)", i)) } }
        await eventually { transport.heldCount == 4 }
        scheduler.concurrency = 8
        await eventually { transport.heldCount == 8 }
        #expect(scheduler.perServer == 2)
        transport.release(with: .reply([4]))
        for task in tasks { #expect(await task.value == .reply([4])) }
    }
}
