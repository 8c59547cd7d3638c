import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 9, Verify: asks each vanity host directly, at each of its addresses, for the SOA and NS of every planned
/// zone, and checks the parent's delegation; then says what is left (finalize in a day or two, a cron line).
/// Reads: `homeName`, `hosts` and the plan's zones (`plan.result`).
/// Hands on: nothing; enter ends the wizard.
public enum VerifyStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var report: Loadable<VerifyReport> = .idle
        public var verifyOffset = 0
    }

    public enum Msg: WizardStepMsg {
        case verified(Result<VerifyReport, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .verified(r): s.verify.report = Loadable(r); s.verify.verifyOffset = 0
            }
            return []
        }
    }

    static let title = "Verify"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        s.verify.report = .loading
        return [.verify(homeDomain: s.homeName, zones: s.planZones.map { WizardState.bare($0.zoneName) }, hosts: s.vanityHosts.hosts)]
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        switch a {
        case .copy:
            guard let report = s.verify.report.value else { return [] }
            return [.copy(text: ReportRenderer.verifyTable(report) + "\n\n" + s.cronLine + "\n", what: "the verify table and the cron line",
                          prefix: "verify-\(s.homeName)")]
        case .rerun: return s.go(.verify)
        case .up: s.verify.verifyOffset = max(0, s.verify.verifyOffset - 1)
        case .down: s.verify.verifyOffset = min(s.verify.verifyOffset + 1, s.verifyMaxOffset)
        case .finish: s.exitCode = 0
        case .next: return s.go(.signZones)
        default: break
        }
        return []
    }

    static func boxTitle(_ s: WizardState) -> String { "Verify ─ asking each vanity host directly" }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        WizardState.keys([B([.char("r")], "r", "recheck", .rerun)] + WizardState.move("scroll") + [
            B([.char("c")], "c", "copy", .copy), B([.char("z")], "z", "sign zones (DNSSEC)", footer: false, .next),
            B([.enter], "enter", "finish", .finish)])
    }

    static func animating(_ s: WizardState) -> Bool { s.verify.report.isLoading }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        switch s.verify.report {
        case .idle, .loading: s.loading(&f, r, "asking each vanity host for SOA and NS of every zone…"); return
        case let .failed(m): _ = s.failed(&f, r, m, hint: "r tries again."); return
        case .loaded: break
        }
        let report = s.verify.report.value!
        let titles = ["server", "address", "zone", "auth", "serial", "NS", "result"]
        var rows: [[String]] = [], roles: [Role] = []
        for v in report.rows {
            rows.append([v.server, v.address, WizardState.bare(v.zone), v.authoritative ? "yes" : "no", v.soaSerial.map(String.init) ?? "-",
                         v.nsMatches ? Glyph.check : Glyph.cross, v.passed ? "ok" : v.problems.joined(separator: "; ")])
            roles.append(v.passed ? .ok : .error)
        }
        let summary = s.verifySummary(report, width: r.width)
        let (tableH, fits) = tableHeight(rows: rows.count, summary: summary.count, height: r.height)
        let visible = tableH - 1
        let offset = min(s.verify.verifyOffset, max(0, rows.count - visible))
        let cols = titles.indices.map { i in Widgets.contentColumn(titles[i], rows.map { $0[i] }) }
        let gap = cols.reduce(2 * (cols.count - 1)) { $0 + $1.width } <= r.width ? 2 : 1
        Widgets.table(&f, Rect(x: r.x, y: r.y, width: r.width, height: tableH), columns: cols, rows: rows, rowRoles: roles,
                      offset: offset, gap: gap, shrinkFirst: [6, 2, 0])
        var y = r.y + tableH
        if !fits {
            let below = rows.count - offset - visible
            var marks: [String] = []
            if offset > 0 { marks.append("↑ \(offset) above") }
            if below > 0 { marks.append("↓ \(below) more") }
            f.put(marks.joined(separator: "  ") + " (↑↓ scroll)", x: r.x, y: y, width: r.width, role: .accent)
            y += 1
        }
        y = max(y + 1, r.maxY - summary.count)
        for (l, role) in summary where y < r.maxY { f.put(l, x: r.x, y: y, width: r.width, role: role); y += 1 }
    }

    /// The table's height (heading included) and whether every row fits; when not, one line is kept for the marker.
    static func tableHeight(rows: Int, summary: Int, height: Int) -> (Int, Bool) {
        let room = max(2, height - summary - 1)
        return rows + 1 <= room ? (rows + 1, true) : (max(2, room - 1), false)
    }
}

extension WizardState {
    /// How far the verify table can scroll at the current size.
    var verifyMaxOffset: Int {
        guard let report = verify.report.value else { return 0 }
        let width = size.width - 4
        let (tableH, _) = VerifyStep.tableHeight(rows: report.rows.count, summary: verifySummary(report, width: width).count,
                                                 height: bodyRows - (notice == nil ? 0 : 1))
        return max(0, report.rows.count - (tableH - 1))
    }

    /// The crontab line that watches the glue (shown under the verify table, copied with it).
    var cronLine: String { "17 */6 * * *  vanityns check --domain \(homeName)" }

    /// Below the table: the verdict, the first problem in full, and what to do next.
    func verifySummary(_ report: VerifyReport, width: Int) -> [(String, Role)] {
        var summary: [(String, Role)] = []
        func add(_ text: String, _ role: Role) { for l in Widgets.wrap(text, width: width) { summary.append((l, role)) } }
        for p in report.parentProblems { add("\(Glyph.cross) parent: " + p, .error) }
        if report.passed {
            add("\(Glyph.check) Every vanity host answers for every zone; z signs them (optional DNSSEC).", .ok)
        } else {
            add("\(Glyph.cross) Not yet: registrar changes can take up to a day or two. r checks again.", .warn)
            let first = report.rows.first { !$0.passed }
            if let v = first { add("  \(v.server) \(v.address) \(Self.bare(v.zone)): \(v.problems.joined(separator: "; "))", .error) }
        }
        add("In a day or two, `vanityns finalize --domain \(homeName)` raises the TTLs.", .normal)
        let cron = cronLine
        if TextWidth.of("Watch the glue from cron: " + cron) <= width { summary.append(("Watch the glue from cron: " + cron, .dim)) }
        else { summary.append(("Watch the glue from cron:", .dim)); summary.append(("  " + cron, .accent)) }
        return summary
    }
}

extension WizardStep {
    public static let verify = WizardStep(VerifyStep.self)
}

extension WizardState {
    /// This step's state.
    public var verify: VerifyStep.State { get { stepStates[VerifyStep.State.self] } set { stepStates[VerifyStep.State.self] = newValue } }
}
