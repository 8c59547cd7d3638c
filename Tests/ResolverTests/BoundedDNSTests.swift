import Foundation
import Testing
import TestSupport
@testable import Resolver

/// The process's thread count, from /proc/self/status (Linux).
func processThreads() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") }) else { return -1 }
    return Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) ?? -1
}

@Suite("Bounded DNS work against a real NSD")
final class BoundedDNSTests {
    static let names = 300
    let server: DNSServer

    init() throws {
        server = try DNSServer(zones: ["fleet.example.": DNSServer.zoneFile(origin: "fleet.example.", records:
            (0..<Self.names).map { .init("h\($0)", "A", "10.1.\($0 / 250).\($0 % 250)") })])
    }
    deinit { server.stop() }

    /// 3,000 questions at once (every tenth over TCP): each gets its own right answer, never more than the bound is in
    /// flight, and the process's threads stay few (one thread per question would be thousands).
    @Test func manyQuestionsAtOnceAllGetTheirRightAnswersOnFewThreads() async throws {
        let scheduler = DNSScheduler(concurrency: 16)
        let resolver = LDNSResolver(scheduler: scheduler)
        let port = server.port
        let before = processThreads()
        try #require(before > 0, "/proc/self/status has no Threads line")
        let sampling = Task { () -> Int in
            var most = 0
            while !Task.isCancelled { most = max(most, processThreads()); try? await Task.sleep(nanoseconds: 2_000_000) }
            return most
        }
        let wrong = await withTaskGroup(of: String?.self) { group in
            for i in 0..<3000 {
                group.addTask {
                    let n = i % Self.names
                    let name = "h\(n).fleet.example"
                    let outcome = i % 10 == 0
                        ? await resolver.queryAuthoritativeTCP(name, type: .a, address: "127.0.0.1", port: port, timeout: 10)
                        : await resolver.queryAuthoritative(name, type: .a, address: "127.0.0.1", port: port, timeout: 10)
                    let want = LookupOutcome.answer(["10.1.\(n / 250).\(n % 250)"], authoritative: true)
                    return outcome == want ? nil : "\(name): \(outcome)"
                }
            }
            return await group.reduce(into: [String]()) { if let w = $1 { $0.append(w) } }
        }
        sampling.cancel()
        let most = await sampling.value
        print("bounded DNS: 3000 questions, threads before \(before), at most \(most) while asking; scheduler peak \(scheduler.figures.peak)")
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers, first: \(wrong.prefix(3))")
        #expect(scheduler.figures.peak <= 16)
        #expect(scheduler.figures.peak > 1)
        // The test process's own threads (the test runner, the cooperative pool, the DNS loop) and nothing per question.
        #expect(most <= max(before, 8) + 8, "threads rose from \(before) to \(most)")
    }
}
