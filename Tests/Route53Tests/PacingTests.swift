import Testing
import Foundation
@testable import Route53
import TestSupport

/// The pacer against `scripts/route53-proxy.py --buckets`, which enforces Route 53's published request buckets in
/// front of moto (account 50 / 10 per s; CreateHostedZone 40 / 2 per s): what Route 53 itself would throttle.
@Suite(.serialized) struct PacingTests {
    func client(_ moto: MotoServer, limits: RateLimits = .route53) -> Route53Client {
        Route53Client(endpoint: ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: moto.port, region: "us-east-1", signingService: "route53"),
                      credentials: StaticCredentials(), options: ClientOptions(maxAttempts: 8, limits: limits, timeoutSeconds: 10,
                                                                               baseDelaySeconds: 0.2, maxDelaySeconds: 2))
    }

    /// Runs `count` calls, `width` at a time.
    func calls(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<width { g.addTask { for i in stride(from: w, to: count, by: width) { try await body(i) } } }
            try await g.waitForAll()
        }
    }

    @Test func aBurstAndASustainedRunWithThePublishedBucketsAreNeverThrottled() async throws {
        let moto = try MotoServer(buckets: true)
        defer { moto.stop() }
        let c = client(moto)
        // 50 back to back (the account's burst), then 30 more paced at the refill: 80 calls, 8 at a time.
        try await calls(80, width: 8) { _ in _ = try await c.listReusableDelegationSets() }
        let stats = try moto.proxyStats()
        #expect(stats.byOperation["ListReusableDelegationSets"]?.requests == 80)
        #expect(stats.throttled == 0, "the client's buckets mirror Route 53's, so the service never has to throttle")
    }

    @Test func createsBeyondTheirBurstWaitForTheirOwnBucket() async throws {
        let moto = try MotoServer(buckets: true)
        defer { moto.stop() }
        let c = client(moto)
        let set = try await c.createReusableDelegationSet(callerReference: "pace-set", hostedZoneId: nil).delegationSet
        // 45 zones: 40 within CreateHostedZone's burst, the rest at its 2 per second. Nothing may be throttled and every
        // zone is made once.
        try await calls(45, width: 4) { i in
            _ = try await c.createHostedZone(name: "pace\(i).example", callerReference: "pace-\(i)", delegationSetId: set.id, comment: nil)
        }
        let stats = try moto.proxyStats()
        #expect(stats.byOperation["CreateHostedZone"]?.requests == 45)
        #expect(stats.throttled == 0)
        #expect(try await c.listHostedZones(delegationSetId: set.id).count == 45)
    }

    @Test func aClientThatOverestimatesItsQuotaSlowsDownWhenThrottledAndFinishes() async throws {
        let moto = try MotoServer(buckets: true)
        defer { moto.stop() }
        // Told the account may make 40 requests a second with a burst of 200 while Route 53 allows 10 and 50.
        let c = client(moto, limits: RateLimits.route53.scaled(by: 4))
        try await calls(150, width: 8) { _ in _ = try await c.listReusableDelegationSets() }
        let stats = try moto.proxyStats()
        let accepted = stats.requests - stats.throttled
        #expect(accepted == 150, "every call succeeded in the end")
        #expect(stats.throttled > 0, "the proxy did throttle the over-eager client")
        // Without slowing down, a client sending at 40/s into a 10/s bucket gets about three refusals per success.
        #expect(Double(stats.throttled) < 0.5 * 150, "adaptive pacing keeps refusals well below the calls made: \(stats.throttled)")
    }
}
