import Foundation

/// Reads Route 53 response documents into the model types and writes the request bodies, in the botocore model's
/// member order.
public enum Route53XMLCodec {
    // MARK: Reading

    /// The text of a required child, or `malformedResponse` naming what is missing.
    static func required(_ e: XMLElement, _ name: String) throws -> String {
        guard let t = e.text(name) else { throw Route53Error.malformedResponse("<\(e.name)> without <\(name)>") }
        return t
    }

    /// A required child element.
    static func requiredElement(_ e: XMLElement, _ name: String) throws -> XMLElement {
        guard let c = e.child(name) else { throw Route53Error.malformedResponse("<\(e.name)> without <\(name)>") }
        return c
    }

    static func int(_ e: XMLElement, _ name: String) throws -> Int? {
        guard let t = e.text(name) else { return nil }
        guard let v = Int(t.trimmingCharacters(in: .whitespaces)) else {
            throw Route53Error.malformedResponse("<\(name)> is not a number: \(t.prefix(40))")
        }
        return v
    }

    static func bool(_ e: XMLElement, _ name: String) -> Bool? { e.text(name).map { $0.trimmingCharacters(in: .whitespaces) == "true" } }

    /// `<DelegationSet>`: the ID bare (nil when absent or empty, as for a zone's own set).
    public static func delegationSet(_ e: XMLElement) -> DelegationSet {
        let id = e.text("Id").map(ResourceID.bare).flatMap { $0.isEmpty ? nil : $0 }
        return DelegationSet(id: id, callerReference: e.text("CallerReference"),
                             nameServers: e.child("NameServers")?.children("NameServer").map(\.text) ?? [])
    }

    /// `<HostedZone>`.
    public static func hostedZone(_ e: XMLElement) throws -> HostedZone {
        var config: HostedZoneConfig?
        if let c = e.child("Config") { config = HostedZoneConfig(comment: c.text("Comment"), privateZone: bool(c, "PrivateZone") ?? false) }
        return HostedZone(id: ResourceID.bare(try required(e, "Id")), name: try required(e, "Name"),
                          callerReference: e.text("CallerReference") ?? "", config: config,
                          resourceRecordSetCount: try int(e, "ResourceRecordSetCount"))
    }

    /// `<ChangeInfo>`.
    public static func changeInfo(_ e: XMLElement) throws -> ChangeInfo {
        let s = try required(e, "Status")
        guard let status = ChangeStatus(rawValue: s) else { throw Route53Error.malformedResponse("unknown change status \(s.prefix(20))") }
        return ChangeInfo(id: ResourceID.bare(try required(e, "Id")), status: status,
                          submittedAt: e.text("SubmittedAt") ?? "", comment: e.text("Comment"))
    }

    /// `<ResourceRecordSet>` with every routing member.
    public static func recordSet(_ e: XMLElement) throws -> ResourceRecordSet {
        var r = ResourceRecordSet(name: try required(e, "Name"), type: try required(e, "Type"), ttl: try int(e, "TTL"), values: [])
        r.resourceRecords = e.child("ResourceRecords").map { $0.children("ResourceRecord").map { ResourceRecord(value: $0.text("Value") ?? "") } }
        r.setIdentifier = e.text("SetIdentifier")
        r.weight = try int(e, "Weight")
        r.region = e.text("Region")
        if let g = e.child("GeoLocation") {
            r.geoLocation = GeoLocation(continentCode: g.text("ContinentCode"), countryCode: g.text("CountryCode"),
                                        subdivisionCode: g.text("SubdivisionCode"))
        }
        r.failover = e.text("Failover")
        r.multiValueAnswer = bool(e, "MultiValueAnswer")
        if let a = e.child("AliasTarget") {
            r.aliasTarget = AliasTarget(hostedZoneId: try required(a, "HostedZoneId"), dnsName: try required(a, "DNSName"),
                                        evaluateTargetHealth: bool(a, "EvaluateTargetHealth") ?? false)
        }
        r.healthCheckId = e.text("HealthCheckId")
        r.trafficPolicyInstanceId = e.text("TrafficPolicyInstanceId")
        if let c = e.child("CidrRoutingConfig") {
            r.cidrRoutingConfig = CidrRoutingConfig(collectionId: try required(c, "CollectionId"), locationName: try required(c, "LocationName"))
        }
        if let g = e.child("GeoProximityLocation") {
            let point = try g.child("Coordinates").map { Coordinates(latitude: try required($0, "Latitude"), longitude: try required($0, "Longitude")) }
            r.geoProximityLocation = GeoProximityLocation(awsRegion: g.text("AWSRegion"), localZoneGroup: g.text("LocalZoneGroup"),
                                                          coordinates: point, bias: try int(g, "Bias"))
        }
        return r
    }

