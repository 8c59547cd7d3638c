import Testing
import Foundation
@testable import Route53

/// A transport that answers from a list and records what it was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Result<HTTPResponse, Route53Error>]
    private(set) var sent: [HTTPRequest] = []
    init(_ answers: [Result<HTTPResponse, Route53Error>]) { self.answers = answers }
    func send(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        try next(request).get()
    }
    private func next(_ request: HTTPRequest) -> Result<HTTPResponse, Route53Error> {
        lock.lock(); defer { lock.unlock() }
        sent.append(request)
        return answers.count > 1 ? answers.removeFirst() : answers[0]
    }
    var requests: [HTTPRequest] { lock.lock(); defer { lock.unlock() }; return sent }
}

func xmlAnswer(_ status: Int, _ body: String) -> Result<HTTPResponse, Route53Error> {
    .success(HTTPResponse(status: status, headers: ["x-amzn-requestid": "rid-\(status)"], body: Data(body.utf8)))
}

@Suite struct RetryTests {
    let fast = ClientOptions(maxAttempts: 5, limits: .route53.scaled(by: 100), timeoutSeconds: 5, baseDelaySeconds: 0.001, maxDelaySeconds: 0.01)
    let endpoint = ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9, region: "us-east-1", signingService: "route53")

    @Test func backoffIsExponentialWithFullJitterAndCapped() {
        let ceilings = (1...7).map { RetryPolicy.ceiling(afterAttempt: $0, base: 1, maxDelay: 20) }
        #expect(ceilings == [1, 2, 4, 8, 16, 20, 20])
        #expect(RetryPolicy.delay(afterAttempt: 3, base: 1, maxDelay: 20, unit: 0) == 0)
        #expect(RetryPolicy.delay(afterAttempt: 3, base: 1, maxDelay: 20, unit: 1) == 4)
        for attempt in 1...10 {
            let d = RetryPolicy.delay(afterAttempt: attempt, base: 0.5, maxDelay: 20)
            #expect(d >= 0 && d <= min(20, 0.5 * pow(2, Double(attempt - 1))))
        }
    }

    @Test func whatIsRetried() {
        #expect(RetryPolicy.isRetryable(Route53Error.service(code: "Throttling", message: "Rate exceeded", status: 400, requestId: nil)))
        #expect(RetryPolicy.isRetryable(Route53Error.service(code: "PriorRequestNotComplete", message: "", status: 400, requestId: nil)))
        #expect(RetryPolicy.isRetryable(Route53Error.service(code: "InternalFailure", message: "", status: 503, requestId: nil)))
        #expect(RetryPolicy.isRetryable(Route53Error.transport("connection refused")))
        #expect(!RetryPolicy.isRetryable(Route53Error.service(code: "NoSuchHostedZone", message: "", status: 404, requestId: nil)))
        #expect(!RetryPolicy.isRetryable(Route53Error.service(code: "InvalidChangeBatch", message: "", status: 400, requestId: nil)))
        #expect(!RetryPolicy.isRetryable(Route53Error.malformedResponse("HTTP 200 with a body that is not XML")))
        #expect(!RetryPolicy.isRetryable(Route53Error.cancelled))
    }

    @Test func tokenBucketAllowsABurstThenSpacesCallsAtTheRate() async {
        final class Clock: @unchecked Sendable { var now = 100.0 }
        let clock = Clock()
        let bucket = TokenBucket(rate: 5, burst: 2, clock: { clock.now })
        #expect(await bucket.reserve() == 0)
        #expect(await bucket.reserve() == 0)
        let w1 = await bucket.reserve(), w2 = await bucket.reserve()
        #expect(abs(w1 - 0.2) < 1e-9 && abs(w2 - 0.4) < 1e-9)
        clock.now += 10  // idle: refills to the burst, not beyond
        #expect(await bucket.reserve() == 0)
        #expect(await bucket.reserve() == 0)
        #expect(await bucket.reserve() > 0)
    }

    /// Change batches larger than the client's change bucket (650 record changes against its 500) are charged whole, so
    /// batches sent side by side keep to the service's refill: four such batches charged only 500 each went out 0.5 s
    /// apart and ran 150 changes a batch ahead of a service bucket of 1,000 at 1,000 per second (migrate's Throttling).
    @Test func aCountAboveTheBurstIsChargedWhole() async {
        final class Clock: @unchecked Sendable { var now = 100.0 }
        let clock = Clock()
        let bucket = TokenBucket(rate: 1000, burst: 500, clock: { clock.now })
        let waits = [await bucket.reserve(650), await bucket.reserve(650), await bucket.reserve(650)]
        #expect(zip(waits, [0.15, 0.8, 1.45]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(waits)")
    }

    @Test func tokenBucketReallyWaits() async throws {
        let bucket = TokenBucket(rate: 20, burst: 1)
        let start = Date()
        for _ in 0..<6 { try await bucket.acquire() }
        #expect(Date().timeIntervalSince(start) >= 0.2)
    }

    @Test func nonRetryableErrorsFailAtOnceAndRetryableOnesStopAtMaxAttempts() async throws {
        let notFound = ScriptedTransport([xmlAnswer(404, "<ErrorResponse><Error><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1</Message></Error></ErrorResponse>")])
        let c1 = Route53Client(endpoint: endpoint, credentials: StaticCredentials(), transport: notFound, options: fast)
        await #expect(throws: Route53Error.service(code: "NoSuchHostedZone", message: "No hosted zone found with ID: Z1", status: 404, requestId: "rid-404")) {
            _ = try await c1.getHostedZone(id: "/hostedzone/Z1")
        }
        #expect(notFound.requests.count == 1)
        #expect(notFound.requests[0].path == "/2013-04-01/hostedzone/Z1", "IDs are used bare")

        let down = ScriptedTransport([xmlAnswer(503, "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>")])
        let c2 = Route53Client(endpoint: endpoint, credentials: StaticCredentials(), transport: down, options: fast)
        await #expect(throws: Route53Error.self) { _ = try await c2.getChange(id: "C1") }
        #expect(down.requests.count == 5)
    }

    @Test func aCreateWhoseAnswerWasLostIsSentAgainAndItsRefusalFindsTheSet() async throws {
        let setXML = "<DelegationSet><Id>/delegationset/N1</Id><CallerReference>ref-lost</CallerReference><NameServers><NameServer>ns-1.awsdns-01.com</NameServer></NameServers></DelegationSet>"
        let transport = ScriptedTransport([
            .failure(.transport("connection dropped to http://127.0.0.1:9: Server returned nothing (no headers, no data)")),
            xmlAnswer(409, "<ErrorResponse><Error><Type>Sender</Type><Code>DelegationSetAlreadyCreated</Code><Message>A delegation set has already been created with the specified caller reference.</Message></Error></ErrorResponse>"),
            xmlAnswer(200, "<ListReusableDelegationSetsResponse><DelegationSets>\(setXML)</DelegationSets><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListReusableDelegationSetsResponse>"),
        ])
        let client = Route53Client(endpoint: endpoint, credentials: StaticCredentials(), transport: transport, options: fast)
        let created = try await client.createReusableDelegationSet(callerReference: "ref-lost", hostedZoneId: nil)
        #expect(created.delegationSet.id == "N1")
        #expect(transport.requests.map(\.method) == ["POST", "POST", "GET"], "create first, no look before it; the refusal finds the set")
    }

    @Test func aReferenceWhoseSetWasDeletedSaysToUseANewOne() async throws {
        let transport = ScriptedTransport([
            xmlAnswer(409, "<ErrorResponse><Error><Code>DelegationSetAlreadyCreated</Code><Message>A delegation set has already been created with the specified caller reference.</Message></Error></ErrorResponse>"),
            xmlAnswer(200, "<ListReusableDelegationSetsResponse><DelegationSets/><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListReusableDelegationSetsResponse>"),
        ])
        let client = Route53Client(endpoint: endpoint, credentials: StaticCredentials(), transport: transport, options: fast)
        await #expect { _ = try await client.createReusableDelegationSet(callerReference: "gone", hostedZoneId: nil) } throws: { error in
            guard case let .service(code, message, _, _)? = error as? Route53Error else { return false }
            return code == "DelegationSetAlreadyCreated" && message.contains("gone") && message.contains("new caller reference")
        }
    }

    @Test func aThrottledBucketHalvesFromTheMeasuredRateAndClimbsBack() async {
        final class Clock: @unchecked Sendable { var now = 100.0 }
        let clock = Clock()
        let bucket = TokenBucket(rate: 10, burst: 50, climbSeconds: 10, clock: { clock.now })
        // 8 calls a second for 2 s: the measured rate is 8/s, below the configured 10.
        for _ in 0..<16 { _ = await bucket.reserve(); clock.now += 0.125 }
        await bucket.slowDown()
        #expect(abs(await bucket.currentRate() - 4) < 0.5, "half the measured rate")
        #expect(await bucket.reserve() > 0, "the bucket is empty after a throttle")
        clock.now += 5
        let mid = await bucket.currentRate()
        #expect(mid > 6 && mid < 8, "half way back after half the climb")
        clock.now += 6
        #expect(await bucket.currentRate() == 10)
    }

    @Test func changeBatchesCostWhatRoute53Counts() {
        func set(_ n: Int) -> ResourceRecordSet {
            ResourceRecordSet(name: "a.example.", type: "A", ttl: 60, values: (0..<n).map { "192.0.2.\($0)" })
        }
        #expect(Change.throttleCount([Change(action: .create, resourceRecordSet: set(3)), Change(action: .upsert, resourceRecordSet: set(2)),
                                      Change(action: .delete, resourceRecordSet: set(1))]) == 3 + 4 + 1)
    }
}
