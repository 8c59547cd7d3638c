import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 7, Apply: applies the confirmed zones one at a time (old values journaled first, then the batch, then the
/// wait for INSYNC), showing each zone's progress; a failed zone is retried or skipped. An apply an earlier run left
/// unfinished is offered first.
/// Reads: the plan and its answers (`plan.result`, `plan.decisions`), and `resuming`.
/// Hands on: nothing the later steps read; the zones are now served by the vanity hosts.
public enum ApplyStep: WizardStepHandler {
    public struct State: WizardStepState {
        /// The unfinished zones the journal holds (nil: not read yet).
        public var unfinished: [String]? = nil
        public var resumeAnswered = false
        /// The confirmed zones, applied one at a time (`queue.running`), with their progress lines.
        public var queue = ZoneQueue<ApplyProgress>()
        public var applyStarted = false
    }

    public enum Msg: WizardStepMsg {
        case unfinished([String])
        case applyEvent(zone: String, ApplyEvent)
        case applyFinished(zone: String, Result<Bool, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .unfinished(zones):
                s.apply.unfinished = zones
                if s.accountStep.resuming != nil { s.apply.resumeAnswered = true; return startApply(&s, resume: true) }
                if zones.isEmpty { s.apply.resumeAnswered = true; return startApply(&s, resume: false) }
                return []
            case let .applyEvent(zone, e):
                s.apply.queue.update(zone) { p in
                    switch e {
                    case let .journalSaved(path): p.journal = path; p.status = "old values saved"
                    case let .zoneCreated(_, id): p.status = "zone created (\(id))"
                    case let .submitted(_, id): p.changeId = id; p.status = "submitted"
                    case let .waiting(_, id, status, elapsed): p.changeId = id; p.status = "waiting for INSYNC (\(status.rawValue))"; p.elapsed = elapsed
                    case let .inSync(_, id): p.changeId = id; p.status = "in sync"; p.done = true
                    case .alreadyDone: p.status = "already done"; p.done = true
                    }
                }
                return []
            case let .applyFinished(zone, r):
                switch r {
                case .success:
                    s.apply.queue.finish(zone, error: nil) { p in if p.status != "already done" { p.status = "in sync" } }
                    return nextApply(&s)
                case let .failure(e):
                    s.apply.queue.finish(zone, error: e.message)
                    return []
                }
            }
        }
    }

    static let title = "Apply"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        if s.copyPhase { return MigrationFlow.startCopies(&s) }
        s.apply.unfinished = nil; s.apply.resumeAnswered = false; s.apply.applyStarted = false; s.apply.queue = ZoneQueue()
        return [.checkUnfinished]
    }

    static func perform(_ s: inout WizardState, _ p: PendingAction) -> [WizardCommand] {
        p == .lowerOldNSTTL ? OldNSTTL.perform(&s) : []
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        if s.copyPhase { return CopyApply.back(&s) }
        if s.apply.queue.running != nil || s.apply.queue.lines.contains(where: \.done) {
            s.notice = ("Zones were applied: going back is not possible. Press enter to continue.", .warn); return []
        }
        s.plan.planIndex = 0; s.plan.decisions = [:]; PlanStep.skipEmptyZones(&s)
        return s.goBack()
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        if s.copyPhase { return CopyApply.act(&s, a) }
        switch a {
        case .resume: s.apply.resumeAnswered = true; return startApply(&s, resume: true)
        case .no: s.apply.resumeAnswered = true; return startApply(&s, resume: false)
        case .retry: return s.apply.queue.retryFailed() ? nextApply(&s) : []
        case .skip: return s.apply.queue.skipFailed() ? nextApply(&s) : []
        case .choose: return s.goNext()
        default: return []
        }
    }

    static func startApply(_ s: inout WizardState, resume: Bool) -> [WizardCommand] {
        s.apply.applyStarted = true
        let pending = resume ? Set((s.apply.unfinished ?? []).map(WizardState.bare)) : []
        let zones = s.planZones, decisions = s.plan.decisions, resuming = s.accountStep.resuming
        let queue = zones.filter { z in
            if decisions[z.zoneName] == .apply { return true }
            guard pending.contains(WizardState.bare(z.zoneName)) else { return false }
            // A pending zone with nothing left is applied all the same, so the engine closes its journal. One with
            // changes left follows its answer in the plan, unless the step 7 question ("resume?") was answered yes.
            return z.isEmpty || resuming == nil
        }.map(\.zoneName)
        s.apply.queue.waiting = queue
        s.apply.queue.lines = queue.map { ApplyProgress(zone: $0) }
        if queue.isEmpty {
            s.notice = zones.allSatisfy(\.isEmpty) ? ("Nothing to change: every zone already uses the vanity hosts.", .ok)
                                                   : ("No zone was confirmed, so nothing was changed.", .warn)
        }
        return nextApply(&s)
    }

    static func nextApply(_ s: inout WizardState) -> [WizardCommand] {
        guard let p = s.plan.result.value, let zone = s.apply.queue.startNext(in: p.zones, named: \.zoneName) else { return [] }
        return [.apply(zone, p)]
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        let a = s.apply
        var b: [B] = []
        if s.copyPhase {
            b = CopyApply.keys(s)
        } else if a.unfinished.map({ !$0.isEmpty }) == true && !a.resumeAnswered {
            b = [B([.char("y")], "y", "resume", .resume), B([.char("n")], "n", "do not resume", .no)]
        } else if a.queue.failed != nil {
            b = [B([.char("r")], "r", "retry", .retry), B([.char("s")], "s", "skip zone", .skip)]
        } else if a.queue.running == nil && a.applyStarted {
            b = [B([.enter], "enter", "continue", .choose)]
        }
        return WizardState.keys(b)
    }

    static func animating(_ s: WizardState) -> Bool {
        s.copyPhase ? s.migration.queue.running != nil : s.apply.queue.running != nil || s.apply.unfinished == nil
    }

    static func boxTitle(_ s: WizardState) -> String { s.copyPhase ? "Apply ─ copying zones into set \(s.migration.plan.value?.setId ?? "")" : title }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        if s.copyPhase { return CopyApply.draw(s, &f, r) }
        let a = s.apply
        var y = r.y
        guard let unfinished = a.unfinished else { s.loading(&f, r, "reading the journal…"); return }
        if !unfinished.isEmpty && !a.resumeAnswered {
            s.paragraph(&f, "An earlier apply did not finish for: \(unfinished.joined(separator: ", ")).", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .warn)
            s.paragraph(&f, "Resume it now? Resuming applies those zones' planned changes again (safe: a zone already done is recognised). y resumes, n leaves them for later.", x: r.x, y: &y, width: r.width, maxY: r.maxY)
            return
        }
        if a.queue.lines.isEmpty { f.put("Nothing to apply. Press enter to continue.", x: r.x, y: y, role: .dim); return }
        for p in a.queue.lines where y < r.maxY {
            let mark = p.error != nil ? Glyph.cross : p.done ? Glyph.check : (a.queue.running == p.zone ? s.spin : " ")
            let elapsed = p.elapsed.map { String(format: "  %.0f s", $0) } ?? ""
            f.put("\(mark) \(TextWidth.pad(WizardState.bare(p.zone), to: 28)) \(p.status)\(elapsed)", x: r.x, y: y, width: r.width,
                  role: p.error != nil ? .error : p.done ? .ok : .normal)
            y += 1
            if let j = p.journal, y < r.maxY { f.put("    journal: \(j)", x: r.x, y: y, width: r.width, role: .dim); y += 1 }
            if let c = p.changeId, y < r.maxY { f.put("    change:  \(c)", x: r.x, y: y, width: r.width, role: .dim); y += 1 }
            if let e = p.error { s.paragraph(&f, "    " + e, x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .error) }
        }
        if a.queue.idle && y < r.maxY - 1 {
            y += 1
            f.put("Done. Next: the registrar (enter).", x: r.x, y: y, role: .ok)
        }
    }
}

extension WizardStep {
    public static let apply = WizardStep(ApplyStep.self)
}

extension WizardState {
    /// This step's state.
    public var apply: ApplyStep.State { get { stepStates[ApplyStep.State.self] } set { stepStates[ApplyStep.State.self] = newValue } }
}
