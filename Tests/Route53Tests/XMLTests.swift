import Testing
import Foundation
@testable import Route53

@Suite struct XMLTests {
    @Test func parsesATreeWithTextHelpersAndEntities() throws {
        let doc = try XMLParser.parse(Data("""
        <?xml version="1.0"?>
        <GetHostedZoneResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
          <HostedZone><Id>/hostedzone/Z1</Id><Name>example.com.</Name><Config><Comment>a &amp; b &lt;c&gt;</Comment></Config></HostedZone>
          <DelegationSet><NameServers><NameServer>ns-1.awsdns-01.com</NameServer><NameServer>ns-2.awsdns-02.net</NameServer></NameServers></DelegationSet>
          <X attr="v&amp;w"><![CDATA[raw <text>]]></X>
        </GetHostedZoneResponse>
        """.utf8))
        #expect(doc.name == "GetHostedZoneResponse")
        #expect(doc.element(at: "HostedZone", "Config")?.text("Comment") == "a & b <c>")
        #expect(doc.child("DelegationSet")?.child("NameServers")?.children("NameServer").map(\.text) == ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net"])
        #expect(doc.child("X")?.attributes["attr"] == "v&w")
        #expect(doc.child("X")?.text == "raw <text>")
        #expect(doc.text("Missing") == nil)
    }

