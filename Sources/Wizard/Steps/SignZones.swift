import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 10, Sign zones (optional, reached with `z` from verify): DNSSEC for the zones of the run, through the same
/// engine as `vanityns dnssec enable` and `status`. The zones are ticked (those already signing shown as such), the
/// KMS key created or named, and the plan `dnssec enable` prints shown (the key and its exact policy,
/// CreateKeySigningKey, EnableHostedZoneDNSSEC, where the DS goes); `y` signs, the calls go to the log pane and
/// the progress to the box. Then the DS: published through Route 53 Domains (`p`, confirmed, waited until every
/// parent server serves it) or the table to enter at another registrar (`c` copies it); then the chain checked per
/// zone as `dnssec status` checks it. A refused key (another region, wrong spec, a policy without Route 53) is shown
/// with what to do, nothing written.
/// Reads: the plan's zones (`planZones`). Hands on: nothing; enter (or `s`) ends the wizard.
public enum SignZonesStep: WizardStepHandler {
    /// Where the step is.
    public enum Phase: Sendable, Equatable { case pick, key, plan, signing, ds, check }

    /// One zone of the checklist.
    public struct Row: Sendable, Equatable {
        public var id: String
        public var name: String
        /// GetDNSSEC's ServeSignature.
        public var serveSignature: String
        public var keyTags: [Int]
        public var signing: Bool { serveSignature == "SIGNING" }
    }

    /// The plan shown before anything is written, with where each zone's DS goes.
    public struct Planned: Sendable, Equatable {
        public var plan: DNSSECEnablePlan
        public var publications: [String: DSPublication]
    }

    public struct State: WizardStepState {
        public var phase: Phase = .pick
        public var rows: Loadable<[Row]> = .idle
        public var picked: Set<String> = []
        public var cursor = 0
        /// 0: create the key (alias/vanityns-dnssec), 1: the ARN typed.
        public var keyChoice = 0
        public var arn = ""
        public var planned: Loadable<Planned> = .idle
        /// Progress lines of the signing and the DS (the calls themselves are in the log pane).
        public var progress: [String] = []
        public var signed: Loadable<Bool> = .idle
        /// Each signed zone's active KSK, by zone id.
        public var ksks: [String: KeySigningKey] = [:]
        public var published: Loadable<Bool> = .idle
        public var status: Loadable<[DNSSECZoneStatus]> = .idle
        public var offset = 0
    }

    /// The work the step asks of the runner.
    public enum Command: Sendable, Equatable {
        /// GetDNSSEC of each zone (id, name).
        case load([Row])
        case plan(zones: [String], arn: String?)
        case sign(Planned)
        case publish(domains: [String: String], ksks: [String: KeySigningKey])
        case check([Row])
    }

