import Testing
import Foundation
@testable import Route53
import TestSupport

let testOptions = ClientOptions(maxAttempts: 3, limits: .route53.scaled(by: 50), timeoutSeconds: 10,
                                baseDelaySeconds: 0.01, maxDelaySeconds: 0.05)

func motoEndpoint(_ moto: MotoServer, service: String = "route53") -> ServiceEndpoint {
    ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: moto.port, region: "us-east-1", signingService: service)
}

/// Against one moto server for the suite; each test uses its own names and caller references.
@Suite(.serialized, SharedMoto()) struct ClientTests {
    let moto: MotoServer
    let client: Route53Client
    init() throws {
        moto = try SharedMoto.server
        client = Route53Client(endpoint: motoEndpoint(moto), credentials: StaticCredentials(), options: testOptions)
    }

    @Test func delegationSetsCreateGetListDelete() async throws {
        let created = try await client.createReusableDelegationSet(callerReference: "sets-1", hostedZoneId: nil)
        let id = try #require(created.delegationSet.id)
        #expect(created.delegationSet.nameServers.count == 4)
        #expect(try await client.getReusableDelegationSet(id: "/delegationset/" + id).nameServers == created.delegationSet.nameServers)
        #expect(try await client.listReusableDelegationSets().contains { $0.id == id && $0.callerReference == "sets-1" })
        let boto = try moto.boto3("print(json.dumps([ResourceID.split('/')[-1] for ResourceID in [d['Id'] for d in r53.list_reusable_delegation_sets()['DelegationSets']]]))")
        #expect(boto.contains(id))
        try await client.deleteReusableDelegationSet(id: id)
        await #expect { _ = try await client.getReusableDelegationSet(id: id) } throws: { error in
            guard case let .service(code, message, status, _)? = error as? Route53Error else { return false }
            return code == "NoSuchDelegationSet" && message.contains(id) && status == 400
        }
    }

    @Test func idempotentCreatesReturnTheSameObjectWithoutADuplicate() async throws {
        let a = try await client.createReusableDelegationSet(callerReference: "idem-set", hostedZoneId: nil)
        let b = try await client.createReusableDelegationSet(callerReference: "idem-set", hostedZoneId: nil)
        #expect(a.delegationSet.id == b.delegationSet.id)
        let sets = try moto.boto3("print(sum(1 for d in r53.list_reusable_delegation_sets()['DelegationSets'] if d['CallerReference'] == 'idem-set'))")
        #expect(sets.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let z1 = try await client.createHostedZone(name: "idem.example", callerReference: "idem-zone", delegationSetId: a.delegationSet.id, comment: "first")
        let z2 = try await client.createHostedZone(name: "idem.example.", callerReference: "idem-zone", delegationSetId: a.delegationSet.id, comment: "first")
        #expect(z1.hostedZone.id == z2.hostedZone.id)
        #expect(z2.delegationSet.id == a.delegationSet.id)
        let zones = try moto.boto3("print(sum(1 for z in r53.list_hosted_zones()['HostedZones'] if z['CallerReference'] == 'idem-zone'))")
        #expect(zones.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func zonesInASetAndMoreThanOnePageOfZones() async throws {
        let set = try await client.createReusableDelegationSet(callerReference: "pages-set", hostedZoneId: nil)
        let setId = try #require(set.delegationSet.id)
        let zone = try await client.createHostedZone(name: "inset.example", callerReference: "inset", delegationSetId: setId, comment: "a & b")
        #expect(zone.hostedZone.name == "inset.example.")
        #expect(zone.hostedZone.config?.comment == "a & b")
        let detail = try await client.getHostedZone(id: "/hostedzone/" + zone.hostedZone.id)
        #expect(detail.delegationSet?.id == setId)
        #expect(detail.delegationSet?.nameServers == set.delegationSet.nameServers)
        try moto.boto3("""
        for i in range(120):
            r53.create_hosted_zone(Name=f'bulk{i}.example', CallerReference=f'bulk-{i}', DelegationSetId='\(setId)')
        """)
        let botoAll = try moto.boto3("""
        ids = []
        for page in r53.get_paginator('list_hosted_zones').paginate(): ids += [z['Id'].split('/')[-1] for z in page['HostedZones']]
        print(json.dumps(ids))
        """)
        let botoInSet = try moto.boto3("""
        ids = []
        for page in r53.get_paginator('list_hosted_zones').paginate(DelegationSetId='\(setId)'): ids += [z['Id'].split('/')[-1] for z in page['HostedZones']]
        print(json.dumps(ids))
        """)
        let events = RequestEventHub()
        let counted = Route53Client(endpoint: motoEndpoint(moto), credentials: StaticCredentials(), events: events, options: testOptions)
        let stream = events.stream()
        let start = Date()
        let all = try await counted.listHostedZones()
        let elapsed = Date().timeIntervalSince(start)
        let inSet = try await counted.listHostedZones(delegationSetId: "/delegationset/" + setId)
        events.finish()
        var pages: [RequestEvent] = []
        for await e in stream where e.operation == "ListHostedZones" { pages.append(e) }
        let expectAll = try JSONDecoder().decode([String].self, from: Data(botoAll.utf8))
        let expectInSet = try JSONDecoder().decode([String].self, from: Data(botoInSet.utf8))
        #expect(all.count >= 121 && all.map(\.id) == expectAll)
        #expect(inSet.map(\.id) == expectInSet)
        #expect(pages.count >= 4, "two pages each listing")
        #expect(pages.contains { $0.path.contains("delegationsetid=\(setId)") })
        print("listing \(all.count) zones took \(Int(elapsed * 1000)) ms in \(pages.count / 2) pages")
    }

    @Test func recordSetPagesAndAChangeBatchCheckedWithBoto3() async throws {
        let zone = try await client.createHostedZone(name: "records.example", callerReference: "records", delegationSetId: nil, comment: nil)
        let zid = zone.hostedZone.id
        try moto.boto3("""
        changes = [{'Action': 'CREATE', 'ResourceRecordSet': {'Name': f'h{i:03d}.records.example.', 'Type': 'A', 'TTL': 60, 'ResourceRecords': [{'Value': f'192.0.2.{i % 250 + 1}'}]}} for i in range(320)]
        r53.change_resource_record_sets(HostedZoneId='\(zid)', ChangeBatch={'Changes': changes})
        """)
        let sets = try await client.listResourceRecordSets(zoneId: zid)
        let botoCount = try moto.boto3("""
        n = 0
        for page in r53.get_paginator('list_resource_record_sets').paginate(HostedZoneId='\(zid)'): n += len(page['ResourceRecordSets'])
        print(n)
        """)
        #expect(sets.count == Int(botoCount.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(sets.count >= 322, "320 records plus SOA and NS: more than one page of 300")

        var weighted = ResourceRecordSet(name: "w.records.example.", type: "TXT", ttl: 120, values: ["\"a & <b>\""])
        weighted.setIdentifier = "blue"; weighted.weight = 7
        var geo = ResourceRecordSet(name: "g.records.example.", type: "A", ttl: 60, values: ["192.0.2.9"])
        geo.setIdentifier = "europe"; geo.geoLocation = GeoLocation(continentCode: "EU")
        let info = try await client.changeResourceRecordSets(zoneId: "/hostedzone/" + zid, changes: [
            Change(action: .create, resourceRecordSet: weighted),
            Change(action: .create, resourceRecordSet: geo),
            Change(action: .upsert, resourceRecordSet: ResourceRecordSet(name: "h000.records.example.", type: "A", ttl: 300, values: ["198.51.100.1", "198.51.100.2"])),
            Change(action: .delete, resourceRecordSet: ResourceRecordSet(name: "h001.records.example.", type: "A", ttl: 60, values: ["192.0.2.2"])),
        ], comment: "vanityns test")
        #expect(!info.id.contains("/"))
        // Route 53 (and the stand-in) answers PENDING first; GetChange says INSYNC once the change is everywhere.
        #expect(info.status == .pending)
        #expect(try await client.getChange(id: "/change/" + info.id).id == info.id)
        let change = try await client.waitUntilInSync(changeId: "/change/" + info.id, interval: 0.1, timeout: 10)
        #expect(change.status == .insync)
        let check = try moto.boto3("""
        rr = {}
        for page in r53.get_paginator('list_resource_record_sets').paginate(HostedZoneId='\(zid)'):
            for r in page['ResourceRecordSets']: rr[r['Name'] + '/' + r.get('SetIdentifier', '')] = r
        w = rr['w.records.example./blue']; g = rr['g.records.example./europe']; h = rr['h000.records.example./']
        print(json.dumps([w['Weight'], w['ResourceRecords'][0]['Value'], g['GeoLocation'], sorted(x['Value'] for x in h['ResourceRecords']), h['TTL'], 'h001.records.example./' in rr]))
        """)
        #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == #"[7, "\"a & <b>\"", {"ContinentCode": "EU"}, ["198.51.100.1", "198.51.100.2"], 300, false]"#)
        // Read back through the client: every routing member survives.
        let mine = try await client.listResourceRecordSets(zoneId: zid)
        #expect(mine.contains(weighted))
        #expect(mine.contains(geo))
        #expect(try await client.getDNSSEC(zoneId: zid).serveSignature == "NOT_SIGNING")
        // A CREATE of an existing record is refused with moto's InvalidChangeBatch.
        await #expect { _ = try await client.changeResourceRecordSets(zoneId: zid, changes: [Change(action: .create, resourceRecordSet: weighted)], comment: nil) } throws: { error in
            (error as? Route53Error)?.code == "InvalidChangeBatch"
        }
        let deleted = try await client.deleteHostedZone(id: try await client.createHostedZone(name: "gone.example", callerReference: "gone", delegationSetId: nil, comment: nil).hostedZone.id)
        #expect(try await client.waitUntilInSync(changeId: deleted.id, interval: 0.1, timeout: 10).status == .insync)
    }

    @Test func deletingASetInUseIsRefusedOrAcceptedByMoto() async throws {
        let set = try await client.createReusableDelegationSet(callerReference: "inuse", hostedZoneId: nil)
        _ = try await client.createHostedZone(name: "inuse.example", callerReference: "inuse-zone", delegationSetId: set.delegationSet.id, comment: nil)
        do {
            try await client.deleteReusableDelegationSet(id: set.delegationSet.id!)
            // moto 5.2.1 deletes it anyway; the real service answers DelegationSetInUse.
        } catch let e as Route53Error {
            #expect(e.code == "DelegationSetInUse")
        }
    }

    @Test func unsupportedOperationsOnMotoAreMalformedNotCrashes() async throws {
        // moto 5.2.1 has no GetAccountLimit: it answers an HTML 404 page, which must become a readable error.
        await #expect { _ = try await client.getAccountLimit(.reusableDelegationSetsByOwner) } throws: { error in
            guard case let .malformedResponse(m)? = error as? Route53Error else { return false }
            return m.hasPrefix("HTTP 404") && m.contains("<!doctype html>")
        }
    }
}

