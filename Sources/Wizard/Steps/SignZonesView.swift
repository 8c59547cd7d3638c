import Foundation
import Route53
import WhiteLabel
import Terminal

/// The screens of step 10 (`SignZonesStep`): the checklist, the key, the progress and the DS, the chain.
extension SignZonesStep {
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
        if st.phase == .signing, case let .failed(m) = st.signed {
            out = progress + lines("\(Glyph.cross) " + m, width: r.width, role: .error)
            footer.append(("What was done stays (a rerun of `vanityns dnssec enable` finds it). "
                           + (st.ksks.isEmpty ? "s ends the wizard." : "enter goes on to the DS of the zones signed; s ends the wizard."), .dim))
        } else if st.phase == .ds {
            let (domains, others) = routes(s)
            var tables: [(String, Role)] = []
            for (id, d) in domains.sorted(by: { $0.value < $1.value }) where st.published.value == nil {
                guard let k = st.ksks[id] else { continue }
                tables += lines("\(d): the DS to publish through Route 53 Domains", width: r.width, role: .accent) + dsLines(domain: d, ksk: k, width: r.width)
            }
            for (z, d) in others {
                guard let k = st.ksks[z.zoneId] else { continue }
                tables += lines("\(d): enter this DS at its registrar (not Route 53 Domains)", width: r.width, role: .warn)
                    + dsLines(domain: d, ksk: k, width: r.width)
            }
            out = follows(st) ? tables + progress : tables + [("", .normal)] + progress
            if let m = st.signed.error { out += lines("\(Glyph.cross) " + m, width: r.width, role: .error) }
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
}
