import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 6, Plan: the change batch of each zone, one zone at a time, each answered y (apply) or s (skip); a zone with
/// nothing to change is skipped by itself. ↑↓ and enter show one record set whole, `d` every change in full.
/// Reads: the request the earlier steps make (`WizardState.request`: set, home domain, hosts, zones), or the
/// journal's when resuming (`resuming`).
/// Hands on: the plan (`result`) and the answers (`decisions`), which the apply step applies.
public enum PlanStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var result: Loadable<WhiteLabelPlan> = .idle
        /// The zone whose batch is on screen; past the last zone when every zone has an answer.
        public var planIndex = 0
        public var decisions: [String: ZoneDecision] = [:]
        public var showDetail = false
        public var detailOffset = 0
        /// The change of the zone's batch under the cursor, and whether it is shown whole (the record detail view).
        public var planRecord = 0
        public var showRecord = false
        public var recordOffset = 0
    }

    public enum Msg: WizardStepMsg {
        case planned(Result<WhiteLabelPlan, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .planned(r):
                s.plan.result = Loadable(r)
                s.plan.decisions = [:]; s.plan.planIndex = 0
                skipEmptyZones(&s)
                // Resuming a run whose zones are already as planned: straight on to close their journals.
                if s.accountStep.resuming != nil && s.plan.result.value != nil && s.plan.planIndex >= s.planZones.count { return s.go(.apply) }
                return []
            }
        }
    }

    static let title = "Plan"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        s.plan.showDetail = false; s.plan.showRecord = false
        if s.copyPhase { return MigrationFlow.planCopies(&s) }
        s.plan.result = .loading
        return [.plan(s.request)]
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        if s.plan.showRecord { s.plan.showRecord = false; return [] }
        if s.plan.showDetail { s.plan.showDetail = false; return [] }
        if let r = s.accountStep.resuming {
            // The resumed run skipped steps 2-5: back to the offer.
            s.accountStep.resuming = nil; s.accountStep.resumeOffer = r
            s.delegationSet.chosenSet = nil; s.vanityHosts.homeDomain = nil; s.vanityHosts.hosts = []; s.plan.result = .idle
            s.step = .account
            return []
        }
        return s.goBack()
    }

    /// Answers "skip" for zones with nothing to change (and, when resuming, for zones that run left finished).
    static func skipEmptyZones(_ s: inout WizardState) {
        let zones = s.planZones, resuming = s.accountStep.resuming
        func settled(_ z: ZonePlan) -> Bool { z.isEmpty || resuming.map { !$0.zones.contains(z.zoneName) } == true }
        while s.plan.planIndex < zones.count && settled(zones[s.plan.planIndex]) {
            s.plan.decisions[zones[s.plan.planIndex].zoneName] = .skip; s.plan.planIndex += 1
        }
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        if s.plan.showRecord {
            switch a {
            case .up: s.plan.recordOffset = max(0, s.plan.recordOffset - 1)
            case .down: s.plan.recordOffset = min(s.plan.recordOffset + 1, s.recordMaxOffset)
            case .openRecord: s.plan.showRecord = false
            case .copy:
                guard let r = s.recordOnScreen else { return [] }
                return [.copy(text: s.recordDetail(r).text, what: "record set \(r.name) \(r.type)", prefix: "record")]
            default: break
            }
            return []
        }
        if s.plan.showDetail {
            switch a {
            case .up: s.plan.detailOffset = max(0, s.plan.detailOffset - 1)
            case .down: s.plan.detailOffset = min(s.plan.detailOffset + 1, s.detailMaxOffset)
            case .detail: s.plan.showDetail = false
            default: break
            }
            return []
        }
        if s.copyPhase { return CopyPlan.act(&s, a) }
        let zones = s.planZones
        switch a {
        case .rerun: return s.go(.plan)
        case .choose: return s.plan.result.value != nil && s.plan.planIndex >= zones.count ? s.goNext() : []
        case .detail: s.plan.showDetail = true; s.plan.detailOffset = 0; return []
        case .up: s.plan.planRecord = max(0, s.plan.planRecord - 1)
        case .down: s.plan.planRecord = min(max(0, (s.selectedZone?.changes.count ?? 0) - 1), s.plan.planRecord + 1)
        case .openRecord: if s.selectedChange != nil { s.plan.showRecord = true; s.plan.recordOffset = 0 }
        case .yes, .skip:
            guard s.plan.planIndex < zones.count else { return [] }
            s.plan.decisions[zones[s.plan.planIndex].zoneName] = a == .yes ? .apply : .skip
            s.plan.planIndex += 1; s.plan.planRecord = 0
            skipEmptyZones(&s)
            if s.plan.planIndex >= zones.count { return s.goNext() }
        default: break
        }
        return []
    }

    static func boxTitle(_ s: WizardState) -> String {
        if s.copyPhase { return CopyPlan.boxTitle(s) }
        guard let z = s.selectedZone else { return "Plan" }
        return "Plan ─ zone \(s.plan.planIndex + 1) of \(s.planZones.count): \(WizardState.bare(z.zoneName))\(z.isHome ? (z.glueOnly ? " (home zone, other set: glue only)" : " (home zone)") : "")"
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        let p = s.plan
        var b: [B] = []
        if p.showRecord {
            b = WizardState.move("scroll") + [B([.char("c")], "c", "copy", .copy), B([.enter], "enter", "back to the batch", footer: false, .openRecord)]
        } else if p.showDetail {
            b = WizardState.move("scroll") + [B([.char("d")], "d", "close details", .detail)]
        } else if s.copyPhase {
            b = CopyPlan.keys(s)
        } else if p.result.value != nil && p.planIndex < s.planZones.count {
            b = [B([.char("y")], "y", "apply", .yes), B([.char("s")], "s", "skip", .skip),
                 B([.up, .char("k")], "↑↓", "choose a record", footer: false, .up), B([.down, .char("j")], "↓/j", "next record", footer: false, .down),
                 B([.enter], "↑↓ enter", "record", .openRecord), B([.char("d")], "d", "all", .detail)]
        } else if p.result.value != nil {
            b = [B([.enter], "enter", "continue", .choose)]
        } else if p.result.error != nil {
            b = [B([.char("r")], "r", "plan again", .rerun)]
        }
        return WizardState.keys(b)
    }

    static func animating(_ s: WizardState) -> Bool { s.copyPhase ? s.migration.plan.isLoading : s.plan.result.isLoading }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let p = s.plan
        if s.copyPhase && s.migration.plan.value != nil && (p.showRecord || p.showDetail) { return drawOpen(s, &f, r) }
        if s.copyPhase { return CopyPlan.draw(s, &f, r) }
        switch p.result {
        case .idle, .loading: s.loading(&f, r, "planning: reading records and resolving addresses…"); return
        case let .failed(m): _ = s.failed(&f, r, m, hint: "Nothing has been changed. r plans again; esc goes back to fix the input."); return
        case .loaded: break
        }
        guard let z = s.selectedZone else {
            let text = s.planZones.allSatisfy(\.isEmpty) ? "Nothing to change: every zone already uses the vanity hosts as planned."
                                                        : "Every zone has an answer."
            f.put(text, x: r.x, y: r.y, width: r.width, role: .ok)
            f.put("enter continues to the apply step.", x: r.x, y: r.y + 1, role: .dim)
            return
        }
        if p.showRecord || p.showDetail { return drawOpen(s, &f, r) }
        var lines: [(String, Role)] = []
        if z.createInSet { lines.append(("+ create zone \(z.zoneName) in set \(p.result.value?.setId ?? "")", .ok)) }
        // Each line with the change it belongs to (its first line is the one the cursor highlights).
        func changeLines(_ idx: [Int]) -> [(String, Role, Int?)] {
            idx.flatMap { i in ChangeLines.of(z.changes[i], width: r.width, full: false).enumerated().map { ($0.element.0, $0.element.1, $0.offset == 0 ? i : nil) } }
        }
        var rest = changeLines(z.changes.indices.filter { z.changes[$0].role != .glue })
        if let warnings = p.result.value?.warnings, p.planIndex == 0 { for w in warnings { rest.append(("! " + w, .warn, nil)) } }
        rest.append(("Old values are saved; `vanityns rollback --zone \(WizardState.bare(z.zoneName))` restores them.", .dim, nil))
        // Every glue record when the screen has the room, else two (those around the cursor) and a count.
        let glue = z.changes.indices.filter { z.changes[$0].role == .glue }
        var all: [(String, Role, Int?)] = lines.map { ($0.0, $0.1, nil) }
        let allGlue = changeLines(glue)
        if lines.count + allGlue.count + rest.count <= r.height || glue.count <= 2 { all += allGlue }
        else {
            let at = glue.firstIndex(of: p.planRecord).map { min($0, glue.count - 2) } ?? 0
            all += changeLines(Array(glue[at..<(at + 2)]))
            all.append(("  … \(glue.count - 2) more glue records (d shows all)", .dim, nil))
        }
        all += rest
        for (i, l) in all.prefix(r.height).enumerated() {
            f.put(TextWidth.truncate(l.0, to: r.width), x: r.x, y: r.y + i, role: l.1)
            if l.2 == p.planRecord && !s.focusLog { f.paint(x: r.x, y: r.y + i, width: r.width, role: .selected) }
        }
    }

    /// The record view (enter) or every line of the batch (d), scrolled.
    static func drawOpen(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let p = s.plan
        if p.showRecord { RecordDetail.draw(&f, r, lines: s.openRecordLines(width: r.width), offset: p.recordOffset); return }
        let lines = s.detailLines(width: r.width)
        let top = min(p.detailOffset, max(0, lines.count - r.height))
        for (i, l) in lines.dropFirst(top).prefix(r.height).enumerated() {
            f.put(TextWidth.truncate(l.0, to: r.width), x: r.x, y: r.y + i, role: l.1)
        }
        let below = lines.count - top - r.height
        for (text, y, show) in [(" ↑ \(top) above", r.y, top > 0), (" ↓ \(below) more", r.maxY - 1, below > 0)] where show {
            f.put(text, x: r.x + r.width - TextWidth.of(text), y: y, role: .accent)
        }
    }
}

