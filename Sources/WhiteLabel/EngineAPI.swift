import Foundation
import Route53
import Resolver

// The white-label engine's contract: the values it takes and returns, and the operations the CLI and the wizard
// call. `WhiteLabelEngine` is the one implementation; the wizard's tests may use a fake.

/// What the user asks for: serve `homeDomain` (and `extraZones`) from vanity hosts backed by delegation set `setId`.
public struct VanityRequest: Sendable, Equatable {
    /// The reusable delegation set, with or without `/delegationset/`.
    public var setId: String
    /// The domain that holds the vanity hosts, as typed (may be an IDN, may end with a dot).
    public var homeDomain: String
    /// The vanity host names in the set's name server order; nil means ns1..ns4 under the home domain.
    public var hosts: [String]?
    /// Further zones to switch to the vanity hosts (`--zone`), as typed.
    public var extraZones: [String]
    /// Create served zones that do not exist yet in the set (`--create-zones`).
    public var createZones: Bool
    /// TTL of the glue A/AAAA records (60 during roll-out).
    public var glueTTL: Int
    /// TTL of the apex NS records (60 during roll-out; `finalize` raises it).
    public var nsTTL: Int
    /// SOA minimum (last field) (60 during roll-out; `finalize` raises it).
    public var soaMinimum: Int
    /// Where address lookups go.
    public var resolver: ResolverTarget
    /// The SOA RNAME (the zone's contact mailbox) to write, as typed (`hostmaster@example.com` or
    /// `hostmaster.example.com`); nil keeps Route 53's `awsdns-hostmaster.amazon.com.`.
    public var soaRName: String?
    /// The account's zones as the caller listed them already (the wizard, once per run): validation and planning
    /// read them instead of listing again. nil: listed when needed.
    public var listing: ZoneListing?

    public init(setId: String, homeDomain: String, hosts: [String]? = nil, extraZones: [String] = [], createZones: Bool = false,
                glueTTL: Int = 60, nsTTL: Int = 60, soaMinimum: Int = 60, resolver: ResolverTarget = .system, soaRName: String? = nil,
                listing: ZoneListing? = nil) {
        self.setId = setId; self.homeDomain = homeDomain; self.hosts = hosts; self.extraZones = extraZones
        self.createZones = createZones; self.glueTTL = glueTTL; self.nsTTL = nsTTL; self.soaMinimum = soaMinimum
        self.resolver = resolver; self.soaRName = soaRName; self.listing = listing
    }

    /// `soaRName` in the SOA's form (`hostmaster.example.com.`), or the reason it cannot be one.
    public static func rname(_ text: String) -> Result<String, InputProblem> {
        let t = text.trimmingCharacters(in: .whitespaces)
        var local = "", domain = t
        if let at = t.firstIndex(of: "@") { local = String(t[..<at]); domain = String(t[t.index(after: at)...]) }
        func bad(_ why: String) -> Result<String, InputProblem> { .failure(InputProblem(subject: "--soa-rname \(text)", message: why)) }
        if t.contains("@") {
            guard !local.isEmpty, !local.contains("."), local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                return bad("the mailbox before @ must be one label of letters, digits, - or _ (hostmaster@example.com); a dot there cannot be written in an SOA without escaping")
            }
        }
        do {
            let d = try DomainName.parse(domain, rule: .hostName)
            guard d.labels.count >= (t.contains("@") ? 2 : 3) else { return bad("give a mailbox such as hostmaster@example.com (or hostmaster.example.com)") }
            return .success((local.isEmpty ? "" : local.lowercased() + ".") + d.fqdn)
        } catch let e as DomainName.Invalid { return bad(e.reason) } catch { return bad("\(error)") }
    }
}

/// The account's hosted zones as listed once (ListHostedZones), and the chosen set's (ListHostedZones by
/// `delegationsetid`) when it was listed too.
public struct ZoneListing: Sendable, Equatable {
    public var account: [HostedZone]
    /// The set's zones, with the set's ID; nil when not listed.
    public var set: (id: String, zones: [HostedZone])?
    public init(account: [HostedZone], set: (id: String, zones: [HostedZone])? = nil) { self.account = account; self.set = set }
    public static func == (a: ZoneListing, b: ZoneListing) -> Bool {
        a.account == b.account && a.set?.id == b.set?.id && a.set?.zones == b.set?.zones
    }
}