    /// `<Tags>`: each `<Tag><Key>` with its optional `<Value>`.
    public static func tags(_ e: XMLElement?) -> [ResourceTag] {
        (e?.children("Tag") ?? []).compactMap { t in t.text("Key").map { ResourceTag(key: $0, value: t.text("Value")) } }
    }

    /// `<TrafficPolicyInstance>`.
    public static func trafficPolicyInstance(_ e: XMLElement) throws -> TrafficPolicyInstance {
        TrafficPolicyInstance(id: try required(e, "Id"), hostedZoneId: ResourceID.bare(try required(e, "HostedZoneId")),
                              name: try required(e, "Name"), ttl: try int(e, "TTL") ?? 0, state: e.text("State") ?? "",
                              trafficPolicyId: try required(e, "TrafficPolicyId"), trafficPolicyVersion: try int(e, "TrafficPolicyVersion") ?? 1,
                              trafficPolicyType: e.text("TrafficPolicyType") ?? "")
    }

    /// GetAccountLimit / GetReusableDelegationSetLimit: `<Limit><Value>` and `<Count>`.
    public static func limitUsage(_ e: XMLElement) throws -> LimitUsage {
        let limit = try requiredElement(e, "Limit")
        guard let count = try int(e, "Count"), let value = try int(limit, "Value") else {
            throw Route53Error.malformedResponse("<\(e.name)> without <Count> or <Limit><Value>")
        }
        return LimitUsage(count: count, limit: value)
    }

    /// Decodes an error answer (`ErrorResponse`, `InvalidChangeBatch`, and moto's `Errors` wrapper) into
    /// `Route53Error.service`; anything that is not such a document becomes `malformedResponse` naming the status.
    public static func error(from response: HTTPResponse) -> Route53Error {
        let headerId = response.headers["x-amzn-requestid"]
        guard let root = try? XMLParser.parse(response.body) else {
            return .malformedResponse("HTTP \(response.status) with a body that is not XML: \(XMLParser.excerpt(response.body))")
        }
        func id() -> String? { root.text("RequestId") ?? headerId }
        switch root.name {
        case "ErrorResponse", "Error":
            guard let err = root.name == "Error" ? root : (root.child("Error") ?? root.element(at: "Errors", "Error")),
                  let code = err.text("Code") else { break }
            let message = err.text("Message") ?? err.text("message") ?? ""
            return .service(code: code, message: message, status: response.status, requestId: id())
        case "InvalidChangeBatch":
            var messages = root.child("Messages")?.children("Message").map(\.text) ?? []
            if messages.isEmpty, let m = root.text("Message") { messages = [m] }
            return .service(code: "InvalidChangeBatch", message: messages.joined(separator: "; "),
                            status: response.status, requestId: id())
        default: break
        }
        return .malformedResponse("HTTP \(response.status) with an unexpected <\(root.name)> document: \(XMLParser.excerpt(response.body))")
    }

    // MARK: Writing

