import Foundation
import Route53
import WhiteLabel
import Terminal

/// The wizard's side of a migration (issue 8). Zones outside the set that the zones step marks "migrate" are copied
/// into the set before anything is switched: the plan step first shows each zone's copy (from `planMigration`,
/// confirmed y/s like every batch), the apply step runs the confirmed copies (`migrate`, a progress line and the
/// parity line per zone), and then the plan step plans again with the copies among the set's zones, so their vanity
/// NS/SOA batch goes through the normal plan and apply (journal, rollback) and the registrar step names them.
/// Reads: `zones.migrateZones`, the chosen set. Hands on: `copied` (the request's extra zones once `finished`).
public enum MigrationFlow {
    public struct State: WizardStepState {
        public var plan: Loadable<MigrationPlan> = .idle
        /// The answer for each zone's copy, by zone name.
        public var decisions: [String: ZoneDecision] = [:]
        /// The confirmed copies, made one at a time (`queue.running`), with their progress lines.
        public var queue = ZoneQueue<CopyProgress>()
        /// The copies are done or skipped: the plan step plans the vanity batches, the copies among them.
        public var finished = false
        /// Zones copied with identical parity (ASCII, trailing dot), in order.
        public var copied: [String] = []
        /// The last plan was refused for DNSSEC (a signing zone, a DS at the parent): `a` plans again acknowledging it.
        public var dnssecRefused = false
        /// The user said the DS is out: the plan goes on past DNSSEC (as `migrate --acknowledge-dnssec`).
        public var acknowledgeDNSSEC = false
        public init() {}
    }

    /// One zone's copy as the apply step shows it.
    public struct CopyProgress: ZoneProgressLine {
        public var zone: String
        public var status = "waiting to start"
        public var parity: [String] = []
        public var done = false
        public var identical = false
        public var error: String?
        public init(zone: String) { self.zone = zone }
    }

    public enum Msg: WizardStepMsg {
        /// The copies' plan; `dnssec`: it was refused, among other things, for DNSSEC (see `State.dnssecRefused`).
        case planned(Result<MigrationPlan, UIError>, dnssec: Bool = false)
        case event(MigrationEvent)
        case copied(zone: String, Result<ParityReport, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .planned(r, dnssec):
                s.migration.plan = Loadable(r); s.migration.decisions = [:]; s.migration.dnssecRefused = dnssec
                s.plan.planIndex = 0; s.plan.planRecord = 0
                return MigrationFlow.settle(&s)
            case let .event(e):
                s.migration.queue.update(e.zone) { p in
                    switch e {
                    case let .parity(_, report): p.parity = MigrationRenderer.parity(report)
                    // One unwrapped line per item: the apply step's paragraphs wrap them to the pane.
                    case let .answers(_, a): p.parity += MigrationRenderer.answers(a, width: 1000)
                    default: p.status = MigrationRenderer.eventStatus(e)
                    }
                }
                return []
            case let .copied(zone, r):
                switch r {
                case let .success(report):
                    s.migration.queue.finish(zone, error: nil) { p in
                        p.identical = report.proven
                        p.status = report.proven ? "copied" : "copied, but the copy differs (not switched)"
                        if p.parity.isEmpty { p.parity = MigrationRenderer.parity(report) }
                    }
                    if report.proven && !s.migration.copied.contains(zone) { s.migration.copied.append(zone) }
                    return MigrationFlow.nextCopy(&s)
                case let .failure(e):
                    s.migration.queue.finish(zone, error: e.message)
                    return []
                }
            }
        }
    }

    /// Plans the copies of the zones picked for migration, by name as `vanityns migrate --zone` takes them (the
    /// planner tells the source from an earlier run's copy in the set).
    static func planCopies(_ s: inout WizardState) -> [WizardCommand] {
        s.migration.plan = .loading; s.migration.decisions = [:]
        let names = s.otherZones.filter { s.zones.migrateZones.contains($0.id) }.map { WizardState.bare($0.name) }
        return [.planMigration(MigrationRequest(setId: s.delegationSet.chosenSet?.id ?? "", zones: names,
                                                acknowledgeDNSSEC: s.migration.acknowledgeDNSSEC, resolver: s.resolver, listing: s.listing))]
    }

    /// Answers by itself for zones whose copy is already complete (copied again: only the parity check runs), then,
    /// once every zone has an answer, on to the copies, or straight to the vanity plan when none was confirmed.
    static func settle(_ s: inout WizardState) -> [WizardCommand] {
        guard let plan = s.migration.plan.value else { return [] }
        while s.plan.planIndex < plan.zones.count && plan.zones[s.plan.planIndex].isDone {
            s.migration.decisions[plan.zones[s.plan.planIndex].zoneName] = .apply; s.plan.planIndex += 1
        }
        guard s.plan.planIndex >= plan.zones.count else { return [] }
        if s.migration.decisions.values.contains(.apply) { return s.go(.apply) }
        s.migration.finished = true
        return s.go(.plan)
    }

    /// The apply step's start while copying: the confirmed zones, one after the other.
    static func startCopies(_ s: inout WizardState) -> [WizardCommand] {
        let zones = (s.migration.plan.value?.zones ?? []).map(\.zoneName).filter { s.migration.decisions[$0] == .apply }
        s.migration.queue.waiting = zones.filter { z in !s.migration.queue.lines.contains { $0.zone == z && $0.done } }
        for z in zones { s.migration.queue.update(z) { _ in } }
        return nextCopy(&s)
    }

    static func nextCopy(_ s: inout WizardState) -> [WizardCommand] {
        guard let plan = s.migration.plan.value, let zone = s.migration.queue.startNext(in: plan.zones, named: \.zoneName) else { return [] }
        return [.migrate(zone, plan)]
    }
}

extension WizardState {
    /// The migration's state.
    public var migration: MigrationFlow.State {
        get { stepStates[MigrationFlow.State.self] } set { stepStates[MigrationFlow.State.self] = newValue }
    }
    /// Zones were picked for migration and their copies are not done yet: the plan and apply steps are about them.
    public var copyPhase: Bool { !zones.migrateZones.isEmpty && !migration.finished }
    /// The copy on the plan step's screen.
    var selectedCopy: ZoneMigration? {
        guard let zones = migration.plan.value?.zones, plan.planIndex < zones.count else { return nil }
        return zones[plan.planIndex]
    }
    /// The record sets the copy on screen writes, in batch order.
    var copyRecords: [ResourceRecordSet] { selectedCopy.map { $0.batches.flatMap { $0 }.map(\.resourceRecordSet) } ?? [] }
}
