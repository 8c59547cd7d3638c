import Foundation
import Route53
import WhiteLabel
import Terminal

/// The plan step while zones wait to be migrated: each zone's copy (`MigrationRenderer.zone`: counts per type, what
/// cannot be copied, the batches) above the record sets it writes, answered y (copy) or s (skip). ↑↓ and enter show
/// one record set whole and `d` the whole copy, in the plan step's own record and detail views. A refused pre-check
/// shows every problem with what to do; nothing has been created then.
enum CopyPlan {
    typealias B = KeyBinding<WizardAction>

    static func act(_ s: inout WizardState, _ a: WizardAction) -> [WizardCommand] {
        switch a {
        case .rerun: if s.migration.plan.error != nil { return MigrationFlow.planCopies(&s) }
        case .acknowledge:
            if s.migration.plan.error != nil && s.migration.dnssecRefused { s.migration.acknowledgeDNSSEC = true; return MigrationFlow.planCopies(&s) }
        case .detail: if s.selectedCopy != nil { s.plan.showDetail = true; s.plan.detailOffset = 0 }
        case .up: s.plan.planRecord = max(0, s.plan.planRecord - 1)
        case .down: s.plan.planRecord = min(max(0, s.copyRecords.count - 1), s.plan.planRecord + 1)
        case .openRecord: if s.recordOnScreen != nil { s.plan.showRecord = true; s.plan.recordOffset = 0 }
        case .yes, .skip:
            guard let z = s.selectedCopy else { return [] }
            s.migration.decisions[z.zoneName] = a == .yes ? .apply : .skip
            s.plan.planIndex += 1; s.plan.planRecord = 0
            return MigrationFlow.settle(&s)
        default: break
        }
        return []
    }

    static func keys(_ s: WizardState) -> [B] {
        if s.selectedCopy != nil {
            return [B([.char("y")], "y", "copy", .yes), B([.char("s")], "s", "skip", .skip),
                    B([.up, .char("k")], "↑↓", "choose a record", footer: false, .up), B([.down, .char("j")], "↓/j", "next record", footer: false, .down),
                    B([.enter], "↑↓ enter", "record", .openRecord), B([.char("d")], "d", "all", .detail)]
        }
        guard s.migration.plan.error != nil else { return [] }
        return [B([.char("r")], "r", "check again", .rerun)] + (s.migration.dnssecRefused ? [B([.char("a")], "a", "DS is out: go on", .acknowledge)] : [])
    }

    static func boxTitle(_ s: WizardState) -> String {
        guard let z = s.selectedCopy, let p = s.migration.plan.value else { return "Plan ─ zones to migrate" }
        return "Copy ─ zone \(s.plan.planIndex + 1) of \(p.zones.count): \(WizardState.bare(z.zoneName)) into set \(p.setId)"
    }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        var y = r.y
        switch s.migration.plan {
        case .idle, .loading:
            s.loading(&f, r, "checking the zones to migrate (room, conflicts, DNSSEC) and reading their records…"); return
        case let .failed(m):
            f.put("Cannot migrate:", x: r.x, y: y, role: .error); y += 1
            let hint = MigrationRefused.acknowledgeHint, key = "Press a once the DS is out"
            for problem in m.split(separator: "\n") {
                s.paragraph(&f, "\(Glyph.cross) " + problem.replacingOccurrences(of: hint, with: key), x: r.x, y: &y, width: r.width, maxY: r.maxY - 1, role: .error)
            }
            s.paragraph(&f, "Nothing has been created. esc goes back to the zones step (leave the zone out); r checks again"
                        + (s.migration.dnssecRefused ? "; a goes on past DNSSEC (the DS is out of the parent and its TTL has passed)." : "."),
                        x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
            return
        case .loaded: break
        }
        guard let z = s.selectedCopy else { f.put("Every copy has an answer.", x: r.x, y: y, role: .ok); return }
        let summary = MigrationRenderer.zone(z, setId: s.migration.plan.value?.setId ?? "", width: r.width).dropFirst()
        for line in summary where y < r.maxY {
            let role: Role = line.hasPrefix("  ! ") ? .warn : line.hasPrefix("  note:") ? .dim : .normal
            f.put(TextWidth.truncate(line, to: r.width), x: r.x, y: y, role: role); y += 1
        }
        let records = MigrationRenderer.recordLines(z)
        let room = r.maxY - y
        guard room > 0, !records.isEmpty else { return }
        // The record sets around the cursor, and how many more there are.
        let shown = records.count <= room ? records.count : max(1, room - 1)
        let top = max(0, min(s.plan.planRecord - shown / 2, records.count - shown))
        for (i, line) in records[top..<(top + shown)].enumerated() {
            f.put(TextWidth.truncate("  " + line, to: r.width), x: r.x, y: y + i, role: .ok)
            if top + i == s.plan.planRecord && !s.focusLog { f.paint(x: r.x, y: y + i, width: r.width, role: .selected) }
        }
        if shown < records.count {
            f.put("  … \(records.count - shown) more record sets (↑↓ scroll, d shows all)", x: r.x, y: y + shown, width: r.width, role: .dim)
        }
    }
}