    /// `<ResourceRecordSet>` members in model order, optional ones left out.
    public static func recordSetNode(_ r: ResourceRecordSet) -> XMLNode {
        var c: [XMLNode?] = [.leaf("Name", r.name), .leaf("Type", r.type), .optional("SetIdentifier", r.setIdentifier),
                             .optional("Weight", r.weight.map(String.init)), .optional("Region", r.region)]
        if let g = r.geoLocation {
            c.append(.element("GeoLocation", [.optional("ContinentCode", g.continentCode), .optional("CountryCode", g.countryCode),
                                              .optional("SubdivisionCode", g.subdivisionCode)].compactMap { $0 }))
        }
        c.append(.optional("Failover", r.failover))
        c.append(.optional("MultiValueAnswer", r.multiValueAnswer.map { $0 ? "true" : "false" }))
        c.append(.optional("TTL", r.ttl.map(String.init)))
        if let rr = r.resourceRecords, !rr.isEmpty {
            c.append(.element("ResourceRecords", rr.map { .element("ResourceRecord", [.leaf("Value", $0.value)]) }))
        }
        if let a = r.aliasTarget {
            c.append(.element("AliasTarget", [.leaf("HostedZoneId", a.hostedZoneId), .leaf("DNSName", a.dnsName),
                                              .leaf("EvaluateTargetHealth", a.evaluateTargetHealth ? "true" : "false")]))
        }
        c.append(.optional("HealthCheckId", r.healthCheckId))
        c.append(.optional("TrafficPolicyInstanceId", r.trafficPolicyInstanceId))
        if let cidr = r.cidrRoutingConfig {
            c.append(.element("CidrRoutingConfig", [.leaf("CollectionId", cidr.collectionId), .leaf("LocationName", cidr.locationName)]))
        }
        if let g = r.geoProximityLocation {
            c.append(.element("GeoProximityLocation", [
                .optional("AWSRegion", g.awsRegion), .optional("LocalZoneGroup", g.localZoneGroup),
                g.coordinates.map { .element("Coordinates", [.leaf("Latitude", $0.latitude), .leaf("Longitude", $0.longitude)]) },
                .optional("Bias", g.bias.map(String.init)),
            ].compactMap { $0 }))
        }
        return .element("ResourceRecordSet", c.compactMap { $0 })
    }

    /// The ChangeResourceRecordSets request body.
    public static func changeBatchDocument(_ changes: [Change], comment: String?) -> Data {
        let list = changes.map { XMLNode.element("Change", [.leaf("Action", $0.action.rawValue), recordSetNode($0.resourceRecordSet)]) }
        return XMLWriter.document(root: "ChangeResourceRecordSetsRequest", [
            .element("ChangeBatch", [.optional("Comment", comment), .element("Changes", list)].compactMap { $0 }),
        ])
    }

    /// The CreateHostedZone request body.
    public static func createHostedZoneDocument(name: String, callerReference: String, delegationSetId: String?, comment: String?) -> Data {
        XMLWriter.document(root: "CreateHostedZoneRequest", [
            .leaf("Name", name), .leaf("CallerReference", callerReference),
            comment.map { .element("HostedZoneConfig", [.leaf("Comment", $0)]) },
            .optional("DelegationSetId", delegationSetId.map(ResourceID.bare)),
        ])
    }

    /// The ChangeTagsForResource request body that adds `tags`.
    public static func addTagsDocument(_ tags: [ResourceTag]) -> Data {
        XMLWriter.document(root: "ChangeTagsForResourceRequest", [
            .element("AddTags", tags.map { .element("Tag", [.leaf("Key", $0.key), .optional("Value", $0.value)].compactMap { $0 }) }),
        ])
    }

    /// The ListTagsForResources request body (hosted zone ids, at most 10).
    public static func listTagsDocument(_ ids: [String]) -> Data {
        XMLWriter.document(root: "ListTagsForResourcesRequest", [.element("ResourceIds", ids.map { .leaf("ResourceId", ResourceID.bare($0)) })])
    }

    /// The CreateReusableDelegationSet request body.
    public static func createDelegationSetDocument(callerReference: String, hostedZoneId: String?) -> Data {
        XMLWriter.document(root: "CreateReusableDelegationSetRequest", [
            .leaf("CallerReference", callerReference), .optional("HostedZoneId", hostedZoneId.map(ResourceID.bare)),
        ])
    }
}
