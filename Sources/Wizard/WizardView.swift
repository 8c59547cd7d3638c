import Foundation
import Route53
import WhiteLabel
import Terminal

extension WizardState {
    /// Draws the whole screen for `size`. Pure.
    public func view() -> Frame {
        if tooSmall { return Widgets.tooSmall(size: size, need: Self.minimum) }
        var f = Frame(size: size)
        let w = size.width, h = size.height
        // Title bar
        f.fill(Rect(x: 0, y: 0, width: w, height: 1), role: .title)
        let acct = account.keyHint.map { "acct \($0)" } ?? "acct ?"
        let right = "step \(step.rawValue)/9 \(TextWidth.pad(step.title, to: 16)) \(acct) "
        f.put(" vanityns ─ white-label name servers", x: 0, y: 0, role: .title)
        f.put(right, x: w - TextWidth.of(right), y: 0, role: .title)
        // Body, log, footer
        let logH = logRows + 2
        let body = Rect(x: 0, y: 1, width: w, height: h - 2 - logH)
        let inside = Widgets.box(&f, body, title: bodyTitle, focused: !focusLog)
        var rows = inside
        if let n = notice {
            rows.height -= 1
            f.put(TextWidth.truncate(n.text, to: inside.width - 2), x: inside.x + 1, y: inside.maxY - 1, role: n.role)
        }
        drawBody(&f, Rect(x: rows.x + 1, y: rows.y, width: rows.width - 2, height: rows.height))
        log.draw(&f, Rect(x: 0, y: h - 1 - logH, width: w, height: logH), focused: focusLog)
        Widgets.footer(&f, y: h - 1, hints: keymap.footerHints)
        if showHelp { Widgets.helpOverlay(&f, title: "Keys ─ \(focusLog ? "log" : step.title)", lines: keymap.helpLines + [("^C", "quit now, restoring the terminal")]) }
        if let c = confirm { Widgets.confirmOverlay(&f, question: c.question, hint: "y/enter yes   n/esc no") }
        if let q = mfaQuestion { Widgets.confirmOverlay(&f, question: q, hint: "digits type   enter send   esc cancel", title: "MFA code") }
        return f
    }

    var spin: String { Widgets.spinner(tick) }

    var bodyTitle: String {
        switch step {
        case .account: return "Account"
        case .delegationSet:
            if pickingSourceZone { return "Copy name servers from a zone" }
            if let l = setsLimit.value { return "Reusable delegation sets (\(l.count) of \(l.limit))" }
            return "Reusable delegation sets"
        case .vanityHosts: return editingHosts ? "Vanity hosts under \(homeName)" : "Home domain ─ the zone that holds the vanity hosts"
        case .review: return "\(homeName) ─ set \(chosenSet?.id ?? "")"
        case .zones: return "Zones served by the vanity hosts"
        case .plan:
            if planIndex < planZones.count {
                let z = planZones[planIndex]
                return "Plan ─ zone \(planIndex + 1) of \(planZones.count): \(Self.bare(z.zoneName))\(z.isHome ? " (home zone)" : "")"
            }
            return "Plan"
        case .apply: return "Apply"
        case .registrar: return "Registrar ─ \(homeName)"
        case .verify: return "Verify ─ asking each vanity host directly"
        }
    }

    func loading(_ f: inout Frame, _ r: Rect, _ what: String) { f.put("\(spin) \(what)", x: r.x, y: r.y, role: .dim) }
    func failed(_ f: inout Frame, _ r: Rect, _ message: String, hint: String) -> Int {
        var y = r.y
        for l in Widgets.wrap("✗ " + message, width: r.width).prefix(max(1, r.height - 2)) { f.put(l, x: r.x, y: y, role: .error); y += 1 }
        for l in Widgets.wrap(hint, width: r.width) where y < r.maxY { f.put(l, x: r.x, y: y, role: .dim); y += 1 }
        return y
    }
    func paragraph(_ f: inout Frame, _ text: String, x: Int, y: inout Int, width: Int, maxY: Int, role: Role = .normal) {
        for l in Widgets.wrap(text, width: width) where y < maxY { f.put(l, x: x, y: y, role: role); y += 1 }
    }

