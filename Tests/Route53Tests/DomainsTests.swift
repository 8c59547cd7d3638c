import Testing
import Foundation
@testable import Route53
import TestSupport

/// Route 53 Domains against moto (which supports RegisterDomain, GetDomainDetail, UpdateDomainNameservers and
/// GetOperationDetail) plus the JSON error decoder.
@Suite(.serialized, SharedMoto()) struct DomainsTests {
    let moto: MotoServer
    let client: Route53DomainsClient
    let events = RequestEventHub()
    init() throws {
        moto = try SharedMoto.server
        client = Route53DomainsClient(endpoint: motoEndpoint(moto, service: "route53domains"), credentials: StaticCredentials(),
                                      events: events, options: testOptions)
        try moto.boto3("""
        c = {'FirstName': 'Ada', 'LastName': 'Lovelace', 'ContactType': 'PERSON', 'AddressLine1': '1 Street', 'City': 'London',
             'CountryCode': 'GB', 'ZipCode': 'N1', 'PhoneNumber': '+44.2000000000', 'Email': 'ada@example.com'}
        try:
            domains.register_domain(DomainName='vanity-test.com', DurationInYears=2, AdminContact=c, RegistrantContact=c, TechContact=c)
        except domains.exceptions.DuplicateRequest:
            pass
        """)
    }

    @Test func updateNameserversWithGlueAndFollowTheOperation() async throws {
        let before = try await client.getDomainDetail(domainName: "vanity-test.com")
        #expect(before.domainName == "vanity-test.com")
        let servers = (1...4).map { DomainNameserver(name: "ns\($0).vanity-test.com", glueIps: ["192.0.2.\($0)", "2001:db8::\($0)"]) }
        let stream = events.stream()
        let opId = try await client.updateDomainNameservers(domainName: "vanity-test.com", nameservers: servers)
        #expect(!opId.isEmpty)
        let op = try await client.getOperationDetail(operationId: opId)
        #expect(op.operationId == opId && op.status.isFinal)
        let after = try await client.getDomainDetail(domainName: "vanity-test.com")
        #expect(after.nameservers.map(\.name) == servers.map(\.name))
        let boto = try moto.boto3("print(json.dumps([(n['Name'], n.get('GlueIps', [])) for n in domains.get_domain_detail(DomainName='vanity-test.com')['Nameservers']]))")
        #expect(boto.contains("[\"ns1.vanity-test.com\", [\"192.0.2.1\", \"2001:db8::1\"]]"))
        events.finish()
        var seen: [RequestEvent] = []
        for await e in stream { seen.append(e) }
        // Before the update: no earlier change in progress (ListOperations), and the domain not already set so.
        #expect(seen.map(\.operation) == ["ListOperations", "GetDomainDetail", "UpdateDomainNameservers", "GetOperationDetail", "GetDomainDetail"])
        #expect(seen.allSatisfy { $0.method == "POST" && $0.path == "/" && $0.status == 200 })
    }

    @Test func anUnknownDomainIsAServiceError() async throws {
        await #expect { _ = try await client.getDomainDetail(domainName: "not-registered.com") } throws: { error in
            guard case let .service(code, message, status, _)? = error as? Route53Error else { return false }
            return !code.isEmpty && !code.contains("#") && !message.isEmpty && status == 400
        }
    }

    @Test func jsonErrorsDecode() {
        let r = HTTPResponse(status: 400, headers: ["x-amzn-requestid": "j-1"],
                             body: Data(#"{"__type":"com.amazonaws.route53domains#InvalidInput","message":"Errors: [Domain not found]"}"#.utf8))
        #expect(Route53DomainsClient.error(from: r) == .service(code: "InvalidInput", message: "Errors: [Domain not found]", status: 400, requestId: "j-1"))
        let html = Route53DomainsClient.error(from: HTTPResponse(status: 502, headers: [:], body: Data("<html>bad gateway</html>".utf8)))
        guard case let .malformedResponse(m) = html else { Issue.record("\(html)"); return }
        #expect(m.hasPrefix("HTTP 502") && m.contains("bad gateway"))
    }
}
