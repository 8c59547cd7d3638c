import Foundation
import Route53
import Resolver

extension WhiteLabelEngine {
    /// The CallerReference of `zoneName`'s copy in `setId`: the one `apply --create-zones` uses, so whichever made
    /// the zone in the set, a rerun finds it.
    static func copyReference(zoneName: String, setId: String) -> String { callerReference(setId: setId, zoneName: zoneName) }

    /// Every pre-check of a move into a set, then each zone's copy worked out. Reads only: throws `MigrationRefused`
    /// (every problem at once, each saying what to do) before anything is created.
    public func planMigration(_ request: MigrationRequest) async throws -> MigrationPlan {
        let setId = ResourceID.bare(request.setId.trimmingCharacters(in: .whitespaces))
        guard !request.zones.isEmpty else {
            throw MigrationRefused(problems: [InputProblem(subject: "--zone", message: "name at least one zone to migrate (--zone example.com)")])
        }
        let known = request.knownSet.flatMap { ResourceID.bare($0.set.id ?? "") == setId ? $0 : nil }
        let set: DelegationSet
        if let known { set = known.set } else {
            do { set = try await route53.getReusableDelegationSet(id: setId) } catch let e as Route53Error where e.code == "NoSuchDelegationSet" || e.code == "InvalidInput" {
                throw MigrationRefused(problems: [InputProblem(subject: "--set \(setId)", message: "there is no reusable delegation set \(setId) in this account; "
                                                               + "`vanityns sets list` shows the sets, `vanityns sets create` makes one")])
            }
        }
        let setNS = Set(set.nameServers.map(Canonical.name))
        let account: [HostedZone]
        if let a = request.knownAccount?.zones ?? request.listing?.account { account = a } else { account = try await route53.listHostedZones() }
        let listedSet = request.listing?.set.flatMap { ResourceID.bare($0.id) == setId ? $0.zones : nil }
        let inSet: [HostedZone]
        if let z = known?.zones ?? listedSet { inSet = z } else { inSet = try await route53.listHostedZones(delegationSetId: setId) }
        var problems: [InputProblem] = []
        var dnssecRefused = false
        var checked: [(zone: HostedZone, nameServers: [String], target: String?, notes: [String])] = []
        var candidates: [(subject: String, zone: HostedZone, nameServers: [String], target: String?)] = []

        for (subject, source) in resolveSources(request.zones, account: account, setId: setId, problems: &problems) {
            let name = DomainName(trusted: source.name)
            let reference = Self.copyReference(zoneName: name.fqdn, setId: setId)
            func problem(_ m: String) { problems.append(InputProblem(subject: subject, message: m)) }
            if candidates.contains(where: { $0.zone.id == source.id }) { continue }
            if source.config?.privateZone == true {
                problem("zone \(name.ascii) (\(source.id)) is a private hosted zone; white-label name servers serve public zones, so there is nothing to move")
                continue
            }
            // GetHostedZone only for the answer check, which asks one of the old zone's name servers: the set's own
            // listing already holds a zone created in it or one it was made from (that zone joins the set), and
            // Route 53 refuses a copy on a shared name server at the create anyway (ConflictingDomainExists, nothing copied).
            let detail: HostedZoneDetail? = request.queryPort == nil ? nil : try await route53.getHostedZone(id: source.id)
            let sourceNS = (detail?.delegationSet?.nameServers ?? []).map(Canonical.name)
            let shared = sourceNS.filter(setNS.contains)
            let another = "To move it to other name servers, create another set (`vanityns sets create`), check that none of its name servers is among "
                + "the zone's, and migrate into that one"
            if detail?.delegationSet?.id.map(ResourceID.bare) == setId || inSet.contains(where: { $0.id == source.id }) {
                problem("zone \(name.ascii) (\(source.id)) is already in set \(setId) (created in it, or the set was made from it): nothing to copy; "
                        + "`vanityns apply --zone \(name.ascii)` switches it to the vanity hosts. " + another)
                continue
            }
            if !shared.isEmpty {
                problem("set \(setId) was made from zone \(name.ascii) (it shares its name servers \(shared.joined(separator: ", "))): the zone is already "
                        + "served by the set's name servers, and Route 53 cannot hold a copy of it on them (ConflictingDomainExists). " + another)
                continue
            }
            let copies = account.filter { DomainName(trusted: $0.name) == name && Self.isCopy($0, reference: reference) }
            let target = copies.first { c in inSet.contains { $0.id == c.id } }
            if let conflict = try await conflictingZone(name, in: inSet, account: account, setNS: setNS, except: [source.id] + copies.map(\.id)) {
                problem("zone \(name.ascii) cannot be created in set \(setId): \(conflict), and Route 53 refuses zones with the same name or a parent/child "
                        + "name on a common name server (ConflictingDomainExists). Migrate into another set, or move that zone first")
                continue
            }
            candidates.append((subject, source, sourceNS, target?.id))
        }

        // DNSSEC for every zone at once: a resolver that never answers costs one lookup timeout, not one per zone.
        let signing = try await withThrowingTaskGroup(of: (Int, String?, [String]).self) { group in
            for (i, c) in candidates.enumerated() {
                group.addTask {
                    var notes: [String] = []
                    let problem = try await self.dnssecProblem(DomainName(trusted: c.zone.name), zoneId: c.zone.id, target: request.resolver, notes: &notes)
                    return (i, problem, notes)
                }
            }
            var out: [Int: (String?, [String])] = [:]
            for try await (i, problem, notes) in group { out[i] = (problem, notes) }
            return out
        }
        for (i, c) in candidates.enumerated() {
            var notes = signing[i]?.1 ?? []
            if let signing = signing[i]?.0 {
                if request.acknowledgeDNSSEC {
                    notes.append("DNSSEC acknowledged: \(signing)")
                } else {
                    problems.append(InputProblem(subject: c.subject, message: signing + ". Route 53 does not move DNSSEC: remove the DS record at the "
                                                 + "registrar first and wait its TTL (`vanityns dnssec disable --zone \(c.zone.id)` does both, then "
                                                 + "stops signing), migrate and cut over, then sign the new zone and publish its DS (`vanityns dnssec "
                                                 + "enable --zone` with the new zone's ID); `vanityns migrate --dnssec --set ID --zone "
                                                 + "\(c.zone.name.dropLast()) --domain HOME` runs these steps itself. "
                                                 + MigrationRefused.acknowledgeHint))
                    dnssecRefused = true
                    continue
                }
            }
            checked.append((c.zone, c.nameServers, c.target, notes))
        }

        let newZones = checked.filter { $0.target == nil }.count
        let setUsage: SetUsage
        if let u = known?.usage { setUsage = u } else { setUsage = try await route53.setUsage(id: setId, knownZoneCount: inSet.count) }
        let accountUsage: SetUsage
        if let u = request.knownAccount?.usage { accountUsage = u } else { accountUsage = try await route53.accountZoneUsage(knownZoneCount: account.count) }
        if newZones > 0 && setUsage.count + newZones > setUsage.limit {
            problems.append(InputProblem(subject: "--set \(setId)", message: "the set serves \(setUsage.count) of its \(setUsage.limit) zones; \(newZones) more do not fit. "
                                         + "Ask AWS Support for a higher MAX_ZONES_BY_REUSABLE_DELEGATION_SET, or migrate fewer zones into this set"))
        }
        if newZones > 0 && accountUsage.count + newZones > accountUsage.limit {
            problems.append(InputProblem(subject: "account", message: "the account has \(accountUsage.count) of its \(accountUsage.limit) hosted zones; \(newZones) more "
                                         + "do not fit (each migration makes one until the old zone is deleted). Request a higher MAX_HOSTED_ZONES_BY_OWNER quota"))
        }
        guard problems.isEmpty else { throw MigrationRefused(problems: problems, dnssec: dnssecRefused) }

        // Every zone's tags (sources and copies) in ListTagsForResources calls of 10, not one call per zone.
        let tags: KnownTags
        do { tags = .read(try await route53.listTagsForHostedZones(ids: checked.flatMap { [$0.zone.id] + ($0.target.map { [$0] } ?? []) })) } catch let e as Route53Error {
            guard case .service = e else { throw e }
            tags = .failed(e.code ?? "error")
        }
        let zones = try await withThrowingTaskGroup(of: (Int, ZoneMigration).self) { group in
            for (i, c) in checked.enumerated() {
                group.addTask {
                    (i, try await self.zoneMigration(source: c.zone, nameServers: c.nameServers, targetId: c.target, setId: setId, notes: c.notes,
                                                     tags: tags))
                }
            }
            var out: [(Int, ZoneMigration)] = []
            for try await z in group { out.append(z) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return MigrationPlan(setId: setId, setNameServers: set.nameServers, zones: zones, setUsage: setUsage, accountUsage: accountUsage,
                             notes: [setUsage.limitNote, accountUsage.limitNote].compactMap { $0 },
                             answerCheck: request.queryPort.map { AnswerCheckTarget(resolver: request.resolver, queryPort: $0) }, account: account)
    }

    /// A zone made with `reference` or one of its later generations (a copy vanityns made).
    static func isCopy(_ zone: HostedZone, reference: String) -> Bool {
        CallerReference.generations.contains { CallerReference.generation($0, of: reference) == zone.callerReference }
    }

    /// The zone each `--zone` names: a zone ID, or a public zone name outside the set (never a copy vanityns made).
    func resolveSources(_ texts: [String], account: [HostedZone], setId: String, problems: inout [InputProblem]) -> [(String, HostedZone)] {
        var out: [(String, HostedZone)] = []
        for text in texts {
            let subject = "--zone \(text)"
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let bare = ResourceID.bare(trimmed)
            if let z = account.first(where: { $0.id == bare }) {
                out.append((subject, z))
                continue
            }
            if trimmed.hasPrefix("/hostedzone/") || (!bare.contains(".") && bare.count >= 10 && bare.allSatisfy { $0.isUppercase || $0.isNumber }) {
                problems.append(InputProblem(subject: subject, message: "there is no hosted zone with ID \(bare) in this account (`vanityns zones list` shows them)"))
                continue
            }
            let name: DomainName
            do { name = try DomainName.parse(trimmed, rule: .zoneName) } catch let e as DomainName.Invalid {
                problems.append(InputProblem(subject: subject, message: e.reason)); continue
            } catch { problems.append(InputProblem(subject: subject, message: "\(error)")); continue }
            let reference = Self.copyReference(zoneName: name.fqdn, setId: setId)
            let same = account.filter { DomainName(trusted: $0.name) == name && !Self.isCopy($0, reference: reference) }
            let publicZones = same.filter { $0.config?.privateZone != true }
            switch (publicZones.count, same.count) {
            case (0, 0): problems.append(InputProblem(subject: subject, message: "there is no hosted zone \(name.ascii) in this account (`vanityns zones list` shows them)"))
            case (0, _): out.append((subject, same[0]))
            case (1, _): out.append((subject, publicZones[0]))
            default:
                problems.append(InputProblem(subject: subject, message: "the account has \(publicZones.count) public zones called \(name.ascii) ("
                                             + publicZones.map(\.id).joined(separator: ", ") + "); name the one to move by its ID (--zone Z...)"))
            }
        }
        return out
    }

    /// A zone with the same name or a parent/child name that shares a name server with the set, described; nil when none.
    func conflictingZone(_ name: DomainName, in inSet: [HostedZone], account: [HostedZone], setNS: Set<String>, except: [String]) async throws -> String? {
        func related(_ z: HostedZone) -> Bool {
            let n = DomainName(trusted: z.name)
            return z.config?.privateZone != true && !except.contains(z.id) && (n == name || n.isBelow(name) || name.isBelow(n))
        }
        if let z = inSet.first(where: related) { return "the set already serves zone \(DomainName(trusted: z.name).ascii) (\(z.id))" }
        for z in account where related(z) && !inSet.contains(where: { $0.id == z.id }) {
            let ns = (try await route53.getHostedZone(id: z.id).delegationSet?.nameServers ?? []).map(Canonical.name)
            if let common = ns.first(where: setNS.contains) {
                return "zone \(DomainName(trusted: z.name).ascii) (\(z.id)) is served by \(common), one of the set's name servers"
            }
        }
        return nil
    }

    /// Why DNSSEC stops the move (the zone signs, or the parent holds a DS), nil when neither; lookups that fail are notes.
    func dnssecProblem(_ name: DomainName, zoneId: String, target: ResolverTarget, notes: inout [String]) async throws -> String? {
        do {
            let status = try await route53.getDNSSEC(zoneId: zoneId)
            if status.serveSignature != "NOT_SIGNING" {
                return "zone \(name.ascii) (\(zoneId)) is DNSSEC-signed (\(status.serveSignature))"
            }
        } catch let e as Route53Error {
            guard case .service = e else { throw e }
            notes.append("DNSSEC status of \(name.ascii) not read (\(e.code ?? "error")); check that the zone is not signed")
        }
        switch await resolver.query(name.ascii, type: .ds, target: target, timeout: lookupTimeout) {
        case let .answer(values, _) where !values.isEmpty:
            return "the parent zone holds a DS record for \(name.ascii) (\(values[0].prefix(40))...)"
        case .answer, .nxdomain: return nil
        case let outcome: notes.append("DS at the parent of \(name.ascii) not checked (\(Self.describe(outcome)))"); return nil
        }
    }

    /// One zone's copy: the source read, the target (when it exists) compared, tags and traffic policies looked up.
    /// The zones' tags as the plan read them for every zone at once, or that call's failure; nil: read them here.
    enum KnownTags: Sendable { case read([String: [ResourceTag]]), failed(String) }

    func zoneMigration(source: HostedZone, nameServers: [String], targetId: String?, setId: String, notes: [String],
                       includeDeletes: Bool = false, tags known: KnownTags? = nil) async throws -> ZoneMigration {
        let name = DomainName(trusted: source.name)
        let route53 = self.route53
        async let sourceRecords = route53.listResourceRecordSets(zoneId: source.id)
        async let targetRecords: [ResourceRecordSet] = { if let targetId { return try await route53.listResourceRecordSets(zoneId: targetId) }; return [] }()
        var notes = notes
        let records = try await sourceRecords
        var instances: [TrafficPolicyInstance] = []
        if records.contains(where: { $0.trafficPolicyInstanceId != nil }) {
            instances = try await route53.listTrafficPolicyInstances(hostedZoneId: source.id)
        }
        let newId = targetId ?? RecordCopy.newZoneId
        let diff = RecordCopy.diff(zone: name.fqdn, source: records, sourceId: source.id, target: try await targetRecords, targetId: newId) { r in
            guard let i = instances.first(where: { $0.id == r.trafficPolicyInstanceId }) else { return nil }
            return "aws route53 create-traffic-policy-instance --hosted-zone-id \(newId) --name \(i.name) --ttl \(i.ttl) "
                + "--traffic-policy-id \(i.trafficPolicyId) --traffic-policy-version \(i.trafficPolicyVersion)"
        }
        var tags: [ResourceTag] = []
        var read = known
        if read == nil {
            do { read = .read(try await route53.listTagsForHostedZones(ids: [source.id] + (targetId.map { [$0] } ?? []))) } catch let e as Route53Error {
                guard case .service = e else { throw e }
                read = .failed(e.code ?? "error")
            }
        }
        switch read {
        case let .read(all)?:
            let have = targetId.flatMap { all[ResourceID.bare($0)] } ?? []
            tags = (all[ResourceID.bare(source.id)] ?? []).filter { !have.contains($0) }
        case let .failed(code)?: notes.append("tags of \(name.ascii) not read (\(code)): copy them by hand")
        case nil: break
        }
        return ZoneMigration(zoneName: name.fqdn, sourceZoneId: source.id, sourceNameServers: nameServers, targetZoneId: targetId,
                             callerReference: Self.copyReference(zoneName: name.fqdn, setId: setId), diff: diff,
                             batches: RecordCopy.batches(diff.phases + (includeDeletes ? [diff.deletions] : [])), tagsToAdd: tags,
                             sourceRecords: records, includeDeletes: includeDeletes, notes: notes)
    }
}