/// Recorded answers of the real service (and broken proxies) from a loopback stub server.
@Suite struct ClientStubTests {
    func client(_ server: StubServer, events: RequestEventHub? = nil, options: ClientOptions = testOptions) -> Route53Client {
        Route53Client(endpoint: server.endpoint(), credentials: StaticCredentials(), events: events, options: options)
    }

    @Test func throttlingTwiceThenSuccessIsThreeAttemptsInTheEvents() async throws {
        let throttle = (400, ["Content-Type": "text/xml", "x-amzn-RequestId": "t-1"], "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t-1</RequestId></ErrorResponse>")
        let ok = (200, ["Content-Type": "text/xml", "x-amzn-RequestId": "ok-3"], "<?xml version=\"1.0\"?><GetChangeResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeInfo><Id>/change/C123</Id><Status>PENDING</Status><SubmittedAt>2024-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo></GetChangeResponse>")
        let server = try StubServer(script: ["/2013-04-01/change/C123": [throttle, throttle, ok]])
        defer { server.stop() }
        let hub = RequestEventHub()
        let stream = hub.stream()
        let info = try await client(server, events: hub).getChange(id: "/change/C123")
        #expect(info == ChangeInfo(id: "C123", status: .pending, submittedAt: "2024-01-01T00:00:00.000Z"))
        hub.finish()
        var events: [RequestEvent] = []
        for await e in stream { events.append(e) }
        #expect(events.map(\.attempt) == [1, 2, 3])
        #expect(events.map(\.status) == [400, 400, 200])
        #expect(events.map(\.willRetry) == [true, true, false])
        #expect(events.map(\.errorCode) == ["Throttling", "Throttling", nil])
        #expect(events[0].requestId == "t-1" && events[2].requestId == "ok-3")
        #expect(events.allSatisfy { $0.operation == "GetChange" && $0.method == "GET" && $0.path == "/2013-04-01/change/C123" })
        let dump = events.map { String(describing: $0) }.joined()
        #expect(!dump.contains(StaticCredentials.secret) && !dump.contains("Signature="))
        // Every attempt was signed afresh.
        let seen = try await server.requests().filter { ($0["path"] as? String) == "/2013-04-01/change/C123" }
        #expect(seen.count == 3 && seen.allSatisfy { (($0["headers"] as? [String: String])?["Authorization"] ?? "").contains("/us-east-1/route53/aws4_request") })
    }

