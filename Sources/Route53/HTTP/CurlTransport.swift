import Foundation
import CCurl

/// The live `HTTPTransport`: libcurl's multi interface driven by one dedicated I/O thread.
///
/// Many requests are in flight at once on that thread; connections are kept alive and reused through the multi
/// handle's connection cache. Each `send` suspends on a checked continuation until its transfer finishes, fails,
/// times out or is cancelled. TLS peer and host verification stay on: nothing here can turn them off. Proxies are
/// libcurl's own: `https_proxy` / `HTTPS_PROXY`, `http_proxy`, `NO_PROXY` are read by libcurl for each transfer.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    /// One transport for the whole process: one I/O thread, one connection cache.
    public static let shared = CurlTransport()

    private let engine: CurlEngine
    /// The PEM bundle TLS peers are verified against instead of the system's (`AWS_CA_BUNDLE` / `ca_bundle`).
    public let caBundle: String?

    /// Starts the I/O thread.
    /// - Parameters:
    ///   - maxConnections: the most connections open at once (further transfers wait for a free one); also the size
    ///     of the keep-alive cache.
    ///   - caBundle: a PEM file of the certificate authorities to trust (libcurl's CAINFO), nil for the system's.
    public init(maxConnections: Int = 16, caBundle: String? = nil) {
        self.caBundle = caBundle
        engine = CurlEngine(maxConnections: maxConnections, caBundle: caBundle)
    }

    /// Checks that `path` is a readable file a CA bundle can be read from; the error names `origin` and the fix.
    public static func checkCABundle(_ path: String, origin: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else {
            throw Route53Error.configuration("\(origin) (\(path)): the CA bundle cannot be read; give the path of a readable PEM file "
                + "of certificate authorities, or unset it to use the system's")
        }
        let head = handle.readData(ofLength: 1 << 20)
        try? handle.close()
        guard String(decoding: head, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw Route53Error.configuration("\(origin) (\(path)): the CA bundle holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
    }

    deinit { engine.stop() }

    public func send(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        let transfer = CurlTransfer(request: request, timeout: timeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                if transfer.arm(continuation) { engine.enqueue(transfer) }
            }
        } onCancel: {
            if transfer.markCancelled() { engine.cancel(transfer) }
        }
    }
}

/// One request's state, shared between the calling task and the I/O thread. Resumed exactly once.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    let timeout: Double
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, Error>?
    private var cancelled = false
    private var done = false

    // Owned by the I/O thread only.
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body = Data()
    var headers: [String: String] = [:]
    /// CURLOPT_ERRORBUFFER: curl's detailed message for a failed transfer.
    let errorBuffer: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        p.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return p
    }()

    init(request: HTTPRequest, timeout: Double) { self.request = request; self.timeout = timeout }
    deinit { errorBuffer.deallocate() }

    /// Stores the continuation; false (and resumed with `.cancelled`) when the task was already cancelled.
    func arm(_ c: CheckedContinuation<HTTPResponse, Error>) -> Bool {
        lock.lock()
        if cancelled { done = true; lock.unlock(); c.resume(throwing: Route53Error.cancelled); return false }
        continuation = c
        lock.unlock()
        return true
    }

    /// Records cancellation; true when the transfer is armed and the I/O thread must abort it.
    func markCancelled() -> Bool {
        lock.lock(); defer { lock.unlock() }
        cancelled = true
        return continuation != nil && !done
    }

    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Resumes the caller once; later calls do nothing.
    func finish(_ result: Result<HTTPResponse, Error>) {
        lock.lock()
        guard !done, let c = continuation else { lock.unlock(); return }
        done = true; continuation = nil
        lock.unlock()
        c.resume(with: result)
    }
}

