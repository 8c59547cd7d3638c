import CCares
import Foundation

/// The DNS transport: c-ares driven by one event loop thread of its own (`vanityns.dns`), poll(2) over every socket
/// c-ares opens. c-ares sends the packets ldns built (`ares_send`), matches replies to questions (ID and question),
/// falls back to TCP on a truncated UDP answer, and hands back the reply's bytes.
///
/// One c-ares channel per (servers, port, transport, attempt time): a channel's flags and timeout are its own, and
/// each question goes to exactly the servers it names. Channels live as long as the process; c-ares closes a
/// channel's sockets whenever its last question is done, so open sockets stay within the questions in flight.
/// Every c-ares call happens on the loop thread; other threads only hand it exchanges through a locked inbox and a
/// wake-up pipe.
final class CAresTransport: DNSTransport, @unchecked Sendable {
    static let shared = CAresTransport()

    private let lock = NSLock()
    private var inbox: [Pending] = []
    private var started = false
    /// The wake-up pipe: [read end, write end], both non-blocking.
    private var wake: [Int32] = [-1, -1]

    // Loop-thread state.
    private var channels: [ChannelKey: Channel] = [:]
    /// Each open socket's channel and what c-ares waits for on it.
    private var sockets: [Int32: (channel: Channel, read: Bool, write: Bool)] = [:]
    /// Channels with questions in flight (whose timeouts the loop must serve).
    private var busy: [ObjectIdentifier: Channel] = [:]
    /// Attempts to send again once the current ares_process_fd returns.
    private var retries: [Pending] = []

    private struct ChannelKey: Hashable {
        var servers: [String]
        var port: Int
        var tcp: Bool
        var timeoutMs: Int32
    }

    /// One c-ares channel and its questions in flight.
    final class Channel {
        let raw: ares_channel
        var active = 0
        unowned let transport: CAresTransport
        init(raw: ares_channel, transport: CAresTransport) { self.raw = raw; self.transport = transport }
    }

    /// One exchange on its way: what to send, attempts left, and whom to tell.
    final class Pending {
        let exchange: DNSExchange
        var attemptsLeft: Int
        let done: @Sendable (ExchangeResult) -> Void
        var channel: Channel?
        init(_ exchange: DNSExchange, done: @escaping @Sendable (ExchangeResult) -> Void) {
            self.exchange = exchange; attemptsLeft = max(1, exchange.attempts); self.done = done
        }
    }