    @Test func htmlTruncatedAndEmptyBodiesAreMalformedWithAnExcerpt() {
        for (body, excerpt) in [("<!doctype html>\n<html><body><p>Bad gateway", "<!doctype html>"),
                                ("<?xml version=\"1.0\"?><ListHostedZonesResponse><HostedZones><HostedZone><Id>", "<ListHostedZonesResponse>")] {
            #expect { try XMLParser.parse(Data(body.utf8)) } throws: { error in
                guard case let .malformedResponse(m)? = error as? Route53Error else { return false }
                return m.contains(excerpt) && !m.contains("\n")
            }
        }
        #expect(throws: Route53Error.self) { try XMLParser.parse(Data()) }
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        let xxe = """
        <?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r><v>&e;</v></r>
        """
        let doc = try? XMLParser.parse(Data(xxe.utf8))
        let v = doc?.text("v") ?? ""
        #expect(!v.contains("root:"), "\(v.prefix(60))")
    }

    static let fullRecord: ResourceRecordSet = {
        var r = ResourceRecordSet(name: "w.example.com.", type: "TXT", ttl: 300, values: ["\"v=spf1 <&> 'x'\"", "\"two\tfields\""])
        r.setIdentifier = "blue & green"; r.weight = 10; r.region = "eu-west-1"
        r.geoLocation = GeoLocation(continentCode: "EU", countryCode: nil, subdivisionCode: nil)
        r.failover = "PRIMARY"; r.multiValueAnswer = false
        r.healthCheckId = "hc-1"; r.trafficPolicyInstanceId = "tp-1"
        r.cidrRoutingConfig = CidrRoutingConfig(collectionId: "c8c02a84-aaaa-4e16-8b4e-0123456789ab", locationName: "office")
        r.geoProximityLocation = GeoProximityLocation(coordinates: Coordinates(latitude: "49.22", longitude: "-74.01"), bias: -20)
        return r
    }()

    @Test func changeBatchMembersAreInModelOrderAndEscaped() throws {
        var alias = ResourceRecordSet(name: "a.example.com.", type: "A", ttl: nil, values: [])
        alias.resourceRecords = nil
        alias.aliasTarget = AliasTarget(hostedZoneId: "Z2FDTNDATAQYW2", dnsName: "d1.cloudfront.net.", evaluateTargetHealth: true)
        let data = Route53XMLCodec.changeBatchDocument([Change(action: .upsert, resourceRecordSet: Self.fullRecord),
                                                        Change(action: .delete, resourceRecordSet: alias)], comment: "copy <zone>")
        let s = String(decoding: data, as: UTF8.self)
        #expect(s.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Comment>copy &lt;zone&gt;</Comment><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>w.example.com.</Name>"))
        let order = ["<Name>", "<Type>", "<SetIdentifier>", "<Weight>", "<Region>", "<GeoLocation>", "<Failover>",
                     "<MultiValueAnswer>", "<TTL>", "<ResourceRecords>", "<HealthCheckId>", "<TrafficPolicyInstanceId>",
                     "<CidrRoutingConfig><CollectionId>", "<LocationName>", "<GeoProximityLocation><Coordinates><Latitude>", "<Longitude>", "<Bias>"]
        let positions = order.map { s.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(s.contains("<SetIdentifier>blue &amp; green</SetIdentifier>"))
        #expect(s.contains("<Value>&quot;v=spf1 &lt;&amp;&gt; &apos;x&apos;&quot;</Value>"))
        #expect(s.contains("<AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d1.cloudfront.net.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget>"))
        #expect(!s.contains("<CountryCode>"), "absent optional members are left out")
        // What is written reads back identically (nothing lost when a zone is copied).
        let doc = try XMLParser.parse(data)
        let sets = try doc.element(at: "ChangeBatch", "Changes")!.children("Change").map { try Route53XMLCodec.recordSet($0.child("ResourceRecordSet")!) }
        #expect(sets == [Self.fullRecord, alias])
    }

    @Test func createBodiesFollowTheModel() {
        let zone = String(decoding: Route53XMLCodec.createHostedZoneDocument(name: "example.com", callerReference: "ref-1",
                                                                              delegationSetId: "/delegationset/N1", comment: "c"), as: UTF8.self)
        #expect(zone.contains("<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Name>example.com</Name><CallerReference>ref-1</CallerReference><HostedZoneConfig><Comment>c</Comment></HostedZoneConfig><DelegationSetId>N1</DelegationSetId></CreateHostedZoneRequest>"))
        let set = String(decoding: Route53XMLCodec.createDelegationSetDocument(callerReference: "r", hostedZoneId: nil), as: UTF8.self)
        #expect(set.hasSuffix("<CreateReusableDelegationSetRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><CallerReference>r</CallerReference></CreateReusableDelegationSetRequest>"))
    }

    func response(_ status: Int, _ body: String, headers: [String: String] = ["x-amzn-requestid": "hdr-id"]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func errorDocumentsOfBothShapesAndMotosVariantsDecode() {
        let aws = Route53XMLCodec.error(from: response(400, """
        <?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>NoSuchDelegationSet</Code><Message>A reusable delegation set with the specified ID does not exist.</Message></Error><RequestId>abc-123</RequestId></ErrorResponse>
        """))
        #expect(aws == .service(code: "NoSuchDelegationSet", message: "A reusable delegation set with the specified ID does not exist.", status: 400, requestId: "abc-123"))
        let batch = Route53XMLCodec.error(from: response(400, """
        <?xml version="1.0"?><InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages><Message>Tried to create resource record set [name='a.example.com.', type='A'] but it already exists</Message><Message>RRSet of type CNAME with DNS name b.example.com. is not permitted at apex</Message></Messages><RequestId>r-2</RequestId></InvalidChangeBatch>
        """))
        #expect(batch == .service(code: "InvalidChangeBatch", message: "Tried to create resource record set [name='a.example.com.', type='A'] but it already exists; RRSet of type CNAME with DNS name b.example.com. is not permitted at apex", status: 400, requestId: "r-2"))
        // moto 5.2.1: lowercase <message> beside <Message>; moto's older wrapper <Errors><Error>; request id only in a header.
        let moto = Route53XMLCodec.error(from: response(404, "<ErrorResponse><Errors><Error><Code>NoSuchHostedZone</Code><message>No hosted zone found with ID: Z9</message></Error></Errors></ErrorResponse>"))
        #expect(moto == .service(code: "NoSuchHostedZone", message: "No hosted zone found with ID: Z9", status: 404, requestId: "hdr-id"))
        let throttled = Route53XMLCodec.error(from: response(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"))
        #expect(throttled.code == "Throttling" && RetryPolicy.isRetryable(throttled))
        let html = Route53XMLCodec.error(from: response(502, "<html><head><title>502 Bad Gateway</title></head><body>proxy</body>"))
        guard case let .malformedResponse(m) = html else { Issue.record("expected malformedResponse, got \(html)"); return }
        #expect(m.hasPrefix("HTTP 502") && m.contains("<html><head><title>502 Bad Gateway"))
    }
}