    func drawBody(_ f: inout Frame, _ r: Rect) {
        switch step {
        case .account: drawAccount(&f, r)
        case .delegationSet: drawSets(&f, r)
        case .vanityHosts: drawHosts(&f, r)
        case .review: drawReview(&f, r)
        case .zones: drawZones(&f, r)
        case .plan: drawPlan(&f, r)
        case .apply: drawApply(&f, r)
        case .registrar: drawRegistrar(&f, r)
        case .verify: drawVerify(&f, r)
        }
    }

    // MARK: 1

    func drawAccount(_ f: inout Frame, _ r: Rect) {
        var y = r.y
        let pairs: [(String, String)] = [
            ("profile", account.profile ?? "(default)"), ("access key", account.keyHint ?? "none"),
            ("source", account.credentialSource ?? "none found"), ("endpoint", account.endpoint),
        ]
        for (k, v) in pairs { f.put(TextWidth.pad(k, to: 12), x: r.x, y: y, role: .heading); f.put(v, x: r.x + 13, y: y, width: r.width - 13); y += 1 }
        y += 1
        if let p = credentialProblem {
            for l in Widgets.wrap("✗ No usable credentials: \(p)", width: r.width) where y < r.maxY { f.put(l, x: r.x, y: y, role: .error); y += 1 }
            y += 1
            paragraph(&f, "What to do: run `aws configure` (or `aws sso login --profile NAME`), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then start vanityns again. Nothing has been changed.", x: r.x, y: &y, width: r.width, maxY: r.maxY)
            return
        }
        f.put(TextWidth.pad("sets", to: 12), x: r.x, y: y, role: .heading)
        switch setsLimit {
        case .idle, .loading: f.put("\(spin) asking Route 53 (GetAccountLimit)…", x: r.x + 13, y: y, role: .dim)
        case let .loaded(l): f.put("\(l.count) of \(l.limit) reusable delegation sets used", x: r.x + 13, y: y, role: l.count >= l.limit ? .warn : .ok)
        case let .failed(m):
            y += 1
            _ = failed(&f, Rect(x: r.x, y: y, width: r.width, height: r.maxY - y), m,
                       hint: "The next steps may fail the same way; check the credentials' permissions (route53:GetAccountLimit, route53:ListReusableDelegationSets).")
            return
        }
        y += 2
        if let offer = resumeOffer {
            let zones = offer.zones.map(Self.bare).joined(separator: ", ")
            paragraph(&f, "\(Glyph.warning) An earlier apply did not finish for: \(zones) (home domain \(Self.bare(offer.homeDomain)), set \(offer.setId)).",
                      x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .warn)
            paragraph(&f, "y resumes it: the zones are planned again from what Route 53 holds now, and only what is left is shown and applied. n starts a new run (step 7 offers it again).",
                      x: r.x, y: &y, width: r.width, maxY: r.maxY)
            if !offer.others.isEmpty {
                paragraph(&f, "Also unfinished, from another run: \(offer.others.map(Self.bare).joined(separator: ", ")).", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
            }
            return
        }
        paragraph(&f, "This wizard fronts a reusable delegation set with your own name server hosts (ns1..ns4 of a domain you own), switches zones' NS and SOA to them, and hands you the glue to enter at the registrar. Every change is shown and confirmed first; old values are journaled.", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
    }

    // MARK: 2

    func drawSets(_ f: inout Frame, _ r: Rect) {
        if pickingSourceZone {
            switch allZones {
            case .idle, .loading: loading(&f, r, "listing hosted zones…")
            case let .failed(m): _ = failed(&f, r, m, hint: "esc goes back.")
            case let .loaded(zones):
                if zones.isEmpty { f.put("The account has no hosted zones.", x: r.x, y: r.y, role: .dim); return }
                f.put("The new set gets the same four name servers as the zone you pick:", x: r.x, y: r.y, role: .dim)
                Widgets.list(&f, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1),
                             items: zones.map { Self.bare($0.name) + "   " + $0.id }, selected: sourceZoneCursor)
            }
            return
        }
        if creatingSet { f.put("\(spin) creating the delegation set…", x: r.x, y: r.maxY - 1, role: .accent) }
        switch sets {
        case .idle, .loading: loading(&f, r, "listing reusable delegation sets…")
        case let .failed(m): _ = failed(&f, r, m, hint: "r tries again; esc goes back.")
        case let .loaded(all):
            let idW = min(32, max(2, all.map { TextWidth.of($0.id ?? "?") }.max() ?? 0)), zW = 6
            let nsMax = all.flatMap { $0.nameServers.map { TextWidth.of(Self.bare($0)) } }.max() ?? 10
            let nsW = max(10, min(nsMax + 2, (r.width - 2 - idW - zW - 3 - 1) / 2))
            f.put(TextWidth.pad("ID", to: idW) + " " + TextWidth.pad("zones", to: zW, right: true) + "  name servers", x: r.x + 2, y: r.y, role: .heading)
            var lines: [(String, Role, Int)] = []   // text, role, item index
            for (i, s) in all.enumerated() {
                let usage = s.id.flatMap { setUsage[$0] }.map { "\($0.count)/\($0.limit)" } ?? spin
                let ns = s.nameServers.map(Self.bare)
                for pair in stride(from: 0, to: max(1, ns.count), by: 2) {
                    let a = pair < ns.count ? ns[pair] : "", b = pair + 1 < ns.count ? ns[pair + 1] : ""
                    let head = pair == 0 ? TextWidth.pad(s.id ?? "?", to: idW) + " " + TextWidth.pad(usage, to: zW, right: true) : String(repeating: " ", count: idW + zW + 1)
                    lines.append((head + "  " + TextWidth.pad(a, to: nsW) + " " + TextWidth.truncate(b, to: nsW), .normal, i))
                }
            }
            if all.isEmpty { lines.append(("No reusable delegation sets yet.", .dim, -1)) }
            lines.append(("+ Create a new set", .accent, all.count))
            lines.append(("+ Create a set from an existing zone's name servers", .accent, all.count + 1))
            let height = r.height - 1 - (creatingSet ? 1 : 0)
            let selLine = lines.firstIndex(where: { $0.2 == setCursor }) ?? 0
            let top = Widgets.scrollOffset(selected: min(lines.count - 1, selLine + 1), count: lines.count, height: height)
            for (i, l) in lines.dropFirst(top).prefix(height).enumerated() {
                let y = r.y + 1 + i
                let first = lines.firstIndex(where: { $0.2 == l.2 }) == top + i
                let sel = l.2 == setCursor
                if sel && first { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
                f.put(l.0, x: r.x + 2, y: y, width: r.width - 2, role: l.1)
                if sel && !focusLog { f.paint(x: r.x + 2, y: y, width: r.width - 2, role: .selected) }
            }
        }
    }

    // MARK: 3

    static let cnameRule = "Each vanity host needs its own A and AAAA records in the home zone. It cannot be a CNAME (name servers must have real addresses), and a name that already has a CNAME cannot get them."

    func drawHosts(_ f: inout Frame, _ r: Rect) {
        if !editingHosts {
            Widgets.textInput(&f, x: r.x, y: r.y, width: r.width, label: "filter:", value: domainFilter, focused: !focusLog)
            switch allZones {
            case .idle, .loading: loading(&f, Rect(x: r.x, y: r.y + 2, width: r.width, height: 1), "listing hosted zones…")
            case let .failed(m): _ = failed(&f, Rect(x: r.x, y: r.y + 2, width: r.width, height: r.height - 2), m, hint: "esc goes back.")
            case .loaded:
                let list = filteredDomains
                var items = domainRows(list, width: r.width - 2), roles = Array(repeating: Role.normal, count: list.count)
                if let new = newHomeCandidate {
                    items.append("+ create \(new) in set \(chosenSet?.id ?? "")… (new home zone, created when applied)"); roles.append(.accent)
                }
                if items.isEmpty {
                    f.put(domainFilter.isEmpty ? "The account has no public hosted zones. Type the home domain to create it in the set." : "No zone matches “\(domainFilter)”.",
                          x: r.x, y: r.y + 2, width: r.width, role: .dim)
                    return
                }
                Widgets.list(&f, Rect(x: r.x, y: r.y + 2, width: r.width, height: r.height - 2),
                             items: items, selected: domainCursor, focused: !focusLog, roles: roles)
            }
            return
        }
        var y = r.y
        let aws = chosenSet?.nameServers.map(Self.bare) ?? []
        f.put(TextWidth.pad("stands for", to: 26) + "  vanity host", x: r.x + 2, y: y, role: .heading); y += 1
        for (i, hname) in hosts.enumerated() {
            f.put(TextWidth.pad(i < aws.count ? aws[i] : "", to: 26), x: r.x + 2, y: y, role: .dim)
            let bad = problems.contains { $0.subject.lowercased() == hname.lowercased() }
            if i == hostCursor && !focusLog { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
            Widgets.textInput(&f, x: r.x + 30, y: y, width: r.width - 30, label: "", value: hname, focused: i == hostCursor && !focusLog, role: bad ? .error : .normal)
            y += 1
        }
        // The SOA contact: without it Route 53's awsdns-hostmaster.amazon.com stays in every zone's SOA.
        let onContact = hostCursor == hosts.count && !focusLog
        f.put(TextWidth.pad("SOA contact (RNAME)", to: 26), x: r.x + 2, y: y, role: .dim)
        if onContact { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
        if soaRName.isEmpty && !onContact {
            f.put("keep awsdns-hostmaster.amazon.com", x: r.x + 30, y: y, width: r.width - 30, role: .dim)
        } else {
            let bad = problems.contains { $0.subject.hasPrefix("--soa-rname") }
            Widgets.textInput(&f, x: r.x + 30, y: y, width: r.width - 30, label: "", value: soaRName, focused: onContact, role: bad ? .error : .normal)
        }
        y += 2
        if validatedGeneration != validationGeneration { f.put("\(spin) checking…", x: r.x, y: y, role: .dim); y += 1 }
        else if problems.isEmpty { f.put("\(Glyph.check) the host names can be used", x: r.x, y: y, role: .ok); y += 1 }
        else {
            for p in problems { paragraph(&f, "\(Glyph.cross) \(p.description)", x: r.x, y: &y, width: r.width, maxY: r.maxY - 3, role: .error) }
        }
        y += 1
        paragraph(&f, Self.cnameRule, x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
    }

    /// Step 3's zone rows: name, ID and record count in columns as wide as their content; only the name gives way
    /// when a row does not fit.
    func domainRows(_ zones: [HostedZone], width: Int) -> [String] {
        let names = zones.map { Self.bare($0.name) }, counts = zones.map { $0.resourceRecordSetCount.map { "\($0) records" } ?? "" }
        let idW = zones.map { TextWidth.of($0.id) }.max() ?? 0, countW = counts.map { TextWidth.of($0) }.max() ?? 0
        let nameW = max(8, min(names.map { TextWidth.of($0) }.max() ?? 0, width - idW - countW - 4))
        return zones.indices.map { i in
            TextWidth.pad(names[i], to: nameW) + "  " + TextWidth.pad(zones[i].id, to: idW) + "  " + TextWidth.pad(counts[i], to: countW, right: true)
        }
    }

    // MARK: 4

    func drawReview(_ f: inout Frame, _ r: Rect) {
        let cells = addresses.map { a in
            [a.vanityHost, a.awsName, a.ipv4.map { $0.isEmpty ? "none" : $0.joined(separator: " ") } ?? "\(spin) resolving",
             a.ipv6.map { $0.isEmpty ? "none" : $0.joined(separator: " ") } ?? "\(spin) resolving"]
        }
        let titles = ["vanity host", "AWS name server", "IPv4", "IPv6"]
        // Every column as wide as its content; when a row does not fit, the IPv6 column gives way first.
        let cols = titles.indices.map { i in Widgets.contentColumn(titles[i], cells.map { $0[i] }) }
        let gap = cols.reduce(6) { $0 + $1.width } <= r.width ? 2 : 1
        let fitted = Widgets.fitColumns(cols, total: r.width, gap: gap, shrinkFirst: [3, 2])
        Widgets.tableRow(&f, x: r.x, y: r.y, columns: fitted, cells: titles, roles: Array(repeating: .heading, count: 4), gap: gap)
        var y = r.y + 1
        for (a, row) in zip(addresses, cells) {
            let roles: [Role] = [.normal, .normal, a.ipv4 == nil ? .dim : (a.ipv4!.isEmpty ? .warn : .normal), a.ipv6 == nil ? .dim : (a.ipv6!.isEmpty ? .warn : .normal)]
            Widgets.tableRow(&f, x: r.x, y: y, columns: fitted, cells: row, roles: roles, gap: gap)
            y += 1
        }
        y += 1
        for a in addresses { for w in a.warnings { paragraph(&f, "! \(a.awsName): \(w)", x: r.x, y: &y, width: r.width, maxY: r.maxY - 2, role: .warn) } }
        if !resolving { y = max(y, r.maxY - 2) } else { y = max(y, r.maxY - 2) }
        paragraph(&f, "! AWS promises these names, not these addresses: glue starts at TTL 60, and `vanityns check` can watch for changes from cron.", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
    }

    // MARK: 5

    func drawZones(_ f: inout Frame, _ r: Rect) {
        switch setZones {
        case .idle, .loading:
            let (done, total) = setZonesChecked
            loading(&f, r, total == 0 ? "listing the zones of set \(chosenSet?.id ?? "")…"
                                      : "checking which set serves each zone (GetHostedZone \(done) of \(total))…")
            return
        case let .failed(m): _ = failed(&f, r, m, hint: "esc goes back."); return
        case .loaded: break
        }
        var items: [String] = [], roles: [Role] = []
        // Zone names in one column, what each one is beside it.
        let nameW = ([homeName] + setZoneChoices.map { Self.bare($0.name) } + newZones + otherZones.map { Self.bare($0.name) })
            .map { TextWidth.of($0) }.max() ?? 0
        func name(_ n: String) -> String { TextWidth.pad(n, to: min(nameW, max(8, r.width - 50))) }
        if homeIsNew { items.append("[+] \(name(homeName))  home zone, new: created in this set"); roles.append(.ok) }
        else { items.append("[x] \(name(homeName))  home zone, always included"); roles.append(.dim) }
        for z in setZoneChoices { items.append(Widgets.checkbox(checkedZones.contains(z.id), name(Self.bare(z.name)) + "  in this set")); roles.append(.normal) }
        for n in newZones { items.append("[+] \(name(n))  new: created in this set"); roles.append(.ok) }
        let inputIndex = items.count
        items.append("+ new zone: " + newZoneInput); roles.append(.accent)
        for z in otherZones { items.append("    \(name(Self.bare(z.name)))  outside this set: needs migration, not selectable"); roles.append(.dim) }
        let selected = zonesCursor < setZoneChoices.count ? zonesCursor + 1 : inputIndex
        Widgets.list(&f, r, items: items, selected: selected, focused: !focusLog, roles: roles)
        if selected == inputIndex && !focusLog {
            let row = r.y + min(inputIndex, Widgets.scrollOffset(selected: selected, count: items.count, height: r.height) == 0 ? inputIndex : r.height - 1)
            f.put(" ", x: r.x + 2 + TextWidth.of("+ new zone: " + newZoneInput), y: row, role: .normal)
        }
    }

    // MARK: 6

    /// The lines of one planned change. A TTL arrow only when the TTL changes; for the SOA, each field that changes
    /// (MNAME and the minimum) on its own line; `full` adds every value before and after.
    func changeLines(_ c: PlannedChange, width: Int, full: Bool) -> [(String, Role)] {
        let a = c.after, b = c.before
        let sign = c.action == .delete ? "-" : b == nil ? "+" : "~"
        var head = "\(sign) \(TextWidth.pad(a.type, to: 5)) \(a.name)"
        if let old = b?.ttl, let new = a.ttl, old != new { head += "  TTL \(old) \(Glyph.arrow) \(new)" }
        else if b == nil, let t = a.ttl { head += "  \(t)" }
        var out: [(String, Role)] = [(head, c.action == .delete ? .error : b == nil ? .ok : .warn)]
        let indent = "        "
        func values(_ r: ResourceRecordSet) -> String {
            // The summary drops the final dots of host names so four vanity hosts fit on one 80-column line.
            (full ? r.values : r.values.map { $0.hasSuffix(".") && r.type != "SOA" ? String($0.dropLast()) : $0 }).joined(separator: " ")
        }
        guard let b else {
            if a.type != "A" && a.type != "AAAA" { out.append((indent + values(a), .normal)) } else { out[0].0 += "   " + values(a) }
            return out
        }
        if a.type.uppercased() == "SOA", let old = b.values.first.flatMap(SOAValue.init), let new = a.values.first.flatMap(SOAValue.init) {
            let fields: [(String, String, String)] = [
                ("MNAME", old.mname, new.mname), ("RNAME", old.rname, new.rname), ("serial", "\(old.serial)", "\(new.serial)"),
                ("refresh", "\(old.refresh)", "\(new.refresh)"), ("retry", "\(old.retry)", "\(new.retry)"),
                ("expire", "\(old.expire)", "\(new.expire)"), ("minimum", "\(old.minimum)", "\(new.minimum)"),
            ]
            for (name, was, now) in fields where was != now {
                let note = name == "minimum" ? "  (negative-answer TTL)" : ""
                out.append((indent + TextWidth.pad(name, to: 8) + " \(was) \(Glyph.arrow) \(now)" + note, .normal))
            }
            if !full { return out }
        }
        let was = values(b), now = values(a)
        if !full && TextWidth.of(indent + was + " \(Glyph.arrow) " + now) <= width {
            out.append((indent + was + " \(Glyph.arrow) " + now, .normal))
        } else if full {
            for (label, text, role) in [("was: ", was, Role.dim), ("now: ", now, Role.normal)] {
                for (i, l) in Widgets.wrap(text, width: max(10, width - TextWidth.of(indent) - 5)).enumerated() {
                    out.append((indent + (i == 0 ? label : "     ") + l, role))
                }
            }
        } else {
            let room = width - TextWidth.of(indent) - 5
            out.append((indent + "was: " + Self.fitting(was, room), .dim)); out.append((indent + "now: " + Self.fitting(now, room), .normal))
        }
        return out
    }

    /// Space-separated values cut after the last whole value that fits, with how many were left out.
    static func fitting(_ text: String, _ width: Int) -> String {
        if TextWidth.of(text) <= width { return text }
        let parts = text.split(separator: " ").map(String.init)
        var shown: [String] = []
        for p in parts {
            let rest = parts.count - shown.count - 1
            let candidate = (shown + [p]).joined(separator: " ") + (rest > 0 ? " +\(rest) more" : "")
            if TextWidth.of(candidate) > width { break }
            shown.append(p)
        }
        if shown.isEmpty { return TextWidth.truncate(text, to: width) }
        return shown.joined(separator: " ") + " +\(parts.count - shown.count) more"
    }

    /// Every change of a zone in full (the `d` view).
    func detailLines(_ z: ZonePlan, width: Int) -> [(String, Role)] { z.changes.flatMap { changeLines($0, width: width, full: true) } }

    /// Rows inside the step's box (without a notice line).
    var bodyRows: Int { size.height - 2 - (logRows + 2) - 2 }

    /// How far the `d` view can scroll.
    var detailMaxOffset: Int {
        guard planIndex < planZones.count else { return 0 }
        let z = planZones[planIndex]
        return max(0, detailLines(z, width: size.width - 4).count + (z.createInSet ? 1 : 0) - bodyRows)
    }

    /// The zone whose batch is on screen, and the change under the cursor.
    var selectedZone: ZonePlan? { planIndex < planZones.count ? planZones[planIndex] : nil }
    var selectedChange: PlannedChange? {
        guard let z = selectedZone, z.changes.indices.contains(planRecord) else { return nil }
        return z.changes[planRecord]
    }

    /// The detail view of a record set, naming alias targets from the account's zones.
    func recordDetail(_ r: ResourceRecordSet) -> RecordDetail {
        RecordDetail(r, zoneNames: Dictionary((allZones.value ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
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
    var recordMaxOffset: Int {
        guard let c = selectedChange else { return 0 }
        return max(0, recordLines(c, width: size.width - 4).count - bodyRows)
    }

    func drawPlan(_ f: inout Frame, _ r: Rect) {
        switch plan {
        case .idle, .loading: loading(&f, r, "planning: reading records and resolving addresses…"); return
        case let .failed(m): _ = failed(&f, r, m, hint: "Nothing has been changed. r plans again; esc goes back to fix the input."); return
        case .loaded: break
        }
        guard planIndex < planZones.count else {
            let text = planZones.allSatisfy(\.isEmpty) ? "Nothing to change: every zone already uses the vanity hosts as planned."
                                                      : "Every zone has an answer."
            f.put(text, x: r.x, y: r.y, width: r.width, role: .ok)
            f.put("enter continues to the apply step.", x: r.x, y: r.y + 1, role: .dim)
            return
        }
        let z = planZones[planIndex]
        if showRecord, let c = selectedChange {
            RecordDetail.draw(&f, r, lines: recordLines(c, width: r.width), offset: recordOffset)
            return
        }
        var lines: [(String, Role)] = []
        if z.createInSet { lines.append(("+ create zone \(z.zoneName) in set \(plan.value?.setId ?? "")", .ok)) }
        if showDetail {
            lines += detailLines(z, width: r.width)
            let top = min(detailOffset, max(0, lines.count - r.height))
            for (i, l) in lines.dropFirst(top).prefix(r.height).enumerated() {
                f.put(TextWidth.truncate(l.0, to: r.width), x: r.x, y: r.y + i, role: l.1)
            }
            let below = lines.count - top - r.height
            for (text, y, show) in [(" ↑ \(top) above", r.y, top > 0), (" ↓ \(below) more", r.maxY - 1, below > 0)] where show {
                f.put(text, x: r.x + r.width - TextWidth.of(text), y: y, role: .accent)
            }
            return
        }
        // Each line with the change it belongs to (its first line is the one the cursor highlights).
        var rest: [(String, Role, Int?)] = []
        for i in z.changes.indices where z.changes[i].role != .glue {
            rest += changeLines(z.changes[i], width: r.width, full: false).enumerated().map { ($0.element.0, $0.element.1, $0.offset == 0 ? i : nil) }
        }
        if let warnings = plan.value?.warnings, planIndex == 0 { for w in warnings { rest.append(("! " + w, .warn, nil)) } }
        rest.append(("Old values are saved; `vanityns rollback --zone \(Self.bare(z.zoneName))` restores them.", .dim, nil))
        // Every glue record when the screen has the room, else two (those around the cursor) and a count.
        let glue = z.changes.indices.filter { z.changes[$0].role == .glue }
        func glueLines(_ idx: [Int]) -> [(String, Role, Int?)] {
            idx.flatMap { i in changeLines(z.changes[i], width: r.width, full: false).enumerated().map { ($0.element.0, $0.element.1, $0.offset == 0 ? i : nil) } }
        }
        var all: [(String, Role, Int?)] = lines.map { ($0.0, $0.1, nil) }
        let allGlue = glueLines(glue)
        if lines.count + allGlue.count + rest.count <= r.height || glue.count <= 2 { all += allGlue }
        else {
            let at = glue.firstIndex(of: planRecord).map { min($0, glue.count - 2) } ?? 0
            all += glueLines(Array(glue[at..<(at + 2)]))
            all.append(("  … \(glue.count - 2) more glue records (d shows all)", .dim, nil))
        }
        all += rest
        for (i, l) in all.prefix(r.height).enumerated() {
            f.put(TextWidth.truncate(l.0, to: r.width), x: r.x, y: r.y + i, role: l.1)
            if l.2 == planRecord && !focusLog { f.paint(x: r.x, y: r.y + i, width: r.width, role: .selected) }
        }
    }

    // MARK: 7

    func drawApply(_ f: inout Frame, _ r: Rect) {
        var y = r.y
        guard let unfinished else { loading(&f, r, "reading the journal…"); return }
        if !unfinished.isEmpty && !resumeAnswered {
            paragraph(&f, "An earlier apply did not finish for: \(unfinished.joined(separator: ", ")).", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .warn)
            paragraph(&f, "Resume it now? Resuming applies those zones' planned changes again (safe: a zone already done is recognised). y resumes, n leaves them for later.", x: r.x, y: &y, width: r.width, maxY: r.maxY)
            return
        }
        if progress.isEmpty { f.put("Nothing to apply. Press enter to continue.", x: r.x, y: y, role: .dim); return }
        for p in progress where y < r.maxY {
            let mark = p.error != nil ? Glyph.cross : p.done ? Glyph.check : (applying == p.zone ? spin : " ")
            let elapsed = p.elapsed.map { String(format: "  %.0f s", $0) } ?? ""
            f.put("\(mark) \(TextWidth.pad(Self.bare(p.zone), to: 28)) \(p.status)\(elapsed)", x: r.x, y: y, width: r.width,
                  role: p.error != nil ? .error : p.done ? .ok : .normal)
            y += 1
            if let j = p.journal, y < r.maxY { f.put("    journal: \(j)", x: r.x, y: y, width: r.width, role: .dim); y += 1 }
            if let c = p.changeId, y < r.maxY { f.put("    change:  \(c)", x: r.x, y: y, width: r.width, role: .dim); y += 1 }
            if let e = p.error { paragraph(&f, "    " + e, x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .error) }
        }
        if applying == nil && applyQueue.isEmpty && y < r.maxY - 1 {
            y += 1
            f.put("Done. Next: the registrar (enter).", x: r.x, y: y, role: .ok)
        }
    }

    // MARK: 8

    func drawRegistrar(_ f: inout Frame, _ r: Rect) {
        var y = r.y
        switch registrarCurrent {
        case .idle, .loading: loading(&f, r, "asking Route 53 Domains about \(homeName)…"); return
        case let .failed(m):
            f.put("! Route 53 Domains could not be asked (\(TextWidth.truncate(m, to: r.width - 40))); enter the glue by hand:", x: r.x, y: y, width: r.width, role: .warn); y += 2
        case let .loaded(current):
            if let current {
                let done = registrarApplied.value != nil
                f.put("Registered with Route 53 Domains; name servers \(done ? "before the update" : "now"):", x: r.x, y: y,
                      width: r.width, role: .heading); y += 1
                for ns in current where y < r.maxY - 8 {
                    f.put("  \(ns.name)  \((ns.glueIps ?? []).joined(separator: " "))", x: r.x, y: y, width: r.width, role: .dim); y += 1
                }
                y += 1
                f.put(done ? "Set at Route 53 Domains (the registry takes a few minutes):" : "After the update:", x: r.x, y: y,
                      width: r.width, role: .heading); y += 1
                switch registrarApplied {
                case .loading: f.put("\(spin) updating at Route 53 Domains…", x: r.x, y: r.maxY - 1, role: .accent)
                case let .failed(m): f.put("✗ " + m, x: r.x, y: r.maxY - 1, width: r.width, role: .error)
                case .loaded: f.put("\(Glyph.check) submitted to the registry", x: r.x, y: r.maxY - 1, role: .ok)
                case .idle: break
                }
            } else {
                paragraph(&f, "\(homeName) is not at Route 53 Domains: enter these name servers and their glue (host) records at its registrar:", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .heading); y += 1
            }
        }
        let rows = registrarTable.map { [$0.host, $0.ipv4 ?? "-", $0.ipv6 ?? "-"] }
        let cols = ["host", "IPv4", "IPv6"].enumerated().map { i, t in Widgets.contentColumn(t, rows.map { $0[i] }) }
        if registrarTable.isEmpty { loading(&f, Rect(x: r.x, y: y, width: r.width, height: 1), "building the table…") }
        else {
            Widgets.table(&f, Rect(x: r.x, y: y, width: r.width, height: min(rows.count + 1, r.maxY - y)), columns: cols, rows: rows,
                          shrinkFirst: [2])
        }
        y += rows.count + 2
        // The last line is the registrar update's status when there is one.
        let last = registrarApplied.isLoading || registrarApplied.value != nil || registrarApplied.error != nil ? r.maxY - 1 : r.maxY
        if let file = registrarFile, y < last { f.put("written to \(file)", x: r.x, y: y, width: r.width, role: .ok) }
        else if y < last { f.put("The table is also printed when the wizard ends.", x: r.x, y: y, role: .dim) }
    }

    // MARK: 9

    func drawVerify(_ f: inout Frame, _ r: Rect) {
        switch verify {
        case .idle, .loading: loading(&f, r, "asking each vanity host for SOA and NS of every zone…"); return
        case let .failed(m): _ = failed(&f, r, m, hint: "r tries again."); return
        case .loaded: break
        }
        let report = verify.value!
        let titles = ["server", "address", "zone", "auth", "serial", "NS", "result"]
        var rows: [[String]] = [], roles: [Role] = []
        for v in report.rows {
            rows.append([v.server, v.address, Self.bare(v.zone), v.authoritative ? "yes" : "no", v.soaSerial.map(String.init) ?? "-",
                         v.nsMatches ? Glyph.check : Glyph.cross, v.passed ? "ok" : v.problems.joined(separator: "; ")])
            roles.append(v.passed ? .ok : .error)
        }
        let summary = verifySummary(report, width: r.width)
        let (tableH, fits) = verifyTableHeight(rows: rows.count, summary: summary.count, height: r.height)
        let visible = tableH - 1
        let offset = min(verifyOffset, max(0, rows.count - visible))
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
    func verifyTableHeight(rows: Int, summary: Int, height: Int) -> (Int, Bool) {
        let room = max(2, height - summary - 1)
        return rows + 1 <= room ? (rows + 1, true) : (max(2, room - 1), false)
    }

    /// How far the verify table can scroll at the current size.
    var verifyMaxOffset: Int {
        guard let report = verify.value else { return 0 }
        let width = size.width - 4
        let (tableH, _) = verifyTableHeight(rows: report.rows.count, summary: verifySummary(report, width: width).count, height: bodyRows - (notice == nil ? 0 : 1))
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
            add("\(Glyph.check) Every vanity host answers for every zone.", .ok)
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
