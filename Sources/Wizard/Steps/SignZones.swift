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
                if case .success = r { return SignZonesStep.check(&s) }
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

    /// The zones ticked, in the checklist's order.
    static func pickedRows(_ s: WizardState) -> [Row] { (s.signZones.rows.value ?? []).filter { s.signZones.picked.contains($0.id) } }

    static func check(_ s: inout WizardState) -> [WizardCommand] {
        s.signZones.phase = .check
        s.signZones.status = .loading
        let signed = (s.signZones.planned.value?.plan.zones ?? []).map { Row(id: $0.zoneId, name: $0.zoneName, serveSignature: "", keyTags: []) }
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
        case (_, .skip) where st.phase != .signing, (.check, .finish): s.exitCode = 0
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
        case (.ds, .rerun), (.check, .rerun):
            s.signZones = st
            return check(&s)
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
            return WizardState.keys(WizardState.move("scroll"))
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

    static func drawPick(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let st = s.signZones
        switch st.rows {
        case .idle, .loading: s.loading(&f, r, "reading each zone's signing (GetDNSSEC)…"); return
        case let .failed(m): _ = s.failed(&f, r, m, hint: "esc goes back; s skips signing."); return
        case .loaded: break
        }
        let rows = st.rows.value ?? []
        let width = rows.map { TextWidth.of($0.name) }.max() ?? 0
        var y = r.y
        for l in Widgets.wrap("Route 53 signs each zone with a key-signing key backed by a KMS key of yours; the DS then goes to the parent.",
                              width: r.width) { f.put(l, x: r.x, y: y, width: r.width, role: .dim); y += 1 }
        y += 1
        for (i, row) in rows.enumerated() where y < r.maxY - 1 {
            let mark = row.signing ? "[s]" : (st.picked.contains(row.id) ? "[x]" : "[ ]")
            let what = row.signing ? "signed: \(row.serveSignature), key tag " + row.keyTags.map(String.init).joined(separator: ", ")
                : "not signed (\(row.serveSignature))"
            let cursor = i == st.cursor ? Glyph.marker : " "
            f.put("\(cursor) \(mark) \(row.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(what)", x: r.x, y: y, width: r.width,
                  role: i == st.cursor ? .selected : (row.signing ? .ok : .normal))
            y += 1
        }
        f.put("Optional: s skips it and ends the wizard.", x: r.x, y: r.maxY - 1, width: r.width, role: .dim)
    }

    static func drawKey(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let st = s.signZones
        var y = r.y
        let create = "Create a KMS key in us-east-1 (ECC_NIST_P256, alias \(DNSSECKeyRules.alias)), or the one a rerun finds"
        let use = "Use a key: " + (st.arn.isEmpty ? "type its ARN (arn:aws:kms:us-east-1:ACCOUNT:key/ID)" : st.arn)
        for (i, text) in [create, use].enumerated() {
            for (j, l) in Widgets.wrap(text, width: r.width - 4).enumerated() where y < r.maxY {
                let lead = j > 0 ? "    " : (i == st.keyChoice ? "\(Glyph.marker) " : "  ") + (i == st.keyChoice ? "(*) " : "( ) ")
                f.put(String((lead + l)), x: r.x, y: y, width: r.width, role: i == st.keyChoice ? .selected : .normal)
                y += 1
            }
        }
        y += 1
        let note = "The key must be in us-east-1, ECC_NIST_P256 and SIGN_VERIFY, and its policy must let \(DNSSECKeyRules.principal) call "
            + DNSSECKeyRules.actions.joined(separator: ", ") + ". enter shows the plan; nothing is written before y."
        for l in Widgets.wrap(note, width: r.width) where y < r.maxY { f.put(l, x: r.x, y: y, width: r.width, role: .dim); y += 1 }
    }

    /// The progress screen follows its end (new lines at the bottom) while something runs; the DS screen, once the
    /// zones are signed, starts with the DS tables, the progress after them.
    static func follows(_ st: State) -> Bool { st.phase == .signing || (st.phase == .ds && (st.published.isLoading || st.published.error != nil)) }

    static func drawProgress(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let st = s.signZones
        let progress = st.progress.flatMap { lines($0, width: r.width, role: follows(st) ? .normal : .dim) }
        var out: [(String, Role)] = [], footer: [(String, Role)] = []
        if case let .failed(m) = st.signed {
            out = progress + lines("\(Glyph.cross) " + m, width: r.width, role: .error)
            footer.append(("What was done stays (a rerun of `vanityns dnssec enable` finds it). s ends the wizard.", .dim))
        } else if st.phase == .ds {
            let (domains, others) = routes(s)
            var tables: [(String, Role)] = []
            for (id, d) in domains.sorted(by: { $0.value < $1.value }) where st.published.value == nil {
                guard let k = st.ksks[id] else { continue }
                tables += lines("\(d): the DS to publish through Route 53 Domains", width: r.width, role: .accent) + dsLines(domain: d, ksk: k, width: r.width)
            }
            for (z, d) in others {
                guard let k = st.ksks[z.zoneId] else { continue }
                tables += lines("\(d): not registered with Route 53 Domains; enter this DS at its registrar", width: r.width, role: .warn)
                    + dsLines(domain: d, ksk: k, width: r.width)
            }
            out = follows(st) ? tables + progress : tables + [("", .normal)] + progress
            if !domains.isEmpty {
                switch st.published {
                case .idle: footer.append(("p publishes the DS at Route 53 Domains (asked first); r checks the chain", .accent))
                case .loading: footer.append(("\(s.spin) publishing the DS, then waiting until every parent server serves it…", .dim))
                case let .failed(m): out += lines("\(Glyph.cross) " + m, width: r.width, role: .error)
                case .loaded: break
                }
            }
            if !others.isEmpty { footer.append(("c copies the DS for another registrar; r checks once it has it", .accent)) }
        } else {
            out = progress
            if st.signed.isLoading { footer.append(("\(s.spin) signing; every call shows in the log pane (tab)", .dim)) }
        }
        scroll(s, &f, r, out, footer: footer, follow: follows(st))
    }

    static func drawCheck(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        switch s.signZones.status {
        case .idle, .loading: s.loading(&f, r, "checking the chain at every parent server and every vanity host (UDP and TCP)…")
        case let .failed(m): _ = s.failed(&f, r, m, hint: "r checks again; enter finishes.")
        case let .loaded(list):
            var out: [(String, Role)] = []
            for st in list {
                let good = st.problems.isEmpty
                let role: Role = !good ? .error : (st.state == "SECURE" ? .ok : .warn)
                out += lines("\(good ? Glyph.check : Glyph.cross) \(WizardState.bare(st.zoneName)): \(st.state), Route 53 \(st.serveSignature)",
                             width: r.width, role: role)
                let ds = st.parentRecords
                out += lines("  parent: " + (ds.isEmpty ? "no DS yet" : "DS " + ds.joined(separator: "; ")), width: r.width, role: .normal)
                let verified = st.servers.filter { $0.check.problems.isEmpty }.count
                if !st.servers.isEmpty { out += lines("  chain verifies at \(verified) of \(st.servers.count) server checks (UDP and TCP)", width: r.width, role: .normal) }
                for p in st.problems { out += lines("  FAIL " + p, width: r.width, role: .error) }
                if good && st.state == "INSECURE" {
                    out += lines("  signed, not yet trusted: the parent does not serve the DS; r checks again once the registrar has it", width: r.width, role: .dim)
                }
            }
            scroll(s, &f, r, out, footer: [("`vanityns dnssec status` checks the same from cron.", .dim)])
        }
    }

    /// The DS as labelled lines; the digest fits 80 columns on one line.
    static func dsLines(domain: String, ksk: KeySigningKey, width: Int) -> [(String, Role)] {
        DNSSECText.dsFields(domain: domain, ksk: ksk).flatMap { field -> [(String, Role)] in
            let label = field.label.padding(toLength: 12, withPad: " ", startingAt: 0)
            let wrapped = Widgets.wrap(field.value, width: max(10, width - 12))
            return wrapped.enumerated().map { i, l in ((i == 0 ? label : String(repeating: " ", count: 12)) + l, .normal) }
        }
    }

    /// `text` wrapped to `width`, each line's indentation kept on its continuation lines.
    static func lines(_ text: String, width: Int, role: Role) -> [(String, Role)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            let indent = String(line.prefix { $0 == " " }.prefix(max(0, width / 4)))
            let wrapped = Widgets.wrap(String(line.dropFirst(indent.count)), width: width - indent.count).map { indent + $0 }
            return wrapped.isEmpty ? [""] : wrapped
        }.map { ($0, role) }
    }

    /// `body` from the step's offset (with `follow`: that many lines up from its end), a marker when it does not fit, `footer` at the bottom.
    static func scroll(_ s: WizardState, _ f: inout Frame, _ r: Rect, _ body: [(String, Role)], footer: [(String, Role)], follow: Bool = false) {
        let footer = footer.flatMap { l, role in lines(l, width: r.width, role: role) }
        let room = max(1, r.height - footer.count - 1)
        let fits = body.count <= room
        let visible = fits ? body.count : room - 1
        let maxOffset = max(0, body.count - visible)
        let offset = follow ? maxOffset - min(s.signZones.offset, maxOffset) : min(s.signZones.offset, maxOffset)
        var y = r.y
        for (l, role) in body.dropFirst(offset).prefix(visible) { f.put(l, x: r.x, y: y, width: r.width, role: role); y += 1 }
        if !fits {
            let below = body.count - offset - visible
            f.put((offset > 0 ? "↑ \(offset) above  " : "") + (below > 0 ? "↓ \(below) more" : "") + " (↑↓ scroll)", x: r.x, y: y, width: r.width, role: .accent)
        }
        y = r.maxY - footer.count
        for (l, role) in footer { f.put(l, x: r.x, y: y, width: r.width, role: role); y += 1 }
    }

    /// The runner's side: each command through the engine `vanityns dnssec enable` and `status` use.
    static func run(_ c: Command, context: WizardContext, send: @escaping @Sendable (WizardMsg) -> Void) async {
        guard let d = context.dnssec else {
            send(.step(Msg.loaded(.failure(UIError("DNSSEC signing is not available here (no KMS client)")))))
            return
        }
        let engine = d.engine, clients = d.clients
        let say: @Sendable (String) -> Void = { send(.step(Msg.progress($0))) }
        switch c {
        case let .load(rows):
            send(.step(Msg.loaded(await WizardRunner.result {
                // Zones the apply created have no id in the plan: the account's listing names them.
                let listed = rows.contains { $0.id.isEmpty } ? try await context.route53.listHostedZones() : []
                var out: [Row] = []
                for var row in rows {
                    if row.id.isEmpty, let z = listed.first(where: { WizardState.bare($0.name) == row.name }) { row.id = z.id }
                    let detail = try await clients.route53.getDNSSECDetail(zoneId: row.id)
                    row.serveSignature = detail.status.serveSignature
                    row.keyTags = detail.keySigningKeys.filter { $0.status == "ACTIVE" }.map(\.keyTag)
                    out.append(row)
                }
                return out
            })))
        case let .plan(zones, arn):
            send(.step(Msg.planned(await WizardRunner.result {
                let plan = try await engine.dnssecEnablePlan(zones: zones, kmsKey: arn, createKey: arn == nil, clients: clients)
                var publications: [String: DSPublication] = [:]
                for z in plan.zones { publications[z.zoneId] = await engine.dsPublication(zoneName: z.zoneName) }
                return Planned(plan: plan, publications: publications)
            })))
        case let .sign(p):
            send(.step(Msg.signed(await WizardRunner.result {
                let arn = try await engine.dnssecKeyArn(p.plan, clients: clients, progress: say)
                for z in p.plan.zones {
                    let ksk = try await engine.signZone(z, kmsArn: arn, clients: clients, progress: say)
                    say("\(WizardState.bare(z.zoneName)): its DS is \(ksk.dsRecord)")
                    send(.step(Msg.zoneSigned(zoneId: z.zoneId, ksk)))
                }
                return true
            })))
        case let .publish(domains, ksks):
            send(.step(Msg.published(await WizardRunner.result {
                for (id, domain) in domains.sorted(by: { $0.value < $1.value }) {
                    guard let ksk = ksks[id] else { continue }
                    try await engine.associateDS(domain: domain, ksk: ksk, clients: clients, progress: say)
                    let behind = try await engine.waitForParentDS(zoneName: domain, records: [ksk.dsRecord], present: true, port: context.queryPort,
                                                                  target: context.resolver, timeout: 900, progress: say)
                    if behind.isEmpty { say("\(domain): every parent server serves its DS (key tag \(ksk.keyTag))") }
                    else { say("\(domain): \(behind.count) parent server address(es) do not serve the DS yet; r checks again") }
                }
                return true
            })))
        case let .check(rows):
            send(.step(Msg.checked(await WizardRunner.result {
                var out: [DNSSECZoneStatus] = []
                for row in rows {
                    out.append(try await engine.dnssecStatus(zoneId: row.id, zoneName: row.name, record: nil, clients: clients,
                                                             port: context.queryPort, target: context.resolver))
                }
                return out
            })))
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
