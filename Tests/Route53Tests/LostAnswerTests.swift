import Testing
import Foundation
@testable import Route53

/// The one rule for writes that are not safe to repeat: a lost answer is read back, never resent blindly.
@Suite struct LostAnswerTests {
    let fast = ClientOptions(maxAttempts: 5, limits: .route53.scaled(by: 100), timeoutSeconds: 5, baseDelaySeconds: 0.001, maxDelaySeconds: 0.01)
    let endpoint = ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9, region: "us-east-1", signingService: "route53")
    static let dropped = Route53Error.transport("connection dropped to http://127.0.0.1:9: Server returned nothing (no headers, no data)")
    static let changeOK = xmlAnswer(200, "<ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C9</Id><Status>PENDING</Status><SubmittedAt>2026-01-01T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>")

    static func listing(_ sets: String) -> Result<HTTPResponse, Route53Error> {
        xmlAnswer(200, "<ListResourceRecordSetsResponse><ResourceRecordSets>\(sets)</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>")
    }
    static func aSet(_ name: String, _ values: [String], ttl: Int = 300) -> String {
        "<ResourceRecordSet><Name>\(name)</Name><Type>A</Type><TTL>\(ttl)</TTL><ResourceRecords>"
            + values.map { "<ResourceRecord><Value>\($0)</Value></ResourceRecord>" }.joined() + "</ResourceRecords></ResourceRecordSet>"
    }
    static let create = [Change(action: .create, resourceRecordSet: ResourceRecordSet(name: "www.example.com.", type: "A", ttl: 300, values: ["192.0.2.1", "192.0.2.2"]))]

    func client(_ t: ScriptedTransport, _ events: RequestEventHub? = nil) -> Route53Client {
        Route53Client(endpoint: endpoint, credentials: StaticCredentials(), transport: t, events: events, options: fast)
    }

    @Test func aCreateWhoseAnswerWasLostAndThatIsInPlaceIsASuccessNotAResend() async throws {
        let hub = RequestEventHub()
        let stream = hub.stream()
        // Values read back in another order and the name in upper case: still the same record set.
        let t = ScriptedTransport([.failure(Self.dropped), Self.listing(Self.aSet("WWW.example.com.", ["192.0.2.2", "192.0.2.1"]))])
        let info = try await client(t, hub).changeResourceRecordSets(zoneId: "Z1", changes: Self.create, comment: nil)
        #expect(info.status == .insync && info.id.isEmpty)
        #expect(t.requests.map(\.method) == ["POST", "GET"], "read back, not resent")
        #expect(t.requests[1].query.contains("name=www.example.com.") && t.requests[1].query.contains("type=A"))
        hub.finish()
        var notes: [String] = []
        for await e in stream { if let n = e.note { notes.append(n) } }
        #expect(notes == ["answer lost; checked: applied"])
    }

    @Test func aCreateThatDidNotLandIsSentOnceMore() async throws {
        let t = ScriptedTransport([.failure(Self.dropped), Self.listing(""), Self.changeOK])
        let info = try await client(t).changeResourceRecordSets(zoneId: "Z1", changes: Self.create, comment: nil)
        #expect(info.id == "C9")
        #expect(t.requests.map(\.method) == ["POST", "GET", "POST"])
    }

    @Test func aResendWhoseAnswerIsLostTooIsReadBackAgain() async throws {
        let t = ScriptedTransport([.failure(Self.dropped), Self.listing(""), .failure(Self.dropped),
                                   Self.listing(Self.aSet("www.example.com.", ["192.0.2.1", "192.0.2.2"]))])
        let info = try await client(t).changeResourceRecordSets(zoneId: "Z1", changes: Self.create, comment: nil)
        #expect(info.status == .insync)
        #expect(t.requests.map(\.method) == ["POST", "GET", "POST", "GET"])
    }

    @Test func otherValuesAreAClearErrorNamingTheRecordAndNothingIsResent() async throws {
        let t = ScriptedTransport([xmlAnswer(500, "<ErrorResponse><Error><Code>InternalError</Code><Message>oops</Message></Error></ErrorResponse>"),
                                   Self.listing(Self.aSet("www.example.com.", ["198.51.100.7"]))])
        await #expect { _ = try await client(t).changeResourceRecordSets(zoneId: "Z1", changes: Self.create, comment: nil) } throws: { error in
            guard case let .outcomeUnknown(op, detail)? = error as? Route53Error else { return false }
            return op == "ChangeResourceRecordSets" && detail.contains("www.example.com. A") && detail.contains("198.51.100.7")
                && detail.contains("192.0.2.1")
        }
        #expect(t.requests.map(\.method) == ["POST", "GET"])
    }

    @Test func throttlingAndARefusedConnectionSayNothingWasDoneAndAreRetried() async throws {
        let t = ScriptedTransport([xmlAnswer(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"),
                                   .failure(.transport("connection refused to http://127.0.0.1:9: Couldn't connect to server")), Self.changeOK])
        _ = try await client(t).changeResourceRecordSets(zoneId: "Z1", changes: Self.create, comment: nil)
        #expect(t.requests.map(\.method) == ["POST", "POST", "POST"])
    }

    @Test func upsertOnlyBatchesAreRetriedAsBefore() async throws {
        let t = ScriptedTransport([.failure(Self.dropped), Self.changeOK])
        let upsert = [Change(action: .upsert, resourceRecordSet: Self.create[0].resourceRecordSet)]
        _ = try await client(t).changeResourceRecordSets(zoneId: "Z1", changes: upsert, comment: nil)
        #expect(t.requests.map(\.method) == ["POST", "POST"])
    }

    @Test func deletesAndTagsAreReadBack() async throws {
        let zoneGone = ScriptedTransport([.failure(Self.dropped),
                                          xmlAnswer(404, "<ErrorResponse><Error><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1</Message></Error></ErrorResponse>")])
        let info = try await client(zoneGone).deleteHostedZone(id: "Z1")
        #expect(info.status == .insync && zoneGone.requests.map(\.method) == ["DELETE", "GET"])

        let setGone = ScriptedTransport([.failure(Self.dropped),
                                         xmlAnswer(400, "<ErrorResponse><Error><Code>NoSuchDelegationSet</Code><Message>gone</Message></Error></ErrorResponse>")])
        try await client(setGone).deleteReusableDelegationSet(id: "N1")
        #expect(setGone.requests.map(\.method) == ["DELETE", "GET"])

        let tagged = ScriptedTransport([.failure(Self.dropped), xmlAnswer(200, "<ListTagsForResourceResponse><ResourceTagSet><ResourceType>hostedzone</ResourceType><ResourceId>Z1</ResourceId><Tags><Tag><Key>team</Key><Value>dns</Value></Tag></Tags></ResourceTagSet></ListTagsForResourceResponse>")])
        try await client(tagged).addTagsToHostedZone(id: "Z1", tags: [ResourceTag(key: "team", value: "dns")])
        #expect(tagged.requests.map(\.method) == ["POST", "GET"])
    }

    @Test func aLostRegistrarUpdateFindsTheOperationItStarted() async throws {
        let domains = ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9, region: "us-east-1", signingService: "route53domains")
        let now = Date().timeIntervalSince1970
        let ops = "{\"Operations\":[{\"OperationId\":\"op-old\",\"DomainName\":\"other.com\",\"Type\":\"UPDATE_NAMESERVER\",\"SubmittedDate\":\(now)},"
            + "{\"OperationId\":\"op-1\",\"DomainName\":\"example.com\",\"Type\":\"UPDATE_NAMESERVER\",\"SubmittedDate\":\(now)}]}"
        let json = { (text: String) -> Result<HTTPResponse, Route53Error> in .success(HTTPResponse(status: 200, headers: [:], body: Data(text.utf8))) }
        // Nothing in progress, the domain still on other name servers; then the update's answer is lost.
        let t = ScriptedTransport([json("{\"Operations\":[]}"), json("{\"DomainName\":\"example.com\",\"Nameservers\":[{\"Name\":\"ns-1.awsdns-1.com\"}]}"),
                                   .failure(Self.dropped), json(ops)])
        let c = Route53DomainsClient(endpoint: domains, credentials: StaticCredentials(), transport: t, options: fast)
        let id = try await c.updateDomainNameservers(domainName: "example.com", nameservers: [DomainNameserver(name: "ns1.example.com", glueIps: ["192.0.2.1"])])
        #expect(id == "op-1")
        #expect(t.requests.compactMap { $0.headers.first { $0.name == "X-Amz-Target" }?.value } ==
                ["Route53Domains_v20140515.ListOperations", "Route53Domains_v20140515.GetDomainDetail",
                 "Route53Domains_v20140515.UpdateDomainNameservers", "Route53Domains_v20140515.ListOperations"])
    }

    @Test func aLostDSChangeFindsTheOperationItStartedAndIsNotResent() async throws {
        let domains = ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9, region: "us-east-1", signingService: "route53domains")
        let json = { (text: String) -> Result<HTTPResponse, Route53Error> in .success(HTTPResponse(status: 200, headers: [:], body: Data(text.utf8))) }
        let now = Date().timeIntervalSince1970
        let earlier = "{\"OperationId\":\"op-6\",\"DomainName\":\"example.com\",\"Type\":\"ADD_DNSSEC\",\"SubmittedDate\":\(now - 5)}"
        let ops = "{\"Operations\":[\(earlier),{\"OperationId\":\"op-7\",\"DomainName\":\"example.com\",\"Type\":\"ADD_DNSSEC\",\"SubmittedDate\":\(now)}]}"
        // op-6 was there before the send (an earlier change a moment ago): not taken for the lost send's.
        let t = ScriptedTransport([json("{\"Operations\":[\(earlier)]}"), .failure(Self.dropped), json(ops)])
        let c = Route53DomainsClient(endpoint: domains, credentials: StaticCredentials(), transport: t, options: fast)
        #expect(try await c.associateDelegationSigner(domainName: "example.com", algorithm: 13, flags: 257, publicKey: "AAAA") == "op-7")
        #expect(t.requests.compactMap { $0.headers.first { $0.name == "X-Amz-Target" }?.value } ==
                ["Route53Domains_v20140515.ListOperations", "Route53Domains_v20140515.AssociateDelegationSignerToDomain",
                 "Route53Domains_v20140515.ListOperations"])
        // Nothing started by the lost send (only op-6, from before): sent once more, and that answer counts.
        let none = ScriptedTransport([json("{\"Operations\":[\(earlier)]}"), .failure(Self.dropped), json("{\"Operations\":[\(earlier)]}"),
                                      json("{\"OperationId\":\"op-8\"}")])
        let again = Route53DomainsClient(endpoint: domains, credentials: StaticCredentials(), transport: none, options: fast)
        #expect(try await again.disassociateDelegationSigner(domainName: "example.com", keyId: "k1") == "op-8")
        #expect(none.requests.count == 4)
    }

    @Test func aRegistrarUpdateWaitsForOneInProgressAndIsNotSentWhenAlreadyDone() async throws {
        let domains = ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9, region: "us-east-1", signingService: "route53domains")
        let json = { (text: String) -> Result<HTTPResponse, Route53Error> in .success(HTTPResponse(status: 200, headers: [:], body: Data(text.utf8))) }
        let now = Date().timeIntervalSince1970
        let servers = [DomainNameserver(name: "ns1.example.com", glueIps: ["192.0.2.1"])]
        // An earlier change still in progress: refused as Route 53 Domains would, nothing sent.
        let busy = ScriptedTransport([json("{\"Operations\":[{\"OperationId\":\"op-1\",\"DomainName\":\"example.com\",\"Type\":\"UPDATE_NAMESERVER\",\"Status\":\"IN_PROGRESS\",\"SubmittedDate\":\(now)}]}")])
        await #expect(throws: Route53Error.self) {
            _ = try await Route53DomainsClient(endpoint: domains, credentials: StaticCredentials(), transport: busy, options: fast)
                .updateDomainNameservers(domainName: "example.com", nameservers: servers)
        }
        #expect(busy.requests.count == 1)
        // The earlier change has set these very name servers: its operation, nothing sent.
        let done = ScriptedTransport([json("{\"Operations\":[]}"),
                                      json("{\"DomainName\":\"example.com\",\"Nameservers\":[{\"Name\":\"ns1.example.com\",\"GlueIps\":[\"192.0.2.1\"]}]}"),
                                      json("{\"Operations\":[{\"OperationId\":\"op-1\",\"DomainName\":\"example.com\",\"Type\":\"UPDATE_NAMESERVER\",\"Status\":\"SUCCESSFUL\",\"SubmittedDate\":\(now)}]}")])
        let id = try await Route53DomainsClient(endpoint: domains, credentials: StaticCredentials(), transport: done, options: fast)
            .updateDomainNameservers(domainName: "example.com", nameservers: servers)
        #expect(id == "op-1")
        #expect(!done.requests.contains { $0.headers.contains { $0.value.hasSuffix("UpdateDomainNameservers") } })
    }

    @Test func aReplacementIsJudgedByTheStateBeforeAndAfter() {
        let old = ResourceRecordSet(name: "a.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"])
        let new = ResourceRecordSet(name: "a.example.com.", type: "A", ttl: 60, values: ["192.0.2.9"])
        let other = ResourceRecordSet(name: "b.example.com.", type: "A", ttl: 60, values: ["192.0.2.5"])
        let batch = [Change(action: .delete, resourceRecordSet: old), Change(action: .create, resourceRecordSet: new),
                     Change(action: .create, resourceRecordSet: other)]
        #expect(BatchReadBack.decide(batch, found: [new, other]) == .applied)
        #expect(BatchReadBack.decide(batch, found: [old]) == .notApplied)
        guard case let .different(what) = BatchReadBack.decide(batch, found: [new]) else { Issue.record("half a batch is neither"); return }
        #expect(what.contains("b.example.com. A"))
        #expect(BatchReadBack.decide([Change(action: .delete, resourceRecordSet: old)], found: []) == .applied)
    }
}
