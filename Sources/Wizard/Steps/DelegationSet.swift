import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 2, Delegation set: the reusable delegation set whose four AWS name servers the vanity hosts will stand
/// for; an existing one (with how many zones use it), a new one, or a new one with an existing zone's servers.
/// Reads: nothing of the earlier step (the shared `allZones` for the source-zone picker).
/// Hands on: `chosenSet` (its ID and name servers), to every later step.
public enum DelegationSetStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var sets: Loadable<[DelegationSet]> = .idle
        public var setUsage: [String: LimitUsage] = [:]
        public var setCursor = 0
        public var pickingSourceZone = false
        public var sourceZoneCursor = 0
        public var creatingSet = false
        public var chosenSet: DelegationSet?
        /// Each set's group of vanity hosts (set ID -> hosts), read from the home zone's glue; nil until read.
        public var hostGroups: [String: [String]]?

        /// Sets, then the two create rows.
        var setItemsCount: Int { (sets.value?.count ?? 0) + 2 }
    }

    public enum Msg: WizardStepMsg {
        case setsLoaded(Result<[DelegationSet], UIError>)
        case setLimit(id: String, Result<LimitUsage, UIError>)
        case setCreated(Result<DelegationSet, UIError>)
        case hostGroups(Result<HostGroupChoice, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .setsLoaded(r):
                s.delegationSet.sets = Loadable(r)
                s.delegationSet.setCursor = min(s.delegationSet.setCursor, max(0, s.delegationSet.setItemsCount - 1))
                guard case .success = r else { return [] }
                // Host groups only matter with a second set: they are read from the home zone's glue and the account's
                // zones, listed now (step 3 reads the same listing); one set keeps ns1..nsN.
                let sets = s.delegationSet.sets.value ?? []
                return sets.compactMap(\.id).map { .loadSetLimit(id: $0) } + (sets.count > 1 ? s.loadAllZones() + s.hostGroupsCommands(homeDomain: nil) : [])
            case let .hostGroups(r):
                s.delegationSet.hostGroups = (try? r.get())?.taken ?? [:]
                return []
            case let .setLimit(id, r):
                if case let .success(u) = r { s.delegationSet.setUsage[id] = u }
                return []
            case let .setCreated(r):
                s.delegationSet.creatingSet = false
                switch r {
                case let .success(set):
                    var all = s.delegationSet.sets.value ?? []
                    if !all.contains(where: { $0.id == set.id }) { all.append(set) }
                    s.delegationSet.sets = .loaded(all)
                    s.delegationSet.setCursor = all.firstIndex(where: { $0.id == set.id }) ?? 0
                    s.notice = ("Created delegation set \(set.id ?? ""). Press enter to use it.", .ok)
                    return (set.id.map { [.loadSetLimit(id: $0)] } ?? []) + (all.count > 1 ? s.loadAllZones() + s.hostGroupsCommands(homeDomain: nil) : [])
                case let .failure(e):
                    s.notice = ("Could not create the set: \(e.message)", .error)
                    return []
                }
            }
        }
    }

    static let title = "Delegation set"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        if s.delegationSet.sets.value == nil { s.delegationSet.sets = .loading; return [.loadSets] }
        return []
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        if s.delegationSet.pickingSourceZone { s.delegationSet.pickingSourceZone = false; return [] }
        return s.goBack()
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        var d = s.delegationSet
        defer { s.delegationSet = d }
        if d.pickingSourceZone {
            let zones = s.allZones.value ?? []
            switch a {
            case .up: d.sourceZoneCursor = max(0, d.sourceZoneCursor - 1)
            case .down: d.sourceZoneCursor = min(max(0, zones.count - 1), d.sourceZoneCursor + 1)
            case .choose:
                guard d.sourceZoneCursor < zones.count else { return [] }
                let z = zones[d.sourceZoneCursor]
                s.confirm = Confirmation(question: "Create a reusable delegation set with the name servers of \(WizardState.bare(z.name)) (\(z.id))? The zone itself is not changed.",
                                         action: .createSetFromZone(id: z.id, name: z.name))
            default: break
            }
            return []
        }
        let n = d.sets.value?.count ?? 0
        switch a {
        case .up: d.setCursor = max(0, d.setCursor - 1)
        case .down: d.setCursor = min(d.setItemsCount - 1, d.setCursor + 1)
        case .rerun: d.sets = .loading; return [.loadSets]
        case .choose:
            if d.sets.value == nil { return [] }
            if d.setCursor < n {
                let set = d.sets.value![d.setCursor]
                if d.chosenSet?.id != set.id { s.vanityHosts.hosts = []; s.vanityHosts.homeDomain = nil; s.vanityHosts.editingHosts = false }
                d.chosenSet = set
                s.delegationSet = d
                // The set's zones are listed once, now: step 3's validation and step 5 read that listing.
                return s.loadSetZones() + s.goNext()
            } else if d.setCursor == n {
                s.confirm = Confirmation(question: "Create a new reusable delegation set? Route 53 assigns four name servers; it costs nothing until zones use it.", action: .createSet)
            } else {
                d.pickingSourceZone = true; d.sourceZoneCursor = 0
                s.delegationSet = d
                return s.loadAllZones()
            }
        default: break
        }
        return []
    }

    static func perform(_ s: inout WizardState, _ p: PendingAction) -> [WizardCommand] {
        switch p {
        case .createSet:
            s.delegationSet.creatingSet = true
            return [.createSet(callerReference: "vanityns-\(s.runId)", fromZoneId: nil)]
        case let .createSetFromZone(id, _):
            s.delegationSet.creatingSet = true; s.delegationSet.pickingSourceZone = false
            return [.createSet(callerReference: "vanityns-\(s.runId)-\(id)", fromZoneId: id)]
        default: return []
        }
    }

    static func boxTitle(_ s: WizardState) -> String {
        if s.delegationSet.pickingSourceZone { return "Copy name servers from a zone" }
        if let l = s.accountStep.setsLimit.value { return "Reusable delegation sets (\(l.count) of \(l.limit))" }
        return "Reusable delegation sets"
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        WizardState.keys(WizardState.move() + [B([.enter], "enter", s.delegationSet.pickingSourceZone ? "copy this zone's servers" : "choose", .choose),
                                               B([.char("r")], "r", "reload", footer: false, .rerun)])
    }

    static func animating(_ s: WizardState) -> Bool {
        let d = s.delegationSet
        return d.sets.isLoading || d.creatingSet || (d.pickingSourceZone && s.allZones.isLoading)
    }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let d = s.delegationSet
        if d.pickingSourceZone {
            switch s.allZones {
            case .idle, .loading: s.loading(&f, r, "listing hosted zones…")
            case let .failed(m): _ = s.failed(&f, r, m, hint: "esc goes back.")
            case let .loaded(zones):
                if zones.isEmpty { f.put("The account has no hosted zones.", x: r.x, y: r.y, role: .dim); return }
                f.put("The new set gets the same four name servers as the zone you pick:", x: r.x, y: r.y, role: .dim)
                Widgets.list(&f, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1),
                             items: zones.map { WizardState.bare($0.name) + "   " + $0.id }, selected: d.sourceZoneCursor)
            }
            return
        }
        if d.creatingSet { f.put("\(s.spin) creating the delegation set…", x: r.x, y: r.maxY - 1, role: .accent) }
        switch d.sets {
        case .idle, .loading: s.loading(&f, r, "listing reusable delegation sets…")
        case let .failed(m): _ = s.failed(&f, r, m, hint: "r tries again; esc goes back.")
        case let .loaded(all):
            let idW = min(32, max(2, all.map { TextWidth.of($0.id ?? "?") }.max() ?? 0)), zW = 6
            let nsMax = all.flatMap { $0.nameServers.map { TextWidth.of(WizardState.bare($0)) } }.max() ?? 10
            let nsW = max(10, min(nsMax + 2, (r.width - 2 - idW - zW - 3 - 1) / 2))
            f.put(TextWidth.pad("ID", to: idW) + " " + TextWidth.pad("zones", to: zW, right: true) + "  name servers", x: r.x + 2, y: r.y, role: .heading)
            var lines: [(String, Role, Int)] = []   // text, role, item index
            for (i, set) in all.enumerated() {
                let usage = set.id.flatMap { d.setUsage[$0] }.map { "\($0.count)/\($0.limit)" } ?? s.spin
                let ns = set.nameServers.map(WizardState.bare)
                for pair in stride(from: 0, to: max(1, ns.count), by: 2) {
                    let a = pair < ns.count ? ns[pair] : "", b = pair + 1 < ns.count ? ns[pair + 1] : ""
                    let head = pair == 0 ? TextWidth.pad(set.id ?? "?", to: idW) + " " + TextWidth.pad(usage, to: zW, right: true) : String(repeating: " ", count: idW + zW + 1)
                    lines.append((head + "  " + TextWidth.pad(a, to: nsW) + " " + TextWidth.truncate(b, to: nsW), .normal, i))
                }
                if let groups = d.hostGroups, !groups.isEmpty {
                    let pad = String(repeating: " ", count: idW + zW + 1) + "  "
                    if let own = set.id.flatMap({ groups[ResourceID.bare($0)] }) {
                        lines.append((pad + "vanity hosts " + HostGroups.label(own), .dim, i))
                    } else {
                        lines.append((pad + "no hosts yet; " + (s.nextFreeGroupLabel(groups, count: set.nameServers.count) ?? "it needs its own group"), .accent, i))
                    }
                }
            }
            if all.isEmpty { lines.append(("No reusable delegation sets yet.", .dim, -1)) }
            lines.append(("+ Create a new set", .accent, all.count))
            lines.append(("+ Create a set from an existing zone's name servers", .accent, all.count + 1))
            let height = r.height - 1 - (d.creatingSet ? 1 : 0)
            let selLine = lines.firstIndex(where: { $0.2 == d.setCursor }) ?? 0
            let top = Widgets.scrollOffset(selected: min(lines.count - 1, selLine + 1), count: lines.count, height: height)
            for (i, l) in lines.dropFirst(top).prefix(height).enumerated() {
                let y = r.y + 1 + i
                let first = lines.firstIndex(where: { $0.2 == l.2 }) == top + i
                let sel = l.2 == d.setCursor
                if sel && first { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
                f.put(l.0, x: r.x + 2, y: y, width: r.width - 2, role: l.1)
                if sel && !s.focusLog { f.paint(x: r.x + 2, y: y, width: r.width - 2, role: .selected) }
            }
        }
    }
}

extension WizardState {
    /// The next free group after the taken ones when they share one domain (`ns5-ns8.example.com` after ns1-ns4),
    /// offered for a set without vanity hosts; the home domain step settles it against the home zone's records.
    func nextFreeGroupLabel(_ taken: [String: [String]], count: Int) -> String? {
        let hosts = taken.values.flatMap { $0 }.map { DomainName(trusted: $0) }
        guard let parent = hosts.first?.parent, hosts.allSatisfy({ $0.parent == parent }) else { return nil }
        return "next free: " + HostGroups.label(HostGroups.nextFree(home: parent, records: [], taken: Set(hosts), count: count).map(\.ascii))
    }
}

extension WizardStep {
    public static let delegationSet = WizardStep(DelegationSetStep.self)
}

extension WizardState {
    /// This step's state.
    public var delegationSet: DelegationSetStep.State { get { stepStates[DelegationSetStep.State.self] } set { stepStates[DelegationSetStep.State.self] = newValue } }
}
