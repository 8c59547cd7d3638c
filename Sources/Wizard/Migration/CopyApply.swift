import Foundation
import Route53
import WhiteLabel
import Terminal

/// The apply step while zones are being migrated: the confirmed copies one after the other (`migrate`: the new zone,
/// each batch waited INSYNC, the parity check), a progress line per zone and its parity line beneath; a failed zone
/// is retried or skipped. Then enter plans the switch of the copies (and the other zones) to the vanity hosts.
enum CopyApply {
    typealias B = KeyBinding<WizardAction>

    static func act(_ s: inout WizardState, _ a: WizardAction) -> [WizardCommand] {
        switch a {
        case .retry: return s.migration.queue.retryFailed() ? MigrationFlow.nextCopy(&s) : []
        case .skip: return s.migration.queue.skipFailed() ? MigrationFlow.nextCopy(&s) : []
        case .lowerTTL: return OldNSTTL.start(&s)
        case .choose:
            guard s.migration.queue.idle && !OldNSTTL.busy(s) else { return [] }
            // The copies exist now: plan every zone's vanity batch, the copies among the set's zones.
            s.migration.finished = true
            return s.go(.plan)
        default: return []
        }
    }

    static func keys(_ s: WizardState) -> [B] {
        let q = s.migration.queue
        if q.running != nil { return [] }
        if q.failed != nil { return [B([.char("r")], "r", "retry", .retry), B([.char("s")], "s", "skip zone", .skip)] }
        guard q.waiting.isEmpty && !OldNSTTL.busy(s) else { return [] }
        return [B([.enter], "enter", "plan the switch", .choose)] + (OldNSTTL.offered(s) ? [B([.char("t")], "t", "lower old NS TTL", .lowerTTL)] : [])
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        if s.migration.queue.running != nil || s.migration.queue.lines.contains(where: { $0.done }) {
            s.notice = ("Zones were copied: going back is not possible. Press enter to continue.", .warn); return []
        }
        s.migration.decisions = [:]; s.plan.planIndex = 0; s.plan.planRecord = 0
        return s.goBack()
    }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let m = s.migration
        var y = r.y
        for p in m.queue.lines where y < r.maxY {
            let mark = p.error != nil || (p.done && !p.identical) ? Glyph.cross : p.done ? Glyph.check : (m.queue.running == p.zone ? s.spin : " ")
            f.put("\(mark) \(TextWidth.pad(WizardState.bare(p.zone), to: 20)) \(p.status)", x: r.x, y: y, width: r.width,
                  role: p.error != nil || (p.done && !p.identical) ? .error : p.done ? .ok : .normal)
            y += 1
            for line in p.parity.prefix(4) {
                s.paragraph(&f, line, x: r.x + 2, y: &y, width: r.width - 2, maxY: r.maxY, role: p.identical ? .ok : .warn)
            }
            if let e = p.error { s.paragraph(&f, e, x: r.x + 2, y: &y, width: r.width - 2, maxY: r.maxY, role: .error) }
            if let ttl = OldNSTTL.line(s, zone: p.zone) { s.paragraph(&f, ttl.text, x: r.x + 2, y: &y, width: r.width - 2, maxY: r.maxY, role: ttl.failed ? .error : .dim) }
        }
        guard m.queue.idle && y < r.maxY - 1 else { return }
        y += 1
        let kept = s.oldNSTTL.lowered.isEmpty ? "the old zones are unchanged" : "the old zones keep every record"
        let text = m.copied.isEmpty ? "No zone was copied. enter plans the other zones' batches."
            : "Copied; \(kept). enter plans the switch of the new zones to the vanity hosts."
            + (OldNSTTL.offered(s) ? " t first lowers the old zones' NS TTL to \(OldNSTTL.ttl) s, so resolvers follow the switch within minutes." : "")
        s.paragraph(&f, text, x: r.x, y: &y, width: r.width, maxY: r.maxY, role: m.copied.isEmpty ? .warn : .ok)
    }
}