/// A problem with the input, naming what was wrong and what to do.
public struct InputProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input concerned (`ns1.example.com`, `--zone shop.example`, `home domain`).
    public var subject: String
    public var message: String
    public init(subject: String, message: String) { self.subject = subject; self.message = message }
    public var description: String { "\(subject): \(message)" }
}

/// Thrown by `plan` (and so by `apply`) when validation finds problems; nothing has been changed.
public struct ValidationFailed: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [InputProblem]
    public init(problems: [InputProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// One AWS name server of the set, the vanity host that stands for it, and its addresses as resolved now.
public struct NameServerAddresses: Sendable, Equatable {
    /// `ns-2048.awsdns-64.com` (no trailing dot).
    public var awsName: String
    /// `ns1.example.com` (ASCII form, no trailing dot).
    public var vanityHost: String
    /// nil while the lookup is still running.
    public var ipv4: [String]?
    public var ipv6: [String]?
    /// Per-family problems (`IPv6: no AAAA record`, `IPv4: timeout`), shown as warnings in the review.
    public var warnings: [String]
    public init(awsName: String, vanityHost: String, ipv4: [String]? = nil, ipv6: [String]? = nil, warnings: [String] = []) {
        self.awsName = awsName; self.vanityHost = vanityHost; self.ipv4 = ipv4; self.ipv6 = ipv6; self.warnings = warnings
    }
    /// Both lookups have answered (or failed).
    public var isComplete: Bool { ipv4 != nil && ipv6 != nil }
}

/// What kind of record a planned change touches, for grouping in the plan view.
public enum ChangeRole: String, Sendable, Equatable, Codable {
    case glue, apexNS = "apex-ns", soa
}

/// One change to one record set, with the value it replaces.
public struct PlannedChange: Sendable, Equatable {
    public var role: ChangeRole
    /// CREATE when nothing exists, UPSERT when replacing `before`.
    public var action: ChangeAction
    /// The record set as it is now (nil when it does not exist).
    public var before: ResourceRecordSet?
    public var after: ResourceRecordSet
    public init(role: ChangeRole, action: ChangeAction, before: ResourceRecordSet?, after: ResourceRecordSet) {
        self.role = role; self.action = action; self.before = before; self.after = after
    }
}

/// All changes for one zone, applied as one atomic ChangeResourceRecordSets.
public struct ZonePlan: Sendable, Equatable {
    /// ASCII, with the trailing dot (`example.com.`).
    public var zoneName: String
    /// The bare zone ID; nil when the zone is still to be created.
    public var zoneId: String?
    public var isHome: Bool
    /// The zone does not exist and will be created in the set first (`--create-zones`).
    public var createInSet: Bool
    public var changes: [PlannedChange]
    /// The home zone lives in another delegation set: the batch writes only this set's glue; its NS and SOA stay.
    public var glueOnly = false
    public init(zoneName: String, zoneId: String?, isHome: Bool, createInSet: Bool, changes: [PlannedChange]) {
        self.zoneName = zoneName; self.zoneId = zoneId; self.isHome = isHome; self.createInSet = createInSet; self.changes = changes
    }
    /// Nothing to create and nothing to change.
    public var isEmpty: Bool { !createInSet && changes.isEmpty }
}

/// The whole plan: zones in apply order, home zone first.
public struct WhiteLabelPlan: Sendable, Equatable {
    public var request: VanityRequest
    /// The bare set ID.
    public var setId: String
    /// The home domain in ASCII with the trailing dot; `homeDomainUnicode` when it was given as an IDN.
    public var homeDomain: String
    public var homeDomainUnicode: String?
    public var nameServers: [NameServerAddresses]
    public var zones: [ZonePlan]
    /// Things the user should know that do not stop the plan (a missing AAAA, a zone already done, ...).
    public var warnings: [String]
    public init(request: VanityRequest, setId: String, homeDomain: String, homeDomainUnicode: String?,
                nameServers: [NameServerAddresses], zones: [ZonePlan], warnings: [String]) {
        self.request = request; self.setId = setId; self.homeDomain = homeDomain; self.homeDomainUnicode = homeDomainUnicode
        self.nameServers = nameServers; self.zones = zones; self.warnings = warnings
    }
    /// A rerun after success: nothing to do anywhere.
    public var isEmpty: Bool { zones.allSatisfy(\.isEmpty) }
    /// The home zone lives in another delegation set (served by that set's vanity hosts): the home domain's own
    /// delegation stays as it is; this set's hosts only need their glue in the home zone.
    public var homeInAnotherSet: Bool { zones.contains { $0.isHome && $0.glueOnly } }
}

/// Progress of applying one zone, for the wizard's apply step and the CLI's progress lines.
public enum ApplyEvent: Sendable, Equatable {
    /// The values about to be replaced were written to the journal at this path.
    case journalSaved(path: String)
    case zoneCreated(zoneName: String, zoneId: String)
    case submitted(zoneName: String, changeId: String)
    case waiting(zoneName: String, changeId: String, status: ChangeStatus, elapsedSeconds: Double)
    case inSync(zoneName: String, changeId: String)
    /// The zone was already as planned (a resumed run).
    case alreadyDone(zoneName: String)
}

/// A row of the registrar hand-off table.
public struct GlueRow: Sendable, Equatable, Codable {
    public var host: String
    public var ipv4: String?
    public var ipv6: String?
    public init(host: String, ipv4: String?, ipv6: String?) { self.host = host; self.ipv4 = ipv4; self.ipv6 = ipv6 }
}

/// One vanity host address asked for one served zone.
public struct VerifyRow: Sendable, Equatable {
    public var server: String
    public var address: String
    public var zone: String
    public var answered: Bool
    public var authoritative: Bool
    public var soaMName: String?
    public var soaSerial: UInt32?
    public var nsMatches: Bool
    /// Empty when all holds; otherwise what is wrong.
    public var problems: [String]
    public init(server: String, address: String, zone: String, answered: Bool, authoritative: Bool, soaMName: String?,
                soaSerial: UInt32?, nsMatches: Bool, problems: [String]) {
        self.server = server; self.address = address; self.zone = zone; self.answered = answered
        self.authoritative = authoritative; self.soaMName = soaMName; self.soaSerial = soaSerial
        self.nsMatches = nsMatches; self.problems = problems
    }
    public var passed: Bool { problems.isEmpty }
}

/// `verify`'s result.
public struct VerifyReport: Sendable, Equatable {
    public var rows: [VerifyRow]
    /// Delegation and glue as the parent zone's servers give them, one line per finding; empty when not reachable.
    public var parentFindings: [String]
    public var parentProblems: [String]
    public init(rows: [VerifyRow], parentFindings: [String], parentProblems: [String]) {
        self.rows = rows; self.parentFindings = parentFindings; self.parentProblems = parentProblems
    }
    public var passed: Bool { !rows.isEmpty && rows.allSatisfy(\.passed) && parentProblems.isEmpty }
}

/// One difference between recorded glue and a name server's current addresses.
public struct DriftItem: Sendable, Equatable, Codable {
    /// Where the stale glue is: `route53` (the glue records in the home zone), `registry <server> (<address>)` (what a
    /// server of the parent zone hands resolvers) or `route53domains` (Route 53 Domains' glue).
    public var location: String
    public var host: String
    /// `A` or `AAAA`.
    public var type: String
    public var recorded: [String]
    public var current: [String]
    public init(location: String, host: String, type: String, recorded: [String], current: [String]) {
        self.location = location; self.host = host; self.type = type; self.recorded = recorded; self.current = current
    }
}

/// One place's glue for one vanity host and family, compared with the AWS name server's address now.
public struct GlueCheck: Sendable, Equatable, Codable {
    /// `route53`, `route53domains`, or the parent server's name (`a.gtld-servers.net`, no trailing dot).
    public var place: String
    public var host: String
    /// `A` or `AAAA`.
    public var type: String
    /// The glue there equals (for a registry: is among) the addresses now.
    public var current: Bool
    public init(place: String, host: String, type: String, current: Bool) {
        self.place = place; self.host = host; self.type = type; self.current = current
    }
}

/// `check`'s result.
public struct DriftReport: Sendable, Equatable {
    public var nameServers: [NameServerAddresses]
    public var items: [DriftItem]
    /// What could not be compared and why (Route 53 Domains refused, a parent server silent, ...): not drift.
    public var notes: [String]
    /// Whether Route 53 Domains holds the domain: nil when it could not be asked.
    public var heldByRoute53Domains: Bool?
    /// Every comparison made, stale or current (the stale ones are also `items`): what `watch`'s metrics show.
    public var checks: [GlueCheck]
    public init(nameServers: [NameServerAddresses], items: [DriftItem], notes: [String] = [], heldByRoute53Domains: Bool? = nil,
                checks: [GlueCheck] = []) {
        self.nameServers = nameServers; self.items = items; self.notes = notes; self.heldByRoute53Domains = heldByRoute53Domains
        self.checks = checks
    }
    public var hasDrift: Bool { !items.isEmpty }
    /// Items whose repair is at the registry (any registrar).
    public var registryItems: [DriftItem] { items.filter { $0.location.hasPrefix("registry ") } }
    /// The glue table to give a registrar: each vanity host with its current IPv4 and IPv6 (one of each).
    public var glueRows: [GlueRow] { nameServers.map { GlueRow(host: $0.vanityHost, ipv4: $0.ipv4?.first, ipv6: $0.ipv6?.first) } }
}

/// The white-label procedure, used by both the CLI and the wizard.
public protocol WhiteLabelService: Sendable {
    /// Looks up IPv4 and IPv6 of each AWS name server in parallel; yields the row each time one of its lookups
    /// answers (so a table can fill in live) and finishes when all have.
    func resolveAddresses(awsNames: [String], vanityHosts: [String], target: ResolverTarget) -> AsyncStream<NameServerAddresses>
    /// Checks the request without changing anything; an empty list means it can be planned.
    func validate(_ request: VanityRequest) async -> [InputProblem]
    /// Validates, resolves and reads the current records, and returns every change needed; throws `ValidationFailed`.
    func plan(_ request: VanityRequest) async throws -> WhiteLabelPlan
    /// Applies one zone's batch: journal first, create the zone when planned, one ChangeResourceRecordSets, wait INSYNC.
    func apply(_ zone: ZonePlan, of plan: WhiteLabelPlan, events: @escaping @Sendable (ApplyEvent) -> Void) async throws
    /// Zones with an unfinished apply in the journal (for the wizard's resume offer).
    func unfinishedZones() async -> [String]
    /// The registrar table for a plan.
    func registrarRows(_ plan: WhiteLabelPlan) -> [GlueRow]
    /// Asks each vanity host's addresses directly for every served zone's SOA and NS.
    func verify(homeDomain: String, zones: [String], hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> VerifyReport
    /// Compares the name servers' current addresses with the glue in Route 53, at every server of the parent zone
    /// (asked at `queryPort`) and at Route 53 Domains when it can be read.
    func checkDrift(homeDomain: String, setId: String?, hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> DriftReport
    /// `audit`'s row for each of `zones` (judged by its own apex NS), yielded as each is done.
    func auditZones(_ zones: [HostedZone], awsNames: [String], queryPort: Int, target: ResolverTarget) -> AsyncStream<AuditRow>
    /// Every pre-check of moving zones into a set, then each zone's copy; reads only, throws `MigrationRefused`.
    func planMigration(_ request: MigrationRequest) async throws -> MigrationPlan
    /// One zone's move: the new zone in the set, the copy batch by batch (each waited INSYNC), then the parity check.
    func migrate(_ zone: ZoneMigration, of plan: MigrationPlan, events: @escaping @Sendable (MigrationEvent) -> Void) async throws -> ParityReport
    /// A migrated zone's old apex NS with `ttl`, before the cut-over; nil when its TTL is `ttl` or lower already.
    func oldNSTTLChange(zone: String, ttl: Int) async throws -> PlannedChange?
    /// Saves the old NS in the zone's migration journal (what `migrate --undo` restores), then lowers it.
    func applyOldNSTTL(zone: String, _ change: PlannedChange) async throws
    /// Every set's group of vanity hosts, and the group to offer `setId` under `homeDomain` (its own, else the next free),
    /// read from the home zone's glue: `sets` and the account's zones in `listing` are what the caller listed already.
    func hostGroups(homeDomain: String?, setId: String, sets: [DelegationSet], listing: [HostedZone], target: ResolverTarget) async throws -> HostGroupChoice
}

extension WhiteLabelService {
    /// Services that know no other set offer nothing: the wizard keeps ns1..nsN.
    public func hostGroups(homeDomain: String?, setId: String, sets: [DelegationSet], listing: [HostedZone], target: ResolverTarget) async throws -> HostGroupChoice {
        HostGroupChoice(taken: [:], suggested: nil)
    }

    /// Services that cannot audit yield nothing.
    public func auditZones(_ zones: [HostedZone], awsNames: [String], queryPort: Int, target: ResolverTarget) -> AsyncStream<AuditRow> {
        AsyncStream { $0.finish() }
    }
}
