import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 5, Zones: which zones the vanity hosts serve. The home zone always; the other zones of the chosen set as
/// checkboxes; new zones typed in, created in the set when applied. Public zones of the account outside the set
/// can be ticked to migrate: copied into the set first (`MigrationFlow`), then switched like the others. Private
/// zones are not listed: nothing to serve.
/// Reads: `chosenSet` (whose zones are listed), `homeDomain` and `homeIsNew`; the shared `allZones` (the zones
/// outside the set).
/// Hands on: `checkedZones` and `newZones`, the request's extra zones (`WizardState.request`); `migrateZones`.
public enum ZonesStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var setZones: Loadable<[HostedZone]> = .idle
        /// The set `setZones` lists (a set chosen again is not listed again).
        public var setZonesOf: String?
        /// GetHostedZone answers so far / zones to check, while `setZones` loads.
        public var setZonesChecked = (done: 0, total: 0)
        public var checkedZones: Set<String> = []
        public var newZones: [String] = []
        public var newZoneInput = ""
        /// Ids of zones outside the set to migrate into it.
        public var migrateZones: Set<String> = []
        /// 0..<setZoneChoices.count: a zone of the set; setZoneChoices.count: the new zone field; after it, the
        /// zones outside the set.
        public var zonesCursor = 0
    }

    public enum Msg: WizardStepMsg {
        /// The listing of set `setId` (nil: whichever set is being listed).
        case setZonesLoaded(Result<[HostedZone], UIError>, setId: String? = nil)
        /// The set's zones listed so far (one filtered listing).
        case setZonesProgress(done: Int, total: Int)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .setZonesLoaded(r, id):
                // A listing of a set chosen before is not this set's.
                guard id == nil || id == s.zones.setZonesOf else { return [] }
                s.zones.setZones = Loadable(r)
                // A validation of step 3 that waited for the set's listing runs now, reading it.
                return s.validationThatWaited()
            case let .setZonesProgress(done, total): s.zones.setZonesChecked = (done, total)
            }
            return []
        }
    }

    static let title = "Zones"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        s.zones.zonesCursor = 0
        // The set's listing started when it was chosen (loaded or on its way): not listed again.
        return s.loadSetZones() + s.loadAllZones()
    }

    /// Lists the set's zones (and the account's, when not listed yet) again.
    static func reload(_ s: inout WizardState) -> [WizardCommand] {
        s.zones.setZonesOf = nil
        return s.loadSetZones() + s.loadAllZones()
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        let choices = s.setZoneChoices, others = s.otherZones
        var z = s.zones
        defer { s.zones = z }
        switch a {
        case .up: z.zonesCursor = max(0, z.zonesCursor - 1)
        case .down: z.zonesCursor = min(choices.count + others.count, z.zonesCursor + 1)
        case .toggle:
            if z.zonesCursor < choices.count {
                let id = choices[z.zonesCursor].id
                if z.checkedZones.contains(id) { z.checkedZones.remove(id) } else { z.checkedZones.insert(id) }
            } else if z.zonesCursor > choices.count {
                let id = others[z.zonesCursor - choices.count - 1].id
                if z.migrateZones.contains(id) { z.migrateZones.remove(id) } else { z.migrateZones.insert(id) }
            }
        case .type: if let c = key.printable, c != " " { z.newZoneInput.append(c) }
        case .erase: if !z.newZoneInput.isEmpty { z.newZoneInput.removeLast() }
        case .rerun:
            // The one listing of the run, taken again: the account's zones and the set's.
            s.zones = z
            s.allZones = .idle
            let cmds = reload(&s)
            z = s.zones
            return cmds
        case .choose:
            if z.zonesCursor == choices.count && !z.newZoneInput.isEmpty {
                let name = WizardState.bare(z.newZoneInput)
                if !z.newZones.contains(name) { z.newZones.append(name) }
                z.newZoneInput = ""
                return []
            }
            if z.setZones.value == nil && z.setZones.error == nil { return [] }
            s.zones = z
            return s.goNext()
        default: break
        }
        return []
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        if s.zones.zonesCursor == s.setZoneChoices.count {
            return WizardState.typingKeys(WizardState.move(letters: false)
                + WizardState.typing("new zone name", enter: s.zones.newZoneInput.isEmpty ? "continue" : "add zone"))
        }
        let migrate = s.zones.zonesCursor > s.setZoneChoices.count
        return WizardState.keys(WizardState.move() + [B([.char(" ")], "space", migrate ? "migrate" : "select", .toggle),
                                                      B([.enter], "enter", "continue", .choose),
                                                      B([.char("r")], "r", "list the zones again", footer: false, .rerun)])
    }

    static func boxTitle(_ s: WizardState) -> String { "Zones served by the vanity hosts" }

    static func animating(_ s: WizardState) -> Bool { s.zones.setZones.isLoading }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let z = s.zones, home = s.homeName
        switch z.setZones {
        case .idle, .loading:
            let (done, total) = z.setZonesChecked
            s.loading(&f, r, total == 0 ? "listing the zones of set \(s.delegationSet.chosenSet?.id ?? "")…"
                                        : "checking which set serves each zone (GetHostedZone \(done) of \(total))…")
            return
        case let .failed(m): _ = s.failed(&f, r, m, hint: "esc goes back."); return
        case .loaded: break
        }
        let choices = s.setZoneChoices, others = s.otherZones
        var items: [String] = [], roles: [Role] = []
        // Zone names in one column, what each one is beside it.
        let nameW = ([home] + choices.map { WizardState.bare($0.name) } + z.newZones + others.map { WizardState.bare($0.name) })
            .map { TextWidth.of($0) }.max() ?? 0
        func name(_ n: String) -> String { TextWidth.pad(n, to: min(nameW, max(8, r.width - 50))) }
        if s.vanityHosts.homeIsNew { items.append("[+] \(name(home))  home zone, new: created in this set"); roles.append(.ok) }
        else { items.append("[x] \(name(home))  home zone, always included"); roles.append(.dim) }
        for c in choices { items.append(Widgets.checkbox(z.checkedZones.contains(c.id), name(WizardState.bare(c.name)) + "  in this set")); roles.append(.normal) }
        for n in z.newZones { items.append("[+] \(name(n))  new: created in this set"); roles.append(.ok) }
        let inputIndex = items.count
        items.append("+ new zone: " + z.newZoneInput); roles.append(.accent)
        for o in others {
            items.append(Widgets.checkbox(z.migrateZones.contains(o.id), name(WizardState.bare(o.name)) + "  migrate: outside this set, copied into it"))
            roles.append(.normal)
        }
        let selected = z.zonesCursor < choices.count ? z.zonesCursor + 1 : inputIndex + (z.zonesCursor - choices.count)
        Widgets.list(&f, r, items: items, selected: selected, focused: !s.focusLog, roles: roles)
        if selected == inputIndex && !s.focusLog {
            let row = r.y + min(inputIndex, Widgets.scrollOffset(selected: selected, count: items.count, height: r.height) == 0 ? inputIndex : r.height - 1)
            f.put(" ", x: r.x + 2 + TextWidth.of("+ new zone: " + z.newZoneInput), y: row, role: .normal)
        }
    }
}

extension WizardState {
    /// The zones of the chosen set other than the home zone (the checkbox rows).
    public var setZoneChoices: [HostedZone] {
        (zones.setZones.value ?? []).filter { Self.bare($0.name) != homeName.lowercased() }
    }
    /// Public zones of the account outside the chosen set (they would need migrating).
    public var otherZones: [HostedZone] {
        let inSet = Set((zones.setZones.value ?? []).map(\.id))
        return (allZones.value ?? []).filter {
            !inSet.contains($0.id) && $0.config?.privateZone != true && Self.bare($0.name) != homeName.lowercased()
        }
    }
}

extension WizardStep {
    public static let zones = WizardStep(ZonesStep.self)
}

extension WizardState {
    /// This step's state.
    public var zones: ZonesStep.State { get { stepStates[ZonesStep.State.self] } set { stepStates[ZonesStep.State.self] = newValue } }
}