/// The multi handle and the thread that drives it. Every libcurl call happens on that thread.
final class CurlEngine: @unchecked Sendable {
    private static let globalInit: Void = { _ = curl_global_init(3) }()  // CURL_GLOBAL_ALL (SSL | WIN32)

    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var incoming: [CurlTransfer] = []
    private var aborts: [CurlTransfer] = []
    private var stopping = false
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]  // I/O thread only
    private let caBundle: String?

    init(maxConnections: Int, caBundle: String? = nil) {
        self.caBundle = caBundle
        _ = CurlEngine.globalInit
        multi = curl_multi_init()
        _ = vns_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(1, maxConnections))
        _ = vns_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxConnections))
        let thread = Thread { [self] in self.loop() }
        thread.name = "vanityns.curl"
        thread.start()
    }

    func enqueue(_ t: CurlTransfer) {
        lock.lock(); incoming.append(t); lock.unlock()
        curl_multi_wakeup(multi)
    }

    func cancel(_ t: CurlTransfer) {
        lock.lock(); aborts.append(t); lock.unlock()
        curl_multi_wakeup(multi)
    }

    func stop() {
        lock.lock(); stopping = true; lock.unlock()
        curl_multi_wakeup(multi)
    }

    private func loop() {
        var running: Int32 = 0
        while true {
            lock.lock()
            let add = incoming, abort = aborts, stop = stopping
            incoming.removeAll(); aborts.removeAll()
            lock.unlock()
            if stop { break }
            for t in add {
                if t.isCancelled { t.finish(.failure(Route53Error.cancelled)); continue }
                start(t)
            }
            for t in abort {
                guard let easy = t.easy, active[easy] != nil else { t.finish(.failure(Route53Error.cancelled)); continue }
                complete(t, easy: easy, result: .failure(Route53Error.cancelled))
            }
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let msg = curl_multi_info_read(multi, &queued) {
                guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle, let t = active[easy] else { continue }
                let code = msg.pointee.data.result
                complete(t, easy: easy, result: outcome(t, easy: easy, code: code))
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for (easy, t) in active { complete(t, easy: easy, result: .failure(Route53Error.cancelled)) }
        curl_multi_cleanup(multi)
    }

    private func outcome(_ t: CurlTransfer, easy: UnsafeMutableRawPointer, code: CURLcode) -> Result<HTTPResponse, Error> {
        if code == CURLE_OK {
            var status = 0
            _ = vns_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResponse(status: status, headers: t.headers, body: t.body))
        }
        let target = "\(t.request.scheme)://\(t.request.hostHeader)"
        let text = String(cString: curl_easy_strerror(code))
        let detail = String(cString: t.errorBuffer)
        let kind: String
        switch code {
        case CURLE_COULDNT_CONNECT: kind = "connection refused"
        case CURLE_OPERATION_TIMEDOUT: kind = "no answer within \(formatSeconds(t.timeout)) s"
        case CURLE_COULDNT_RESOLVE_HOST: kind = "cannot resolve the host"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE: kind = "TLS failure"
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR: kind = "connection dropped"
        default: kind = "request failed"
        }
        var message = "\(kind) to \(target): \(text)"
        if !detail.isEmpty && detail != text { message += " (\(detail))" }
        return .failure(Route53Error.transport(message))
    }

    private func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }

    private func complete(_ t: CurlTransfer, easy: UnsafeMutableRawPointer, result: Result<HTTPResponse, Error>) {
        curl_multi_remove_handle(multi, easy)
        curl_easy_cleanup(easy)
        if let l = t.headerList { curl_slist_free_all(l) }
        t.headerList = nil; t.easy = nil
        active[easy] = nil
        t.finish(result)
    }

    private func start(_ t: CurlTransfer) {
        guard let easy = curl_easy_init() else {
            t.finish(.failure(Route53Error.transport("libcurl could not create a transfer"))); return
        }
        let r = t.request
        t.easy = easy
        _ = vns_easy_setopt_string(easy, CURLOPT_URL, r.urlString)
        _ = vns_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = vns_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(t.timeout * 1000)))
        _ = vns_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(t.timeout, 10) * 1000)))
        _ = vns_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = vns_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = vns_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, t.errorBuffer)
        if let caBundle { _ = vns_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle) }
        if r.freshConnection {
            _ = vns_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1)
            _ = vns_easy_setopt_long(easy, CURLOPT_FORBID_REUSE, 1)
        }
        switch r.method {
        case "GET": _ = vns_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = vns_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default:
            if r.method != "POST" { _ = vns_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, r.method) }
            if r.method == "POST" || !r.body.isEmpty {
                _ = vns_easy_setopt_long(easy, CURLOPT_POST, 1)
                _ = vns_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.count))
                var bytes = [CChar](repeating: 0, count: r.body.count + 1)
                _ = bytes.withUnsafeMutableBytes { dst in r.body.copyBytes(to: dst.bindMemory(to: UInt8.self)) }
                _ = bytes.withUnsafeMutableBufferPointer { vns_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for h in r.headers { list = curl_slist_append(list, "\(h.name): \(h.value)") }
        list = curl_slist_append(list, "Expect:")
        if r.header("Content-Type") == nil { list = curl_slist_append(list, "Content-Type:") }
        t.headerList = list
        _ = vns_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)

        let me = Unmanaged.passUnretained(t).toOpaque()
        _ = vns_easy_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION) { ptr, size, n, user in
            let t = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
            let count = size * n
            if let ptr, count > 0 { t.body.append(UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: count) }
            return count
        }
        _ = vns_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        _ = vns_easy_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION) { ptr, size, n, user in
            let t = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
            let count = size * n
            guard let ptr else { return count }
            let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: count), as: UTF8.self)
            if line.hasPrefix("HTTP/") { t.headers.removeAll() }  // a new response (after 100 Continue)
            else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                if let old = t.headers[name] { t.headers[name] = old + ", " + value } else { t.headers[name] = value }
            }
            return count
        }
        _ = vns_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        active[easy] = t
        let rc = curl_multi_add_handle(multi, easy)
        if rc != CURLM_OK {
            complete(t, easy: easy, result: .failure(Route53Error.transport("libcurl could not start the transfer: \(String(cString: curl_multi_strerror(rc)))")))
        }
    }
}