    public enum Msg: WizardStepMsg {
        case loaded(Result<[Row], UIError>)
        case planned(Result<Planned, UIError>)
        case progress(String)
        case zoneSigned(zoneId: String, KeySigningKey)
        case signed(Result<Bool, UIError>)
        case published(Result<Bool, UIError>)
        case checked(Result<[DNSSECZoneStatus], UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .loaded(r):
                s.signZones.rows = Loadable(r)
                s.signZones.picked = Set((s.signZones.rows.value ?? []).filter { !$0.signing }.map(\.id))
            case let .planned(r):
                s.signZones.planned = Loadable(r)
                s.signZones.offset = 0
            case let .progress(line): s.signZones.progress.append(line)
            case let .zoneSigned(id, ksk): s.signZones.ksks[id] = ksk
            case let .signed(r):
                s.signZones.signed = Loadable(r)
                if case .success = r { s.signZones.phase = .ds; s.signZones.offset = 0 }
            case let .published(r):
                s.signZones.published = Loadable(r)
                if case .success = r { return SignZonesStep.check(&s.signZones) }
            case let .checked(r):
                s.signZones.status = Loadable(r)
                s.signZones.offset = 0
            }
            return []
        }
    }

    static let title = "Sign zones"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        s.signZones = State()
        s.signZones.rows = .loading
        let rows = s.planZones.map { Row(id: $0.zoneId ?? "", name: WizardState.bare($0.zoneName), serveSignature: "", keyTags: []) }
        return [.dnssec(.load(rows))]
    }

    /// Nothing of the step is under way or half done: before `y`, or the chain checked (quitting then asks nothing).
    static func settled(_ s: WizardState) -> Bool {
        let st = s.signZones
        return [.pick, .key, .plan].contains(st.phase) || (st.phase == .check && !st.status.isLoading)
    }

    /// The zones ticked, in the checklist's order.
    static func pickedRows(_ s: WizardState) -> [Row] { (s.signZones.rows.value ?? []).filter { s.signZones.picked.contains($0.id) } }

    /// The chain of the planned zones checked (`dnssec status`'s checks).
    static func check(_ st: inout State) -> [WizardCommand] {
        st.phase = .check
        st.status = .loading
        let signed = (st.planned.value?.plan.zones ?? []).map { Row(id: $0.zoneId, name: $0.zoneName, serveSignature: "", keyTags: []) }
        return [.dnssec(.check(signed))]
    }

    /// The zones whose DS goes through Route 53 Domains (zone id: domain), and the table for the others.
    static func routes(_ s: WizardState) -> (domains: [String: String], others: [(DNSSECZoneStep, String)]) {
        var domains: [String: String] = [:], others: [(DNSSECZoneStep, String)] = []
        for z in s.signZones.planned.value?.plan.zones ?? [] {
            switch s.signZones.planned.value?.publications[z.zoneId] {
            case let .route53Domains(domain, _)?: domains[z.zoneId] = domain
            case let .otherRegistrar(domain)?: others.append((z, domain))
            case nil: others.append((z, WizardState.bare(z.zoneName)))
            }
        }
        return (domains, others)
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        var st = s.signZones
        defer { s.signZones = st }
        switch (st.phase, a) {
        case (_, .skip) where st.phase != .signing || st.signed.error != nil, (.check, .finish): s.exitCode = 0
        case (.pick, .up): st.cursor = max(0, st.cursor - 1)
        case (.pick, .down): st.cursor = min(st.cursor + 1, max(0, (st.rows.value?.count ?? 1) - 1))
        case (.pick, .toggle):
            guard let row = st.rows.value?[safe: st.cursor], !row.signing else { return [] }
            if st.picked.contains(row.id) { st.picked.remove(row.id) } else { st.picked.insert(row.id) }
        case (.pick, .choose):
            guard !st.picked.isEmpty else { s.notice = ("Tick a zone to sign (space), or s to skip.", .warn); return [] }
            st.phase = .key
        case (.key, .up): st.keyChoice = 0
        case (.key, .down): st.keyChoice = 1
        case (.key, .type): if let c = key.printable, c != " " { st.keyChoice = 1; st.arn.append(c) }
        case (.key, .erase): if !st.arn.isEmpty { st.arn.removeLast() }
        case (.key, .choose):
            if st.keyChoice == 1 && st.arn.isEmpty { s.notice = ("Type the key's ARN, or ↑ to create a key.", .warn); return [] }
            st.phase = .plan
            st.planned = .loading
            let zones = pickedRows(s).map(\.id)
            return [.dnssec(.plan(zones: zones, arn: st.keyChoice == 1 ? st.arn : nil))]
        case (.signing, .choose) where st.signed.error != nil && !st.ksks.isEmpty:
            // A zone failed after others signed: their DS can still go out.
            st.phase = .ds
            st.offset = 0
        case (.plan, .yes):
            guard let p = st.planned.value else { return [] }
            st.phase = .signing
            st.signed = .loading
            return [.dnssec(.sign(p))]
        case (.ds, .registrarApply):
            let (domains, _) = routes(s)
            guard !domains.isEmpty, !st.published.isLoading, st.published.value == nil else { return [] }
            s.confirm = Confirmation(question: "Publish the DS of \(domains.values.sorted().joined(separator: ", ")) through Route 53 Domains "
                                     + "(AssociateDelegationSignerToDomain)? The registry takes a few minutes.", action: .publishDS)
        case (.ds, .copy):
            let tables = routes(s).others.compactMap { z, d in st.ksks[z.zoneId].map { DNSSECText.dsTable(domain: d, ksk: $0) } }
            guard !tables.isEmpty else { return [] }
            return [.copy(text: tables.joined(separator: "\n\n") + "\n", what: "the DS table", prefix: "ds-\(s.homeName)")]
        case (.ds, .rerun), (.check, .rerun): return check(&st)
        // The progress screens follow their end: there the offset counts lines up from it.
        case (_, .up) where follows(st), (_, .down) where !follows(st): st.offset += 1
        case (_, .up), (_, .down): st.offset = max(0, st.offset - 1)
        default: break
        }
        return []
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        switch s.signZones.phase {
        case .pick: return s.goBack()
        case .key: s.signZones.phase = .pick
        case .plan: s.signZones.phase = .key; s.signZones.planned = .idle
        case .signing, .ds, .check: break
        }
        return []
    }

    static func perform(_ s: inout WizardState, _ p: PendingAction) -> [WizardCommand] {
        guard p == .publishDS else { return [] }
        s.signZones.published = .loading
        s.signZones.offset = 0
        return [.dnssec(.publish(domains: routes(s).domains, ksks: s.signZones.ksks))]
    }

    static func boxTitle(_ s: WizardState) -> String {
        switch s.signZones.phase {
        case .pick: return "Sign zones (DNSSEC) ─ which zones"
        case .key: return "Sign zones ─ the KMS key behind the key-signing keys"
        case .plan: return "Sign zones ─ the plan (nothing written yet)"
        case .signing: return "Sign zones ─ signing"
        case .ds: return "Sign zones ─ the DS at the parent"
        case .check: return "Sign zones ─ the chain of trust"
        }
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        let skip = B([.char("s")], "s", "skip (finish)", .skip)
        switch s.signZones.phase {
        case .pick:
            return WizardState.keys(WizardState.move() + [B([.char(" ")], "space", "sign", .toggle), B([.enter], "enter", "continue", .choose), skip])
        case .key:
            return WizardState.typingKeys([B([.up], "↑↓", "create / use a key", .up), B([.down], "↓", "use a key", footer: false, .down)]
                                          + WizardState.typing("the key's ARN", enter: "plan"))
        case .plan:
            let sign = s.signZones.planned.value == nil ? [] : [B([.char("y")], "y", "sign", .yes)]
            return WizardState.keys(sign + WizardState.move("scroll") + [skip])
        case .signing:
            let onward = s.signZones.signed.error != nil && !s.signZones.ksks.isEmpty ? [B([.enter], "enter", "DS of the signed", .choose)] : []
            return WizardState.keys(WizardState.move("scroll") + onward + (s.signZones.signed.error != nil ? [skip] : []))
        case .ds:
            var b = WizardState.move("scroll")
            let r = routes(s)
            if !r.domains.isEmpty && s.signZones.published.value == nil { b.append(B([.char("p")], "p", "publish DS", .registrarApply)) }
            if !r.others.isEmpty { b.append(B([.char("c")], "c", "copy DS", .copy)) }
            return WizardState.keys(b + [B([.char("r")], "r", "check chain", .rerun), skip])
        case .check:
            return WizardState.keys(WizardState.move("scroll") + [B([.char("r")], "r", "recheck", .rerun), B([.enter], "enter", "finish", .finish)])
        }
    }

    static func animating(_ s: WizardState) -> Bool {
        let st = s.signZones
        return st.rows.isLoading || st.planned.isLoading || st.signed.isLoading || st.published.isLoading || st.status.isLoading
    }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let st = s.signZones
        switch st.phase {
        case .pick: drawPick(s, &f, r)
        case .key: drawKey(s, &f, r)
        case .plan:
            switch st.planned {
            case .idle, .loading: s.loading(&f, r, "checking the key and reading each zone's signing (nothing written)…")
            case let .failed(m):
                scroll(s, &f, r, lines("\(Glyph.cross) Refused, nothing written:\n" + m, width: r.width, role: .error),
                       footer: [("esc picks another key; s skips signing.", .accent)])
            case let .loaded(p):
                // The zones' calls first (what 80x24 shows without scrolling), then the key and its exact policy.
                let body = DNSSECText.zonesPlan(p.plan, publications: p.publications).flatMap { lines($0, width: r.width, role: .normal) }
                    + [("", .normal)] + DNSSECText.keyPlan(p.plan).flatMap { lines($0, width: r.width, role: .dim) }
                scroll(s, &f, r, body, footer: [("y signs \(p.plan.zones.count == 1 ? "this zone" : "these \(p.plan.zones.count) zones"); "
                                                 + "nothing is written before. esc goes back.", .accent)])
            }
        case .signing, .ds: drawProgress(s, &f, r)
        case .check: drawCheck(s, &f, r)
        }
    }
}

/// The DNSSEC engine and clients the sign-zones step uses (those of `vanityns dnssec`); nil: the step says it is not available.
public struct WizardDNSSEC: Sendable {
    public var engine: WhiteLabelEngine
    public var clients: DNSSECClients
    public init(engine: WhiteLabelEngine, clients: DNSSECClients) { self.engine = engine; self.clients = clients }
}

extension WizardStep {
    public static let signZones = WizardStep(SignZonesStep.self)
}

extension WizardState {
    /// This step's state.
    public var signZones: SignZonesStep.State { get { stepStates[SignZonesStep.State.self] } set { stepStates[SignZonesStep.State.self] = newValue } }
}

private extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
