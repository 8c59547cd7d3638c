import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 8, Registrar: the name servers and glue (host) records the home domain's registrar must hold. A domain
/// registered with Route 53 Domains is updated from here (`a`, confirmed); otherwise the table is copied, written
/// to a file, and printed when the wizard ends. Migrated domains have their own lines (`MigratedRegistrar`, `m`).
/// Reads: the plan (`plan.result`: home domain, hosts and their addresses); the shared `registrarAvailable`.
/// Hands on: `afterExit` (the table printed after the screen is restored).
public enum RegistrarStep: WizardStepHandler {
    public struct State: WizardStepState {
        /// The domain's name servers at Route 53 Domains (nil inside: not registered there).
        public var registrarCurrent: Loadable<[DomainNameserver]?> = .idle
        public var registrarTable: [GlueRow] = []
        public var registrarApplied: Loadable<Bool> = .idle
        public var registrarFile: String?
    }

    public enum Msg: WizardStepMsg {
        case registrarLooked(Result<[DomainNameserver]?, UIError>)
        case registrarRows([GlueRow])
        case registrarApplied(Result<Bool, UIError>)
        case registrarFileWritten(Result<String, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .registrarLooked(r):
                s.registrar.registrarCurrent = Loadable(r)
                if case .success(nil) = r, let p = s.plan.result.value { return [.registrarRows(p)] }
                if case .failure = r, let p = s.plan.result.value { return [.registrarRows(p)] }
            case let .registrarRows(rows):
                s.registrar.registrarTable = rows
                s.afterExit = s.registrarText
            case let .registrarApplied(r):
                s.registrar.registrarApplied = Loadable(r)
                if case .success = r { s.notice = ("Route 53 Domains accepted the new name servers and glue.", .ok) }
            case let .registrarFileWritten(r):
                switch r {
                case let .success(path): s.registrar.registrarFile = path; s.notice = ("Table written to \(path)", .ok)
                case let .failure(e): s.notice = (e.message, .error)
                }
            }
            return []
        }
    }

    static let title = "Registrar"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        guard let p = s.plan.result.value else { return [] }
        let migrated = MigratedRegistrar.lookups(&s)
        if s.registrarAvailable { s.registrar.registrarCurrent = .loading; return [.registrarLookup(p)] + migrated }
        s.registrar.registrarCurrent = .loaded(nil)
        return [.registrarRows(p)] + migrated
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        switch a {
        case .registrarApply:
            guard let p = s.plan.result.value else { return [] }
            if p.homeInAnotherSet {
                s.notice = ("\(WizardState.bare(p.homeDomain)) lives in another set and keeps its own vanity hosts: its registrar is not changed. "
                            + "Delegate each zone of this set to these hosts at its registrar.", .warn)
                return []
            }
            s.confirm = Confirmation(question: "Set the name servers of \(WizardState.bare(p.homeDomain)) at Route 53 Domains to the vanity hosts with their glue addresses? The registry takes a few minutes.", action: .registrarApply)
            if s.registrar.registrarTable.isEmpty { return [.registrarRows(p)] }
        case .copy:
            guard !s.registrar.registrarTable.isEmpty else { return [] }
            return [.copy(text: ReportRenderer.registrarTable(s.registrar.registrarTable) + "\n", what: "the registrar table", prefix: "registrar-\(s.homeName)")]
        case .writeFile:
            return [.writeFile(text: s.registrarText.joined(separator: "\n") + "\n", prefix: "registrar-\(s.homeName)", purpose: .registrar)]
        case .migratedApply: MigratedRegistrar.confirm(&s)
        case .choose: return s.goNext()
        default: break
        }
        return []
    }

    static func perform(_ s: inout WizardState, _ p: PendingAction) -> [WizardCommand] {
        if p == .registrarApplyMigrated { return MigratedRegistrar.perform(&s) }
        guard p == .registrarApply, let current = s.registrar.registrarCurrent.value, current != nil, let plan = s.plan.result.value,
              !plan.homeInAnotherSet else { return [] }
        s.registrar.registrarApplied = .loading
        let table = s.registrar.registrarTable
        let ns = table.isEmpty ? [] : table.map { DomainNameserver(name: $0.host, glueIps: [$0.ipv4, $0.ipv6].compactMap { $0 }) }
        return [.registrarApply(domain: WizardState.bare(plan.homeDomain), ns)]
    }

    static func boxTitle(_ s: WizardState) -> String { "Registrar ─ \(s.homeName)" }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        let migrated = MigratedRegistrar.pending(s).isEmpty ? [] : [B([.char("m")], "m", "update migrated", .migratedApply)]
        if s.registrar.registrarCurrent.value.map({ $0 != nil }) == true && s.registrar.registrarApplied.value == nil {
            return WizardState.keys([B([.char("a")], "a", "update registrar", .registrarApply)] + migrated + [B([.char("c")], "c", "copy", .copy),
                                     B([.enter], "enter", "continue", .choose)])
        }
        return WizardState.keys(migrated + [B([.char("c")], "c", "copy table", .copy), B([.char("w")], "w", "write it", .writeFile),
                                            B([.enter], "enter", "continue", .choose)])
    }

    static func animating(_ s: WizardState) -> Bool {
        s.registrar.registrarCurrent.isLoading || s.registrar.registrarApplied.isLoading || s.migratedRegistrar.applied.values.contains { $0.isLoading }
    }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let g = s.registrar, home = s.homeName
        var y = r.y
        // A refused update (the preflight names each host that does not answer): up to five lines at the bottom.
        var refusal: [String] = []
        switch g.registrarCurrent {
        case .idle, .loading: s.loading(&f, r, "asking Route 53 Domains about \(home)…"); return
        case let .failed(m):
            f.put("! Route 53 Domains could not be asked (\(TextWidth.truncate(m, to: r.width - 40))); enter the glue by hand:", x: r.x, y: y, width: r.width, role: .warn); y += 2
        case let .loaded(current):
            if let current {
                let done = g.registrarApplied.value != nil
                f.put("Registered with Route 53 Domains; name servers \(done ? "before the update" : "now"):", x: r.x, y: y,
                      width: r.width, role: .heading); y += 1
                // Room kept for the migrated zones' lines below the table.
                let migrated = s.migratedRegistrarLines.reduce(0) { $0 + Widgets.wrap($1, width: r.width).count + 1 }
                for ns in current where y < r.maxY - 8 - migrated {
                    f.put("  \(ns.name)  \((ns.glueIps ?? []).joined(separator: " "))", x: r.x, y: y, width: r.width, role: .dim); y += 1
                }
                y += 1
                f.put(done ? "Set at Route 53 Domains (the registry takes a few minutes):" : "After the update:", x: r.x, y: y,
                      width: r.width, role: .heading); y += 1
                switch g.registrarApplied {
                case .loading: f.put("\(s.spin) updating at Route 53 Domains…", x: r.x, y: r.maxY - 1, role: .accent)
                case let .failed(m): refusal = Array(Widgets.wrap("✗ " + m, width: r.width).prefix(5))
                case .loaded: f.put("\(Glyph.check) submitted to the registry", x: r.x, y: r.maxY - 1, role: .ok)
                case .idle: break
                }
            } else {
                s.paragraph(&f, "\(home) is not at Route 53 Domains: enter these name servers and their glue (host) records at its registrar:", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .heading); y += 1
            }
        }
        let rows = g.registrarTable.map { [$0.host, $0.ipv4 ?? "-", $0.ipv6 ?? "-"] }
        let cols = ["host", "IPv4", "IPv6"].enumerated().map { i, t in Widgets.contentColumn(t, rows.map { $0[i] }) }
        if g.registrarTable.isEmpty { s.loading(&f, Rect(x: r.x, y: y, width: r.width, height: 1), "building the table…") }
        else {
            Widgets.table(&f, Rect(x: r.x, y: y, width: r.width, height: min(rows.count + 1, r.maxY - y)), columns: cols, rows: rows,
                          shrinkFirst: [2])
        }
        y += rows.count + 2
        for line in s.migratedRegistrarLines where y < r.maxY - 2 {
            s.paragraph(&f, line, x: r.x, y: &y, width: r.width, maxY: r.maxY - 1, role: .heading); y += 1
        }
        // The last line is the registrar update's status when there is one.
        let last = g.registrarApplied.isLoading || g.registrarApplied.value != nil || g.registrarApplied.error != nil ? r.maxY - max(1, refusal.count) : r.maxY
        if let file = g.registrarFile, y < last { f.put("written to \(file)", x: r.x, y: y, width: r.width, role: .ok) }
        else if y < last { f.put("The table is also printed when the wizard ends.", x: r.x, y: y, role: .dim) }
        for (i, line) in refusal.enumerated() { f.put(line, x: r.x, y: r.maxY - refusal.count + i, width: r.width, role: .error) }
    }
}

extension WizardState {
    /// The registrar hand-off table as plain text (the same table `c` copies and the CLI prints).
    public var registrarText: [String] {
        guard !registrar.registrarTable.isEmpty else { return [] }
        return ["Enter these name servers and glue (host) records at the registrar of \(homeName):"]
            + ReportRenderer.registrarTable(registrar.registrarTable).split(separator: "\n").map(String.init) + migratedRegistrarLines
    }
}

extension WizardStep {
    public static let registrar = WizardStep(RegistrarStep.self)
}

extension WizardState {
    /// This step's state.
    public var registrar: RegistrarStep.State { get { stepStates[RegistrarStep.State.self] } set { stepStates[RegistrarStep.State.self] = newValue } }
}