    @Test func htmlAndTruncatedAnswersAreMalformedNamingTheStatus() async throws {
        let server = try StubServer(script: [
            "/2013-04-01/hostedzone/ZHTML": [(200, ["Content-Type": "text/html"], "<!DOCTYPE html><html><body>Captive portal login</body></html>")],
            "/2013-04-01/hostedzone/ZCUT": [(200, [:], "<?xml version=\"1.0\"?><GetHostedZoneResponse><HostedZone><Id>/hostedzone/ZCUT</Id><Na")],
            "/2013-04-01/hostedzone/Z503": [(503, [:], "<html><body>Service Unavailable</body></html>")],
        ])
        defer { server.stop() }
        let c = client(server)
        for (id, status, excerpt) in [("ZHTML", "HTTP 200", "<!DOCTYPE html>"), ("ZCUT", "HTTP 200", "<GetHostedZoneResponse>"), ("Z503", "HTTP 503", "Service Unavailable")] {
            await #expect { _ = try await c.getHostedZone(id: id) } throws: { error in
                guard case let .malformedResponse(m)? = error as? Route53Error else { return false }
                return m.hasPrefix(status) && m.contains(excerpt)
            }
        }
        let seen = try await server.requests().map { $0["path"] as? String ?? "" }
        #expect(seen.filter { $0.hasSuffix("ZHTML") }.count == 1, "a 200 that is not XML is not retried")
        #expect(seen.filter { $0.hasSuffix("Z503") }.count == 3, "a 503 is retried up to maxAttempts")
    }

    @Test func limitsInvalidNamesAndChangeBatchErrorsFromRecordedDocuments() async throws {
        let server = try StubServer(script: [
            "/2013-04-01/accountlimit/MAX_REUSABLE_DELEGATION_SETS_BY_OWNER": [(200, [:], "<?xml version=\"1.0\"?><GetAccountLimitResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Limit><Type>MAX_REUSABLE_DELEGATION_SETS_BY_OWNER</Type><Value>100</Value></Limit><Count>3</Count></GetAccountLimitResponse>")],
            "/2013-04-01/reusabledelegationsetlimit/N1/MAX_ZONES_BY_REUSABLE_DELEGATION_SET": [(200, [:], "<?xml version=\"1.0\"?><GetReusableDelegationSetLimitResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Limit><Type>MAX_ZONES_BY_REUSABLE_DELEGATION_SET</Type><Value>100</Value></Limit><Count>42</Count></GetReusableDelegationSetLimitResponse>")],
            "/2013-04-01/hostedzonesbyname": [(200, [:], "<?xml version=\"1.0\"?><ListHostedZonesByNameResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><HostedZones/><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesByNameResponse>")],
            "/2013-04-01/hostedzone": [(400, [:], "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>InvalidDomainName</Code><Message>exa mple.com is not a valid domain name.</Message></Error><RequestId>bad-name-1</RequestId></ErrorResponse>")],
            "/2013-04-01/hostedzone/Z1/rrset/": [(400, [:], "<?xml version=\"1.0\"?><InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages><Message>Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found</Message><Message>RRSet with DNS name b.example.com. is not permitted in zone example.com.</Message></Messages><RequestId>icb-1</RequestId></InvalidChangeBatch>")],
        ])
        defer { server.stop() }
        let c = client(server)
        #expect(try await c.getAccountLimit(.reusableDelegationSetsByOwner) == LimitUsage(count: 3, limit: 100))
        #expect(try await c.getReusableDelegationSetLimit(id: "/delegationset/N1") == LimitUsage(count: 42, limit: 100))
        await #expect(throws: Route53Error.service(code: "InvalidDomainName", message: "exa mple.com is not a valid domain name.", status: 400, requestId: "bad-name-1")) {
            _ = try await c.createHostedZone(name: "exa mple.com", callerReference: "x", delegationSetId: nil, comment: nil)
        }
        await #expect(throws: Route53Error.service(code: "InvalidChangeBatch", message: "Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found; RRSet with DNS name b.example.com. is not permitted in zone example.com.", status: 400, requestId: "icb-1")) {
            _ = try await c.changeResourceRecordSets(zoneId: "Z1", changes: [Change(action: .delete, resourceRecordSet: ResourceRecordSet(name: "a.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"]))], comment: nil)
        }
    }

    @Test func aRefusedPortIsATransportErrorAfterTheRetries() async throws {
        let port = LocalServices.freePort()
        let hub = RequestEventHub()
        let stream = hub.stream()
        let c = Route53Client(endpoint: ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: port, region: "us-east-1", signingService: "route53"),
                              credentials: StaticCredentials(), events: hub, options: testOptions)
        await #expect { _ = try await c.listHostedZones() } throws: { error in
            guard case let .transport(m)? = error as? Route53Error else { return false }
            return m.contains("connection refused to http://127.0.0.1:\(port)")
        }
        hub.finish()
        var events: [RequestEvent] = []
        for await e in stream { events.append(e) }
        #expect(events.count == 3 && events.allSatisfy { $0.status == nil && $0.errorCode == "Transport" })
    }
}
