import Foundation
import Route53
import Resolver

/// What the user asks `migrate` for: copy `zones` (names or zone IDs) into new zones of delegation set `setId`.
public struct MigrationRequest: Sendable, Equatable {
    public var setId: String
    /// As typed: `example.com`, `example.com.` or a zone ID (`Z0123...`, `/hostedzone/Z0123...`).
    public var zones: [String]
    /// Go on although the source zone is signed or its parent holds a DS (the user has read the order to follow).
    public var acknowledgeDNSSEC: Bool
    /// Where DS lookups and the name servers' addresses go.
    public var resolver: ResolverTarget
    /// The port the old and new zones' name servers are asked on after the copy (nil: no DNS check).
    public var queryPort: Int?
    /// The set as this run already read it (`--set auto`'s placement): not asked again.
    public var knownSet: KnownSet?
    /// The account's zones and zone usage as this run already read them (an earlier set's plan in the same run).
    public var knownAccount: KnownAccount?
    /// The account's zones (and the set's) as the wizard listed them this run: not listed again.
    public var listing: ZoneListing?
    public init(setId: String, zones: [String], acknowledgeDNSSEC: Bool = false, resolver: ResolverTarget = .system, queryPort: Int? = 53,
                knownSet: KnownSet? = nil, knownAccount: KnownAccount? = nil, listing: ZoneListing? = nil) {
        self.setId = setId; self.zones = zones; self.acknowledgeDNSSEC = acknowledgeDNSSEC; self.resolver = resolver; self.queryPort = queryPort
        self.knownSet = knownSet; self.knownAccount = knownAccount; self.listing = listing
    }
}

/// A reusable set as one run read it: the set (its name servers), its zones (ListHostedZones by set) and its usage.
public struct KnownSet: Sendable, Equatable {
    public var set: DelegationSet
    public var zones: [HostedZone]
    public var usage: SetUsage
    public init(set: DelegationSet, zones: [HostedZone], usage: SetUsage) { self.set = set; self.zones = zones; self.usage = usage }
}

/// The account's zones and hosted-zone usage as one run read them.
public struct KnownAccount: Sendable, Equatable {
    public var zones: [HostedZone]
    public var usage: SetUsage
    public init(zones: [HostedZone], usage: SetUsage) { self.zones = zones; self.usage = usage }
}

/// One zone's move: the source, the target (once it exists), and the copy still to do.
public struct ZoneMigration: Sendable, Equatable {
    /// ASCII with the trailing dot.
    public var zoneName: String
    public var sourceZoneId: String
    public var sourceNameServers: [String]
    /// The zone in the set, when an earlier run created it (or its creation is not needed any more).
    public var targetZoneId: String?
    /// The derived CallerReference the new zone is (or will be) created with.
    public var callerReference: String
    public var diff: CopyDiff
    /// The diff's changes in ChangeResourceRecordSets batches, in order.
    public var batches: [[Change]]
    /// Tags of the source the target does not have yet.
    public var tagsToAdd: [ResourceTag]
    /// The source's record sets as read for this plan (apex NS and SOA included).
    public var sourceRecords: [ResourceRecordSet]
    /// The copy also deletes what the target holds and the source no longer does (`--resync`, confirmed).
    public var includeDeletes: Bool
    /// What the user should know (DNSSEC acknowledged, ...).
    public var notes: [String]

    /// Nothing to create, copy or tag: a rerun after success.
    public var isDone: Bool {
        targetZoneId != nil && diff.creates.isEmpty && diff.updates.isEmpty && tagsToAdd.isEmpty && (!includeDeletes || diff.extras.isEmpty)
    }
    /// Record sets the copy writes (creates and updates), per type.
    public var countsByType: [String: Int] {
        var out: [String: Int] = [:]
        for r in diff.creates + diff.updates.map(\.after) { out[r.type.uppercased(), default: 0] += 1 }
        return out
    }
}

/// `migrate`'s plan: every zone checked and its copy worked out; nothing written.
public struct MigrationPlan: Sendable, Equatable {
    public var setId: String
    public var setNameServers: [String]
    public var zones: [ZoneMigration]
    /// Room in the set and the account, as counted before this run's zones.
    public var setUsage: SetUsage
    public var accountUsage: SetUsage
    public var notes: [String]
    /// Where the old and new zones' name servers are asked the same questions after each copy (nil: not asked).
    public var answerCheck: AnswerCheckTarget? = nil
    /// The account's zones as this plan read them (the next set's plan in a `--set auto` run reads these).
    public var account: [HostedZone] = []
}

/// Thrown by `planMigration` when a pre-check fails; nothing has been created.
public struct MigrationRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [InputProblem]
    /// A problem is DNSSEC (the zone signs, or its parent holds a DS) that `acknowledgeDNSSEC` lets through.
    public var dnssec = false
    public init(problems: [InputProblem], dnssec: Bool = false) { self.problems = problems; self.dnssec = dnssec }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
    /// How a DNSSEC problem ends: the command line's way to go on (the wizard names its key instead).
    public static let acknowledgeHint = "Pass --acknowledge-dnssec once the DS is out"
}

/// Progress of one zone's copy, for the progress lines and the wizard.
public enum MigrationEvent: Sendable, Equatable {
    case zoneCreated(zone: String, zoneId: String)
    case zoneFound(zone: String, zoneId: String)
    case tagsCopied(zone: String, count: Int)
    case batchSubmitted(zone: String, index: Int, of: Int, records: Int, changeId: String)
    case batchInSync(zone: String, index: Int, of: Int)
    case waiting(zone: String, changeId: String, elapsedSeconds: Double)
    case parity(zone: String, ParityReport)
    /// Asking the old and new zones' name servers the same questions: started, then its result.
    case askingServers(zone: String, questions: Int)
    case answers(zone: String, AnswerParity)

    /// The zone the event is about.
    public var zone: String {
        switch self {
        case let .zoneCreated(z, _), let .zoneFound(z, _), let .tagsCopied(z, _), let .batchSubmitted(z, _, _, _, _), let .batchInSync(z, _, _),
             let .waiting(z, _, _), let .parity(z, _), let .askingServers(z, _), let .answers(z, _): return z
        }
    }
}

/// The saved state of one zone's move (`migration-<zone>.json` in the state directory), for resume, `--status` and
/// `--undo`.
public struct MigrationJournal: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case copying, copied, undone }
    public var zoneName: String
    public var sourceZoneId: String
    public var targetZoneId: String?
    public var setId: String
    public var callerReference: String
    public var state: State
    public var copiedAt: Date?
    /// The last batch sent; a resumed run waits for it before reading the target.
    public var lastChangeId: String?
    /// When `--status` first saw every parent server delegate to the new zone.
    public var parentSeenNewAt: Date?
    /// The old zone's apex NS before its TTL was lowered (restored by `--undo`).
    public var savedOldNS: ResourceRecordSet?
    public var updatedAt: Date
}

/// Where the parent zone delegates a migrated zone now.
public enum DelegationNow: String, Sendable, Codable {
    case old, new, mixed, unknown
}

/// `migrate --status` for one zone.
public struct MigrationStatus: Sendable, Equatable {
    public var journal: MigrationJournal
    public var delegation: DelegationNow
    /// The parent's NS TTL in seconds, when a parent server answered.
    public var parentTTL: UInt32?
    /// Changes the old zone has that the copy lacks (creates + updates + deletes); `--resync` copies them.
    public var pendingChanges: Int
    /// When deleting the old zone becomes safe: 48 h after the parent was seen on the new zone, plus its NS TTL.
    public var safeToDeleteAt: Date?
    public var notes: [String]
}