    func start(_ exchange: DNSExchange, done: @escaping @Sendable (ExchangeResult) -> Void) {
        let pending = Pending(exchange, done: done)
        let first = lock.withLock { () -> Bool in
            inbox.append(pending)
            defer { started = true }
            return !started
        }
        if first { startLoop() }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    /// Makes the wake-up pipe and starts the loop thread (once).
    private func startLoop() {
        ares_library_init(ARES_LIB_INIT_ALL)
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        wake = fds
        let thread = Thread { [self] in loop() }
        thread.name = "vanityns.dns"
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func loop() {
        while true {
            let arrived = lock.withLock { () -> [Pending] in defer { inbox.removeAll() }; return inbox }
            for pending in arrived { send(pending) }
            let again = retries
            retries.removeAll()
            for pending in again { send(pending) }

            var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            for (fd, interest) in sockets where interest.read || interest.write {
                fds.append(pollfd(fd: fd, events: Int16((interest.read ? POLLIN : 0) | (interest.write ? POLLOUT : 0)), revents: 0))
            }
            let ready = poll(&fds, nfds_t(fds.count), nextTimeoutMs())
            if ready > 0, fds[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 256)
                while read(wake[0], &drain, drain.count) > 0 {}
            }
            if ready > 0 {
                for entry in fds.dropFirst() where entry.revents != 0 {
                    guard let interest = sockets[entry.fd] else { continue }
                    let readable = entry.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0
                    let writable = entry.revents & Int16(POLLOUT) != 0
                    ares_process_fd(interest.channel.raw, readable ? entry.fd : ARES_SOCKET_BAD, writable ? entry.fd : ARES_SOCKET_BAD)
                }
            }
            // Timeouts: c-ares checks them on every call; a channel with nothing ready is called with no socket.
            for channel in Array(busy.values) where Self.dueNow(channel) {
                ares_process_fd(channel.raw, ARES_SOCKET_BAD, ARES_SOCKET_BAD)
            }
        }
    }

    /// Milliseconds until the earliest c-ares timeout of a busy channel; -1 (wait for a socket or the pipe) when none.
    private func nextTimeoutMs() -> Int32 {
        if !retries.isEmpty { return 0 }
        var soonest: Int32 = -1
        for channel in busy.values {
            var tv = timeval()
            guard let next = ares_timeout(channel.raw, nil, &tv) else { continue }
            let ms = Int32(min(Int(next.pointee.tv_sec) * 1000 + Int(next.pointee.tv_usec + 999) / 1000, 60_000))
            soonest = soonest < 0 ? ms : min(soonest, ms)
        }
        return soonest
    }

    private static func dueNow(_ channel: Channel) -> Bool {
        var tv = timeval()
        guard let next = ares_timeout(channel.raw, nil, &tv) else { return false }
        return next.pointee.tv_sec == 0 && next.pointee.tv_usec < 1000
    }

    /// Sends one attempt of `pending` on its channel (made on first use).
    private func send(_ pending: Pending) {
        let exchange = pending.exchange
        let key = ChannelKey(servers: exchange.servers, port: exchange.port, tcp: exchange.tcp,
                             timeoutMs: Int32(max(1, (exchange.attemptTimeout * 1000).rounded())))
        let channel: Channel
        if let made = channels[key] {
            channel = made
        } else {
            switch makeChannel(key) {
            case let .failure(message): return pending.done(.error(message))
            case let .success(made): channels[key] = made; channel = made
            }
        }
        pending.channel = channel
        channel.active += 1
        busy[ObjectIdentifier(channel)] = channel
        exchange.packet.withUnsafeBufferPointer { bytes in
            ares_send(channel.raw, bytes.baseAddress, Int32(bytes.count), { arg, status, _, answer, length in
                guard let arg else { return }
                let pending = Unmanaged<Pending>.fromOpaque(arg).takeRetainedValue()
                pending.channel?.transport.answered(pending, status: status, answer: answer, length: Int(length))
            }, Unmanaged.passRetained(pending).toOpaque())
        }
    }

    /// c-ares's callback for one attempt (on the loop thread, inside an ares call).
    private func answered(_ pending: Pending, status: Int32, answer: UnsafeMutablePointer<UInt8>?, length: Int) {
        if let channel = pending.channel {
            channel.active -= 1
            if channel.active == 0 { busy[ObjectIdentifier(channel)] = nil }
        }
        if status == ARES_ETIMEOUT, pending.attemptsLeft > 1 {
            pending.attemptsLeft -= 1
            retries.append(pending)  // sent after the current ares call returns
            return
        }
        switch status {
        case ARES_SUCCESS:
            guard let answer, length > 0 else { return pending.done(.error("query failed: empty reply")) }
            pending.done(.reply(Array(UnsafeBufferPointer(start: answer, count: length))))
        case ARES_ETIMEOUT: pending.done(.timeout)
        case ARES_ECONNREFUSED: pending.done(.error("query failed: connection refused (nothing answers at that address and port)"))
        case ARES_EDESTRUCTION, ARES_ECANCELLED: pending.done(.error("cancelled"))
        default: pending.done(.error("query failed: \(String(cString: ares_strerror(status)))"))
        }
    }

    private enum Made { case success(Channel), failure(String) }

    /// A channel that sends to exactly `key.servers` at `key.port`: one try per server per attempt (attempts are
    /// resent here), every rcode handed back (NOCHECKRESP), TCP only when asked, servers in order.
    private func makeChannel(_ key: ChannelKey) -> Made {
        var options = ares_options()
        options.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | (key.tcp ? ARES_FLAG_USEVC : 0)
        options.timeout = key.timeoutMs
        options.tries = 1
        // The callback data must point at the channel before c-ares exists: a box made first, filled after init.
        let box = ChannelBox()
        options.sock_state_cb_data = Unmanaged.passUnretained(box).toOpaque()
        options.sock_state_cb = { data, fd, readable, writable in
            guard let data, let channel = Unmanaged<ChannelBox>.fromOpaque(data).takeUnretainedValue().channel else { return }
            channel.transport.socketState(channel, fd: fd, read: readable != 0, write: writable != 0)
        }
        var raw: ares_channel?
        let mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB | ARES_OPT_NOROTATE
        let status = ares_init_options(&raw, &options, mask)
        guard status == ARES_SUCCESS, let raw else {
            return .failure("cannot set up DNS queries: \(String(cString: ares_strerror(status)))")
        }
        let csv = key.servers.map { $0.contains(":") ? "[\($0)]:\(key.port)" : "\($0):\(key.port)" }.joined(separator: ",")
        let set = ares_set_servers_ports_csv(raw, csv)
        guard set == ARES_SUCCESS else {
            ares_destroy(raw)
            return .failure("cannot use \(key.servers.joined(separator: ", ")): \(String(cString: ares_strerror(set)))")
        }
        let channel = Channel(raw: raw, transport: self)
        box.channel = channel
        boxes.append(box)
        return .success(channel)
    }

    /// Holds a channel for c-ares's socket callback (kept alive with the channel, for the process's life).
    private final class ChannelBox { var channel: Channel? }
    private var boxes: [ChannelBox] = []

    /// c-ares's socket callback: what it now waits for on `fd` (neither: the socket is closed).
    private func socketState(_ channel: Channel, fd: Int32, read: Bool, write: Bool) {
        if read || write { sockets[fd] = (channel, read, write) } else { sockets[fd] = nil }
    }
}
