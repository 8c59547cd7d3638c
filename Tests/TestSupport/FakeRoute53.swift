import Foundation
import Route53

/// An in-memory Route 53 behaving like the real service where vanityns depends on it: bare IDs, CallerReference
/// idempotency, ConflictingDomainExists, atomic change batches (CREATE fails when the record exists, DELETE must match
/// exactly, UPSERT replaces), InvalidChangeBatch errors, PENDING then INSYNC changes. Faults can be injected.
public final class FakeRoute53: Route53API, @unchecked Sendable {
    struct Zone {
        var zone: HostedZone
        var setId: String?
        var nameServers: [String]
        var records: [ResourceRecordSet]
    }
    private let lock = NSLock()
    private var sets: [String: DelegationSet] = [:]
    private var zones: [String: Zone] = [:]
    private var zoneOrder: [String] = []
    private var changes: [String: Int] = [:]  // change id -> polls left before INSYNC
    private var counter = 0

    /// GetChange answers PENDING this many times before INSYNC.
    public var pendingPolls = 1
    /// The next ChangeResourceRecordSets commits, then throws a transport error (the answer was lost).
    public var failNextChangeAfterCommit = false
    /// The next ChangeResourceRecordSets throws before committing.
    public var failNextChangeBeforeCommit = false
    /// GetChange throws a transport error (a crash or network loss while waiting for INSYNC).
    public var failGetChange = false
    /// Every change batch committed, in order: (zone id, changes).
    public private(set) var committedBatches: [(zoneId: String, changes: [Change])] = []
    /// Number of CreateHostedZone calls that created a zone.
    public private(set) var zonesCreated = 0
    /// Zones GetDNSSEC reports as SIGNING.
    public var signingZones: Set<String> = []
    /// Traffic policy instances, as ListTrafficPolicyInstancesByHostedZone returns them.
    public var trafficPolicyInstances: [TrafficPolicyInstance] = []
    /// MAX_ZONES_BY_REUSABLE_DELEGATION_SET and MAX_HOSTED_ZONES_BY_OWNER.
    public var zonesPerSetLimit = 100
    public var hostedZoneLimit = 500
    private var tags: [String: [ResourceTag]] = [:]

    public init() {}

    private func locked<T>(_ body: () throws -> T) rethrows -> T { lock.lock(); defer { lock.unlock() }; return try body() }
    private func nextId(_ prefix: String) -> String {
        counter += 1
        return prefix + String(format: "%012d", counter).uppercased()
    }
    static func fqdn(_ s: String) -> String {
        var t = s.lowercased().replacingOccurrences(of: "*", with: "\\052")
        if !t.hasSuffix(".") { t += "." }
        return t
    }
    static func err(_ code: String, _ message: String, status: Int = 400) -> Route53Error {
        .service(code: code, message: message, status: status, requestId: "fake-\(UUID().uuidString.prefix(8))")
    }

    // MARK: Test setup helpers

    /// Creates a reusable set (with four distinct name servers) and returns its bare ID.
    @discardableResult
    public func addSet(nameServers: [String]? = nil) -> String {
        locked {
            let id = nextId("N")
            let n = counter
            let ns = nameServers ?? ["ns-\(n).awsdns-\(n % 64).com", "ns-\(512 + n).awsdns-\(n % 64).net",
                                     "ns-\(1024 + n).awsdns-\(n % 64).org", "ns-\(1536 + n).awsdns-\(n % 64).co.uk"]
            sets[id] = DelegationSet(id: id, callerReference: "setup-\(id)", nameServers: ns)
            return id
        }
    }