extension WizardState {
    /// The zones of the plan, in order.
    public var planZones: [ZonePlan] { plan.result.value?.zones ?? [] }

    /// The zone whose batch is on screen, and the change under the cursor.
    var selectedZone: ZonePlan? { plan.planIndex < planZones.count ? planZones[plan.planIndex] : nil }
    var selectedChange: PlannedChange? {
        guard let z = selectedZone, z.changes.indices.contains(plan.planRecord) else { return nil }
        return z.changes[plan.planRecord]
    }

    /// Every line of the batch on screen (the `d` view): a zone's changes in full, or a copy's summary and every
    /// record set it writes.
    func detailLines(width: Int) -> [(String, Role)] {
        if copyPhase {
            guard let z = selectedCopy else { return [] }
            return MigrationRenderer.zone(z, setId: migration.plan.value?.setId ?? "", width: width).map { ($0, .normal) }
                + MigrationRenderer.recordLines(z).map { ("  " + $0, .ok) }
        }
        guard let z = selectedZone else { return [] }
        return (z.createInSet ? [("+ create zone \(z.zoneName) in set \(plan.result.value?.setId ?? "")", .ok)] : []) + ChangeLines.detail(z, width: width)
    }

    /// How far the `d` view can scroll.
    var detailMaxOffset: Int { max(0, detailLines(width: size.width - 4).count - bodyRows) }