    /// Adds a private zone (no delegation set) and returns its bare ID.
    @discardableResult
    public func addPrivateZone(name: String) -> String {
        locked {
            let id = nextId("Z")
            let z = HostedZone(id: id, name: Self.fqdn(name), callerReference: "private-\(id)", config: HostedZoneConfig(privateZone: true))
            zones[id] = Zone(zone: z, setId: nil, nameServers: [], records: [
                ResourceRecordSet(name: Self.fqdn(name), type: "SOA", ttl: 900, values: ["ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]),
                ResourceRecordSet(name: Self.fqdn(name), type: "NS", ttl: 172800, values: ["ns-1536.awsdns-00.co.uk."]),
            ])
            zoneOrder.append(id)
            return id
        }
    }

    /// Replaces a record set directly (bypassing batch rules), e.g. to plant a malformed SOA or a CNAME.
    public func put(zoneId: String, _ record: ResourceRecordSet) {
        locked {
            var r = record; r.name = Self.fqdn(r.name)
            zones[zoneId]?.records.removeAll { $0.name == r.name && $0.type == r.type && $0.setIdentifier == r.setIdentifier }
            zones[zoneId]?.records.append(r)
        }
    }

    /// The zone's record sets now.
    public func records(zoneId: String) -> [ResourceRecordSet] { locked { zones[ResourceID.bare(zoneId)]?.records ?? [] } }
    /// One record set now.
    public func record(zoneId: String, name: String, type: String) -> ResourceRecordSet? {
        records(zoneId: zoneId).first { $0.name == Self.fqdn(name) && $0.type == type }
    }
    /// Every zone, in creation order.
    public func allZones() -> [HostedZone] { locked { zoneOrder.compactMap { zones[$0]?.zone } } }

    // MARK: Delegation sets

    public func createReusableDelegationSet(callerReference: String, hostedZoneId: String?) async throws -> CreatedDelegationSet {
        let (existing, ns): (DelegationSet?, [String]?) = try locked {
            if let s = sets.values.first(where: { $0.callerReference == callerReference }) { return (s, nil) }
            guard let hostedZoneId else { return (nil, nil) }
            guard let z = zones[ResourceID.bare(hostedZoneId)] else {
                throw Self.err("NoSuchHostedZone", "No hosted zone found with ID: \(hostedZoneId)", status: 404)
            }
            return (nil, z.nameServers)
        }
        if let existing { return CreatedDelegationSet(delegationSet: existing, location: nil) }
        let id = addSet(nameServers: ns)
        let set: DelegationSet = locked { sets[id]!.callerReference = callerReference; return sets[id]! }
        return CreatedDelegationSet(delegationSet: set, location: "https://route53.amazonaws.com/2013-04-01/delegationset/\(id)")
    }

    public func getReusableDelegationSet(id: String) async throws -> DelegationSet {
        try locked {
            guard let s = sets[ResourceID.bare(id)] else { throw Self.err("NoSuchDelegationSet", "A reusable delegation set with the specified ID does not exist.", status: 400) }
            return s
        }
    }

    public func listReusableDelegationSetPages() -> AsyncThrowingStream<[DelegationSet], Error> {
        let all = locked { sets.values.sorted { $0.id ?? "" < $1.id ?? "" } }
        return AsyncThrowingStream { c in c.yield(all); c.finish() }
    }

    public func deleteReusableDelegationSet(id: String) async throws {
        try locked {
            let bare = ResourceID.bare(id)
            if zones.values.contains(where: { $0.setId == bare }) { throw Self.err("DelegationSetInUse", "The delegation set is in use.") }
            sets[bare] = nil
        }
    }

    public func getReusableDelegationSetLimit(id: String) async throws -> LimitUsage {
        locked { LimitUsage(count: zones.values.filter { $0.setId == ResourceID.bare(id) }.count, limit: zonesPerSetLimit) }
    }

    // MARK: Hosted zones

    public func createHostedZone(name: String, callerReference: String, delegationSetId: String?, comment: String?) async throws -> CreatedHostedZone {
        try locked {
            let fq = Self.fqdn(name)
            if let existing = zones.values.first(where: { $0.zone.callerReference == callerReference }) {
                guard existing.zone.name == fq else {
                    throw Self.err("HostedZoneAlreadyExists", "A hosted zone has already been created with the specified caller reference.", status: 409)
                }
                return CreatedHostedZone(hostedZone: existing.zone, changeInfo: nil,
                                         delegationSet: DelegationSet(id: existing.setId, callerReference: nil, nameServers: existing.nameServers), location: nil)
            }
            var ns: [String]
            var setId: String? = nil
            if let delegationSetId {
                let bare = ResourceID.bare(delegationSetId)
                guard let s = sets[bare] else { throw Self.err("NoSuchDelegationSet", "A reusable delegation set with the specified ID does not exist.") }
                for z in zones.values where z.setId == bare && z.zone.config?.privateZone != true {
                    let other = z.zone.name
                    if other == fq || other.hasSuffix("." + fq) || fq.hasSuffix("." + other) {
                        throw Self.err("ConflictingDomainExists", "Cannot create hosted zone with DelegationSetId \(bare) as the DNSName \(fq) conflicts with existing ones sharing the delegation set")
                    }
                }
                ns = s.nameServers; setId = bare
            } else {
                let n = counter + 1
                ns = ["ns-\(n).awsdns-\(n % 64).com", "ns-\(512 + n).awsdns-\(n % 64).net", "ns-\(1024 + n).awsdns-\(n % 64).org", "ns-\(1536 + n).awsdns-\(n % 64).co.uk"]
            }
            let id = nextId("Z")
            let z = HostedZone(id: id, name: fq, callerReference: callerReference, config: HostedZoneConfig(comment: comment, privateZone: false))
            zones[id] = Zone(zone: z, setId: setId, nameServers: ns, records: [
                ResourceRecordSet(name: fq, type: "NS", ttl: 172800, values: ns.map { $0 + "." }),
                ResourceRecordSet(name: fq, type: "SOA", ttl: 900, values: ["\(ns[0]). awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]),
            ])
            zoneOrder.append(id)
            zonesCreated += 1
            let change = nextId("C"); changes[change] = pendingPolls
            return CreatedHostedZone(hostedZone: z, changeInfo: ChangeInfo(id: change, status: .pending, submittedAt: "2024-01-01T00:00:00Z"),
                                     delegationSet: DelegationSet(id: setId, callerReference: nil, nameServers: ns),
                                     location: "https://route53.amazonaws.com/2013-04-01/hostedzone/\(id)")
        }
    }

    public func getHostedZone(id: String) async throws -> HostedZoneDetail {
        try locked {
            guard let z = zones[ResourceID.bare(id)] else { throw Self.err("NoSuchHostedZone", "No hosted zone found with ID: \(id)", status: 404) }
            let ds = z.zone.config?.privateZone == true ? nil : DelegationSet(id: z.setId, callerReference: nil, nameServers: z.nameServers)
            return HostedZoneDetail(hostedZone: z.zone, delegationSet: ds)
        }
    }

    /// ListHostedZones calls so far (with or without a set filter).
    public private(set) var zoneListings = 0

    public func listHostedZonePages(delegationSetId: String?) -> AsyncThrowingStream<[HostedZone], Error> {
        locked { zoneListings += 1 }
        let all = locked { zoneOrder.compactMap { zones[$0] }.filter { delegationSetId == nil || $0.setId == ResourceID.bare(delegationSetId!) }.map(\.zone) }
        return AsyncThrowingStream { c in
            var i = 0
            while i < all.count { c.yield(Array(all[i..<min(i + 100, all.count)])); i += 100 }
            if all.isEmpty { c.yield([]) }
            c.finish()
        }
    }

    public func listHostedZonesByName(dnsName: String?, maxItems: Int) async throws -> [HostedZone] {
        let key = { (n: String) in n.split(separator: ".").reversed().joined(separator: ".") }
        let all = locked { zones.values.map(\.zone) }.sorted { key($0.name) < key($1.name) }
        let start = dnsName.map { key(Self.fqdn($0)) }
        return Array(all.filter { start == nil || key($0.name) >= start! }.prefix(maxItems))
    }

    public func deleteHostedZone(id: String) async throws -> ChangeInfo {
        try locked {
            let bare = ResourceID.bare(id)
            guard let z = zones[bare] else { throw Self.err("NoSuchHostedZone", "No hosted zone found with ID: \(id)", status: 404) }
            if z.records.contains(where: { !($0.name == z.zone.name && ($0.type == "NS" || $0.type == "SOA")) }) {
                throw Self.err("HostedZoneNotEmpty", "The hosted zone contains resource records that are not SOA or NS records.")
            }
            zones[bare] = nil; zoneOrder.removeAll { $0 == bare }
            return ChangeInfo(id: nextId("C"), status: .insync, submittedAt: "2024-01-01T00:00:00Z")
        }
    }

    // MARK: Records

    public func listResourceRecordSetPages(zoneId: String) -> AsyncThrowingStream<[ResourceRecordSet], Error> {
        let result: Result<[ResourceRecordSet], Error> = locked {
            guard let z = zones[ResourceID.bare(zoneId)] else { return .failure(Self.err("NoSuchHostedZone", "No hosted zone found with ID: \(zoneId)", status: 404)) }
            let key = { (n: String) in n.split(separator: ".").reversed().joined(separator: ".") }
            return .success(z.records.sorted { (key($0.name), $0.type) < (key($1.name), $1.type) })
        }
        return AsyncThrowingStream { c in
            switch result {
            case let .failure(e): c.finish(throwing: e)
            case let .success(all):
                var i = 0
                while i < all.count { c.yield(Array(all[i..<min(i + 300, all.count)])); i += 300 }
                c.finish()
            }
        }
    }

    public func changeResourceRecordSets(zoneId: String, changes batch: [Change], comment: String?) async throws -> ChangeInfo {
        try locked {
            let bare = ResourceID.bare(zoneId)
            guard var z = zones[bare] else { throw Self.err("NoSuchHostedZone", "No hosted zone found with ID: \(zoneId)", status: 404) }
            if failNextChangeBeforeCommit { failNextChangeBeforeCommit = false; throw Route53Error.transport("connection reset (injected)") }
            var records = z.records
            var messages: [String] = []
            var seen = Set<String>()
            for change in batch {
                var r = change.resourceRecordSet; r.name = Self.fqdn(r.name)
                let desc = "[name='\(r.name)', type='\(r.type)'\(r.setIdentifier.map { ", set-identifier='\($0)'" } ?? "")]"
                let key = "\(r.name)|\(r.type)|\(r.setIdentifier ?? "")"
                if !seen.insert(key).inserted { messages.append("Duplicate Resource Record: \(desc)"); continue }
                guard r.name == z.zone.name || r.name.hasSuffix("." + z.zone.name) else {
                    messages.append("RRSet with DNS name \(r.name) is not permitted in zone \(z.zone.name)"); continue
                }
                if r.aliasTarget == nil && (r.resourceRecords ?? []).isEmpty && change.action != .delete {
                    messages.append("Tried to create resource record set \(desc) but it has no values"); continue
                }
                for v in r.values where (r.type == "A" && !isAddress(v, AF_INET)) || (r.type == "AAAA" && !isAddress(v, AF_INET6)) {
                    messages.append("ARRDATAIllegalIPv4Address (or IPv6): Value is not a valid address: \(v) for \(desc)")
                }
                let idx = records.firstIndex { $0.name == r.name && $0.type == r.type && $0.setIdentifier == r.setIdentifier }
                let isApex = r.name == z.zone.name
                switch change.action {
                case .create:
                    if idx != nil { messages.append("Tried to create resource record set \(desc) but it already exists"); continue }
                    if r.type == "SOA" || (isApex && r.type == "NS") { messages.append("Tried to create resource record set \(desc) but it already exists"); continue }
                    if r.type != "CNAME", records.contains(where: { $0.name == r.name && $0.type == "CNAME" }) {
                        messages.append("RRSet of type \(r.type) with DNS name \(r.name) is not permitted as it conflicts with other records with the same DNS name in zone \(z.zone.name).")
                        continue
                    }
                    records.append(r)
                case .delete:
                    guard let idx else { messages.append("Tried to delete resource record set \(desc) but it was not found"); continue }
                    if r.type == "SOA" || (isApex && r.type == "NS") { messages.append("A HostedZone must contain at least one NS record for the zone itself and exactly one SOA record."); continue }
                    let cur = records[idx]
                    if cur.ttl != r.ttl || Set(cur.values) != Set(r.values) || cur.aliasTarget != r.aliasTarget {
                        messages.append("Tried to delete resource record set \(desc) but the values provided do not match the current values"); continue
                    }
                    records.remove(at: idx)
                case .upsert:
                    if let idx { records[idx] = r } else {
                        if r.type == "SOA" { messages.append("A HostedZone must contain exactly one SOA record."); continue }
                        records.append(r)
                    }
                }
            }
            if !messages.isEmpty {
                throw Self.err("InvalidChangeBatch", messages.joined(separator: "; "))
            }
            z.records = records
            zones[bare] = z
            committedBatches.append((bare, batch))
            let id = nextId("C"); changes[id] = pendingPolls
            if failNextChangeAfterCommit { failNextChangeAfterCommit = false; throw Route53Error.transport("connection reset after the request was sent (injected)") }
            return ChangeInfo(id: id, status: .pending, submittedAt: "2024-01-01T00:00:00Z", comment: comment)
        }
    }

    private func isAddress(_ s: String, _ family: Int32) -> Bool {
        var buf = [UInt8](repeating: 0, count: 16)
        return inet_pton(family, s, &buf) == 1
    }

    public func getChange(id: String) async throws -> ChangeInfo {
        try locked {
            if failGetChange { throw Route53Error.transport("connection refused (injected)") }
            let bare = ResourceID.bare(id)
            guard let left = changes[bare] else { throw Self.err("NoSuchChange", "A change with the specified change ID does not exist.", status: 404) }
            changes[bare] = max(0, left - 1)
            return ChangeInfo(id: bare, status: left > 0 ? .pending : .insync, submittedAt: "2024-01-01T00:00:00Z")
        }
    }

    public func getAccountLimit(_ type: AccountLimitType) async throws -> LimitUsage {
        locked { type == .reusableDelegationSetsByOwner ? LimitUsage(count: sets.count, limit: 100) : LimitUsage(count: zones.count, limit: hostedZoneLimit) }
    }

    public func getDNSSEC(zoneId: String) async throws -> DNSSECStatus {
        locked { DNSSECStatus(serveSignature: signingZones.contains(ResourceID.bare(zoneId)) ? "SIGNING" : "NOT_SIGNING", statusMessage: nil) }
    }

    public func listTagsForHostedZone(id: String) async throws -> [ResourceTag] { locked { tags[ResourceID.bare(id)] ?? [] } }

    public func addTagsToHostedZone(id: String, tags add: [ResourceTag]) async throws {
        locked {
            var current = tags[ResourceID.bare(id)] ?? []
            for t in add { current.removeAll { $0.key == t.key }; current.append(t) }
            tags[ResourceID.bare(id)] = current
        }
    }

    public func listTrafficPolicyInstances(hostedZoneId: String) async throws -> [TrafficPolicyInstance] {
        locked { trafficPolicyInstances.filter { $0.hostedZoneId == ResourceID.bare(hostedZoneId) } }
    }
}

/// An in-memory Route 53 Domains: domains it holds, name server updates as operations that finish after some polls.
public final class FakeRoute53Domains: Route53DomainsAPI, @unchecked Sendable {
    private let lock = NSLock()
    private var domains: [String: DomainDetail] = [:]
    private var operations: [String: (detail: DomainDetail, polls: Int, fail: Bool)] = [:]
    /// GetOperationDetail answers IN_PROGRESS this many times before the final state.
    public var pendingPolls = 1
    /// The next update ends FAILED.
    public var failNextUpdate = false
    /// Every UpdateDomainNameservers call.
    public private(set) var updates: [(domain: String, nameservers: [DomainNameserver])] = []

    public init() {}

    /// Registers `name` with these name servers.
    public func add(_ name: String, nameservers: [DomainNameserver]) {
        lock.lock(); domains[name.lowercased()] = DomainDetail(domainName: name.lowercased(), nameservers: nameservers); lock.unlock()
    }
    /// The domain as it is now.
    public func detail(_ name: String) -> DomainDetail? { lock.lock(); defer { lock.unlock() }; return domains[name.lowercased()] }

    public func getDomainDetail(domainName: String) async throws -> DomainDetail {
        guard let d = detail(domainName) else {
            throw Route53Error.service(code: "InvalidInput", message: "Domain \(domainName) not found in account", status: 400, requestId: nil)
        }
        return d
    }

    public func updateDomainNameservers(domainName: String, nameservers: [DomainNameserver]) async throws -> String {
        guard detail(domainName) != nil else {
            throw Route53Error.service(code: "InvalidInput", message: "Domain \(domainName) not found in account", status: 400, requestId: nil)
        }
        for ns in nameservers {
            let glue = ns.glueIps ?? []
            let inside = ns.name.lowercased().hasSuffix("." + domainName.lowercased())
            if !glue.isEmpty && !inside {
                throw Route53Error.service(code: "InvalidInput", message: "Glue IPs are only allowed for name servers under the domain", status: 400, requestId: nil)
            }
            if glue.filter({ !$0.contains(":") }).count > 1 || glue.filter({ $0.contains(":") }).count > 1 {
                throw Route53Error.service(code: "InvalidInput", message: "At most one IPv4 and one IPv6 glue address per name server", status: 400, requestId: nil)
            }
        }
        return lock.withLock {
            let id = UUID().uuidString.lowercased()
            operations[id] = (DomainDetail(domainName: domainName.lowercased(), nameservers: nameservers), pendingPolls, failNextUpdate)
            failNextUpdate = false
            updates.append((domainName, nameservers))
            return id
        }
    }

    public func getOperationDetail(operationId: String) async throws -> DomainOperation {
        try lock.withLock {
            guard var op = operations[operationId] else {
                throw Route53Error.service(code: "InvalidInput", message: "Operation \(operationId) not found", status: 400, requestId: nil)
            }
            if op.polls > 0 { op.polls -= 1; operations[operationId] = op; return DomainOperation(operationId: operationId, status: .inProgress, message: nil) }
            if op.fail { return DomainOperation(operationId: operationId, status: .failed, message: "The registry refused the host objects") }
            domains[op.detail.domainName] = op.detail
            return DomainOperation(operationId: operationId, status: .successful, message: nil)
        }
    }
}