    /// The record set the record view (enter) shows.
    var recordOnScreen: ResourceRecordSet? {
        if copyPhase { return copyRecords.indices.contains(plan.planRecord) ? copyRecords[plan.planRecord] : nil }
        return selectedChange?.after
    }

    /// The record view's lines for the batch on screen.
    func openRecordLines(width: Int) -> [(String, Role)] {
        if copyPhase { return recordOnScreen.map { [("written by the copy into the new zone:", .accent)] + recordDetail($0).lines(width: width) } ?? [] }
        return selectedChange.map { recordLines($0, width: width) } ?? []
    }

    /// The record view's lines: the record set as the change leaves it, then as it was for a change of one.
    func recordLines(_ c: PlannedChange, width: Int) -> [(String, Role)] {
        let what: String
        switch c.action {
        case .delete: what = "deleted by this batch"
        case .create: what = "created by this batch"
        case .upsert: what = c.before == nil ? "created by this batch" : "after this batch"
        }
        var out: [(String, Role)] = [(what + ":", .accent)] + recordDetail(c.after).lines(width: width)
        if let b = c.before, c.action == .upsert {
            out += [("", .normal), ("before:", .dim)] + recordDetail(b).lines(width: width)
        }
        return out
    }

    /// How far the record view can scroll.
    var recordMaxOffset: Int { max(0, openRecordLines(width: size.width - 4).count - bodyRows) }
}

extension WizardStep {
    public static let plan = WizardStep(PlanStep.self)
}

extension WizardState {
    /// This step's state.
    public var plan: PlanStep.State { get { stepStates[PlanStep.State.self] } set { stepStates[PlanStep.State.self] = newValue } }
}
