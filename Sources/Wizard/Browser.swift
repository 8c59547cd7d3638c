import Foundation
import Route53
import Terminal
import WhiteLabel

/// Loading state and cursor of one level of the browser.
public struct Listing: Sendable, Equatable {
    public var done = false
    public var error: String?
    public var cursor = 0
    public var pages = 0
}

/// One page of a listing, as the runner reads it.
public enum BrowserPage: Sendable, Equatable {
    case sets([DelegationSet]), zones([HostedZone]), records([ResourceRecordSet])
}

/// Browser messages.
public enum BrowserMsg: Sendable {
    case key(Key), resize(Size), tick, signal(Int32), log(RequestEvent)
    /// One page of rows for the listing with this generation.
    case page(generation: Int, BrowserPage)
    /// The zones one reusable set serves (ListHostedZones with `delegationsetid`), for the "All hosted zones" list.
    case zoneSets(generation: Int, setId: String, zoneIds: [String])
    /// The account's zones, listed once to name alias targets.
    case zoneNames([HostedZone])
    case finished(generation: Int, error: String?)
    case saved(Result<String, UIError>)
    case copied(Result<CopyOutcome, UIError>)
    /// One zone's audit (the zones level's status column); `done` when every zone has answered.
    case zoneStatus(generation: Int, zoneId: String, ZoneStatus?, done: Bool)
}

/// Browser effects.
public enum BrowserCommand: Sendable, Equatable {
    case listSets(generation: Int)
    /// The zones of one set, or (setId nil) every zone, then which of `setIds` serves each: one ListHostedZones per
    /// set, never a GetHostedZone per zone.
    case listZones(setId: String?, setIds: [String], generation: Int)
    case listRecords(zoneId: String, generation: Int)
    /// One listing of the account's zones, to name the zones alias targets point into.
    case listZoneNames
    case saveLog(String)
    /// Copies `text` to the user's clipboard (OSC 52) or, failing that, to a file; `what` names it in the notice.
    case copy(text: String, what: String)
    /// Audits the listed zones (DNS questions only, no Route 53 call) for the status column.
    case auditZones(zones: [HostedZone], awsNames: [String], generation: Int)
}

/// What a key does in the browser.
public enum BrowserAction: Sendable, Equatable {
    case up, down, pageUp, pageDown, open, back, filter, type, erase, endFilter, toggleLog, help, quit, save, bottom, copy, typeFilter
}

/// The browser: delegation sets, then the zones of one, then the record sets of a zone, then one record set whole.
public struct BrowserState: Sendable {
    public enum Level: Int, Sendable { case sets, zones, records }
    public var size: Size
    public var account: AccountInfo
    public var level: Level = .sets
    public var listings: [Listing] = [Listing(), Listing(), Listing()]
    public var titles = ["Reusable delegation sets", "", ""]
    public var generation = 0
    public var sets: [DelegationSet] = []
    public var zones: [HostedZone] = []
    /// The set being browsed on the zones level (nil: every zone of the account).
    public var zonesSet: String?
    /// Zone id -> the reusable set that serves it (zones in none have their own name servers).
    public var zoneSets: [String: String] = [:]
    /// Every set's listing has answered, so a zone in none of them has its own name servers.
    public var zoneSetsKnown = false
    public var records: [ResourceRecordSet] = []
    /// Names of every zone listed so far, by id (to name alias targets).
    public var zoneNames: [String: String] = [:]
    /// The account's zones were listed once for alias targets; not again.
    public var zoneNamesListed = false
    /// Each listed zone's white-label status, by zone id, and whether its audit is still running.
    public var zoneStatus: [String: ZoneStatus] = [:]
    public var auditing = false
    var auditGeneration = -1
    public var filter = ""
    public var filtering = false
    /// The record type shown alone (`t` cycles through the types of the zone).
    public var typeFilter: String?
    /// The record set shown whole (an index into `records`), and how far its lines are scrolled.
    public var detail: Int?
    public var detailOffset = 0
    public var focusLog = false
    public var showHelp = false
    public var log = LogPane()
    public var tick = 0
    public var notice: (text: String, role: Role)?
    public var exitCode: Int32?
    public var afterExit: [String] { [] }

    public init(size: Size, account: AccountInfo) { self.size = size; self.account = account }
    public var initialCommands: [BrowserCommand] { [.listSets(generation: generation)] }
    public var animating: Bool { !listings[level.rawValue].done }
    var current: Listing { listings[level.rawValue] }
    var logRows: Int { (size.height >= 40 ? 10 : 6) - 2 }

    /// Column bounds per level (each column is as wide as its widest cell, up to these) and which give way first.
    static let columns: [[Widgets.Column]] = [
        [Widgets.Column("set", 32), Widgets.Column("name servers", 100)],
        [Widgets.Column("zone", 40), Widgets.Column("id", 32), Widgets.Column("set", 24), Widgets.Column("status", 16),
         Widgets.Column("records", 7, right: true), Widgets.Column("comment", 40)],
        [Widgets.Column("name", 48, minimum: 16), Widgets.Column("type", 5), Widgets.Column("ttl", 6, right: true),
         Widgets.Column("routing", 30, minimum: 12), Widgets.Column("values", 400, minimum: 12)],
    ]
    /// On the zones level the comment, then the name, give way before the id; for record sets the values (the detail
    /// view has them whole), then the widest of name and routing.
    static let shrinkFirst: [[Int]] = [[1], [5, 0, 2], [4]]

    /// The table cells of the current level, every row.
    public var rows: [[String]] {
        switch level {
        case .sets:
            return [["All hosted zones", "(every zone of the account)"]] + sets.map { [$0.id ?? "?", $0.nameServers.map(BrowserRunner.bare).joined(separator: "  ")] }
        case .zones:
            return zones.map { z in
                let set: String
                if z.config?.privateZone == true { set = "-" }
                else if let s = zonesSet ?? zoneSets[z.id] { set = s }
                else { set = zoneSetsKnown ? "own name servers" : "…" }
                return [BrowserRunner.bare(z.name) + (z.config?.privateZone == true ? " (private)" : ""), z.id, set, statusCell(z),
                        z.resourceRecordSetCount.map(String.init) ?? "", z.config?.comment ?? ""]
            }
        case .records:
            return records.map { r in
                [r.name, r.type, r.aliasTarget != nil ? "alias" : r.ttl.map(String.init) ?? "", RecordDetail.routingCell(r), RecordDetail.valuesCell(r)]
            }
        }
    }

    /// Indices of the rows that match the filter and the type filter.
    public var visibleRows: [Int] {
        let all = rows
        return all.indices.filter { i in
            if level == .records, let t = typeFilter, records[i].type != t { return false }
            return filter.isEmpty || all[i].joined(separator: " ").lowercased().contains(filter.lowercased())
        }
    }

    /// The record types of the zone, in order, for `t`.
    var recordTypes: [String] { Array(Set(records.map(\.type))).sorted() }

    public var keymap: Keymap<BrowserAction> {
        typealias B = KeyBinding<BrowserAction>
        if focusLog {
            return Keymap([B([.up, .char("k")], "↑↓", "scroll", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                           B([.end, .char("G")], "end", "follow", .bottom), B([.char("s")], "s", "save log", .save),
                           B([.tab, .escape], "tab", "back", .toggleLog), B([.char("q")], "q", "quit", .quit)])
        }
        if filtering {
            return Keymap([B(patterns: [.printable], label: "type", help: "filter", action: .type),
                           B([.backspace, .delete], "bksp", "erase", .erase), B([.enter, .up, .down], "enter", "done", .endFilter),
                           B([.escape], "esc", "clear", .back), B([.ctrl("c")], "^C", "quit", footer: false, .quit)])
        }
        if detail != nil {
            return Keymap([B([.up, .char("k")], "↑↓", "scroll", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                           B([.pageUp], "pgup", "page up", footer: false, .pageUp), B([.pageDown], "pgdn", "page down", footer: false, .pageDown),
                           B([.char("c")], "c", "copy", .copy), B([.escape, .backTab, .enter], "esc", "back to the list", .back),
                           B([.tab], "tab", "log", .toggleLog), B([.char("?")], "?", "help", .help), B([.char("q")], "q", "quit", .quit)])
        }
        var b = [B([.up, .char("k")], "↑↓", "move", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                 B([.pageUp], "pgup", "page up", footer: false, .pageUp), B([.pageDown], "pgdn", "page down", footer: false, .pageDown),
                 B([.enter], "enter", level == .records ? "detail" : "open", .open), B([.char("/")], "/", "filter", .filter)]
        if level == .records { b.append(B([.char("t")], "t", "type", .typeFilter)) }
        b += [B([.char("c")], "c", "copy", .copy), B([.tab], "tab", "log", footer: level != .records, .toggleLog)]
        if level != .sets || !filter.isEmpty { b.append(B([.escape, .backTab], "esc", "back", .back)) }
        b += [B([.char("?")], "?", "help", .help), B([.char("q")], "q", "quit", .quit)]
        return Keymap(b)
    }
    mutating func startListing(_ lvl: Level, title: String, _ make: (Int) -> BrowserCommand) -> [BrowserCommand] {
        generation += 1
        level = lvl; listings[lvl.rawValue] = Listing(); titles[lvl.rawValue] = title; filter = ""; typeFilter = nil
        switch lvl {
        case .sets: sets = []
        case .zones: zones = []; zoneSets = [:]; zoneSetsKnown = false; zoneStatus = [:]; auditing = false
        case .records: records = []
        }
        return [make(generation)]
    }

    /// Applies one message; returns commands. Pure.
    public mutating func update(_ msg: BrowserMsg) -> [BrowserCommand] {
        switch msg {
        case let .resize(s): size = s
        case .tick: tick &+= 1
        case let .signal(s): exitCode = 128 + s
        case let .log(e): log.append(LogEntry(event: e))
        case let .page(g, page):
            guard g == generation else { return [] }
            switch page {
            case let .sets(items): sets += items
            case let .zones(items):
                zones += items
                for z in items { zoneNames[z.id] = z.name }
            case let .records(items): records += items
            }
            listings[level.rawValue].pages += 1
        case let .zoneSets(g, setId, ids):
            guard g == generation else { return [] }
            for id in ids { zoneSets[id] = setId }
        case let .zoneNames(all):
            for z in all { zoneNames[z.id] = z.name }
        case let .zoneStatus(g, id, status, done):
            // Zone ids do not change meaning: an answer is kept even after the user moved on and came back.
            if let status { zoneStatus[id] = status }
            if done && g == auditGeneration { auditing = false }
        case let .finished(g, err):
            guard g == generation else { return [] }
            listings[level.rawValue].done = true; listings[level.rawValue].error = err
            if level == .zones && err == nil {
                zoneSetsKnown = true
                if let audit = auditCommand() { auditing = true; auditGeneration = generation; return [audit] }
            }
            // An alias into a zone not listed yet: one listing of the account's zones names them all.
            if level == .records && !zoneNamesListed,
               records.contains(where: { $0.aliasTarget.map { zoneNames[ResourceID.bare($0.hostedZoneId)] == nil } ?? false }) {
                zoneNamesListed = true
                return [.listZoneNames]
            }
        case let .saved(r):
            switch r {
            case let .success(p): notice = ("Log saved to \(p) (mode 0600)", .ok)
            case let .failure(e): notice = ("Could not save the log: \(e.message)", .error)
            }
        case let .copied(r):
            switch r {
            case let .success(o): notice = o.notice
            case let .failure(e): notice = ("Could not copy: \(e.message)", .error)
            }
        case let .key(k):
            if k == .ctrl("c") { exitCode = 130; return [] }
            if size.width < 80 || size.height < 24 { if k == .char("q") { exitCode = 0 }; return [] }
            if showHelp { showHelp = false; return [] }
            guard let a = keymap.action(for: k) else { return [] }
            if a != .save && a != .copy { notice = nil }
            return act(a, key: k)
        }
        return []
    }

    /// The box's inside for the list or the detail, as `view` lays it out.
    var bodyRect: Rect {
        let inside = Rect(x: 0, y: 1, width: size.width, height: size.height - 2 - (logRows + 2)).inset()
        return Rect(x: inside.x + 1, y: inside.y, width: inside.width - 2, height: inside.height)
    }

    /// The detail view's content for the record set shown.
    func detailContent(_ i: Int) -> RecordDetail { RecordDetail(records[i], zoneNames: zoneNames) }

    /// Rows the detail view has for its lines (one is kept for a notice).
    var detailHeight: Int { bodyRect.height - 1 }

    /// The text `c` copies and how the notice names it.
    var copyTarget: (text: String, what: String)? {
        if let d = detail {
            let r = records[d]
            return (detailContent(d).text, "record set \(r.name) \(r.type)")
        }
        let vis = visibleRows
        guard let i = vis.contains(current.cursor) ? current.cursor : vis.first else { return nil }
        switch level {
        case .sets:
            guard i > 0 else { return nil }
            return (sets[i - 1].id ?? "", "set id \(sets[i - 1].id ?? "")")
        case .zones: return (zones[i].id, "zone id \(zones[i].id)")
        case .records:
            let r = records[i]
            let text = r.aliasTarget.map { $0.dnsName } ?? r.values.joined(separator: "\n")
            return (text + "\n", "the values of \(r.name) \(r.type)")
        }
    }

    mutating func act(_ a: BrowserAction, key: Key) -> [BrowserCommand] {
        let vis = visibleRows
        let page = max(1, size.height - logRows - 7)
        func move(_ d: Int) {
            guard !vis.isEmpty else { return }
            let pos = vis.firstIndex(of: current.cursor) ?? 0
            listings[level.rawValue].cursor = vis[min(vis.count - 1, max(0, pos + d))]
        }
        if focusLog {
            switch a {
            case .up: log.scroll(by: 1, visible: logRows)
            case .down: log.scroll(by: -1, visible: logRows)
            case .bottom: log.toBottom()
            case .save: return [.saveLog(log.fileText)]
            case .toggleLog: focusLog = false
            case .quit: exitCode = 0
            default: break
            }
            return []
        }
        if case .copy = a {
            guard let t = copyTarget else { notice = ("Nothing to copy on this row.", .dim); return [] }
            return [.copy(text: t.text, what: t.what)]
        }
        if let d = detail {
            let maxOffset = max(0, detailContent(d).lines(width: bodyRect.width).count - detailHeight)
            switch a {
            case .up: detailOffset = max(0, detailOffset - 1)
            case .down: detailOffset = min(maxOffset, detailOffset + 1)
            case .pageUp: detailOffset = max(0, detailOffset - detailHeight)
            case .pageDown: detailOffset = min(maxOffset, detailOffset + detailHeight)
            case .back, .open: detail = nil
            case .help: showHelp = true
            case .toggleLog: focusLog = true
            case .quit: exitCode = 0
            default: break
            }
            return []
        }
        switch a {
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-page)
        case .pageDown: move(page)
        case .help: showHelp = true
        case .toggleLog: focusLog = true
        case .quit: exitCode = 0
        case .filter: filtering = true
        case .type: if let c = key.printable { filter.append(c); if let f = visibleRows.first { listings[level.rawValue].cursor = f } }
        case .erase: if !filter.isEmpty { filter.removeLast() }
        case .endFilter: filtering = false
        case .typeFilter:
            let types = recordTypes
            if let t = typeFilter, let i = types.firstIndex(of: t) { typeFilter = i + 1 < types.count ? types[i + 1] : nil }
            else { typeFilter = types.first }
            if let f = visibleRows.first, !visibleRows.contains(current.cursor) { listings[level.rawValue].cursor = f }
        case .back:
            if filtering || !filter.isEmpty || typeFilter != nil { filtering = false; filter = ""; typeFilter = nil; return [] }
            if level != .sets { generation += 1; level = Level(rawValue: level.rawValue - 1)!; listings[level.rawValue].done = true }
        case .open:
            guard let i = vis.contains(current.cursor) ? current.cursor : vis.first else { return [] }
            switch level {
            case .sets:
                let key = i == 0 ? nil : sets[i - 1].id
                zonesSet = key
                let all = sets.compactMap(\.id)
                return startListing(.zones, title: key.map { "Zones in set \($0)" } ?? "All hosted zones") {
                    .listZones(setId: key, setIds: key == nil ? all : [], generation: $0)
                }
            case .zones:
                let z = zones[i]
                return startListing(.records, title: "Record sets of \(BrowserRunner.bare(z.name))") { .listRecords(zoneId: z.id, generation: $0) }
            case .records:
                listings[level.rawValue].cursor = i
                detail = i; detailOffset = 0
            }
        case .save, .bottom, .copy: break
        }
        return []
    }

    /// Draws the browser. Pure.
    public func view() -> Frame {
        if size.width < 80 || size.height < 24 { return Widgets.tooSmall(size: size, need: WizardState.minimum) }
        var f = Frame(size: size)
        f.fill(Rect(x: 0, y: 0, width: size.width, height: 1), role: .title)
        f.put(" vanityns ─ browse Route 53", x: 0, y: 0, role: .title)
        let right = "acct \(account.keyHint ?? "?") "
        f.put(right, x: size.width - TextWidth.of(right), y: 0, role: .title)
        let logH = logRows + 2
        let l = current
        var title = titles[level.rawValue]
        if let d = detail {
            title = "\(records[d].name) \(records[d].type)" + (records[d].setIdentifier.map { " ─ set identifier \($0)" } ?? "")
        } else {
            title += l.done ? " (\(rows.count))" : " (\(rows.count) so far, loading page \(l.pages + 1) \(Widgets.spinner(tick)))"
        }
        Widgets.box(&f, Rect(x: 0, y: 1, width: size.width, height: size.height - 2 - logH), title: title, focused: !focusLog)
        var r = bodyRect
        if let n = notice { f.put(n.text, x: r.x, y: r.maxY - 1, width: r.width, role: n.role); r.height -= 1 }
        if let d = detail {
            if notice == nil { r.height -= 1 }
            RecordDetail.draw(&f, r, lines: detailContent(d).lines(width: r.width), offset: detailOffset)
        } else {
            drawList(&f, r)
        }
        log.draw(&f, Rect(x: 0, y: size.height - 1 - logH, width: size.width, height: logH), focused: focusLog)
        Widgets.footer(&f, y: size.height - 1, hints: keymap.footerHints)
        if showHelp { Widgets.helpOverlay(&f, title: "Keys", lines: keymap.helpLines + [("^C", "quit now")] + CopyToUser.helpLines) }
        return f
    }

    func drawList(_ f: inout Frame, _ rect: Rect) {
        var r = rect
        let l = current
        if filtering || !filter.isEmpty || typeFilter != nil {
            let typeNote = level == .records ? "type " + (typeFilter ?? "any") + " (t)" : ""
            Widgets.textInput(&f, x: r.x, y: r.y, width: r.width - TextWidth.of(typeNote) - 2, label: "/", value: filter, focused: filtering)
            f.put(typeNote, x: r.x + r.width - TextWidth.of(typeNote), y: r.y, role: typeFilter == nil ? .dim : .accent)
            r.y += 1; r.height -= 1
        }
        if let e = l.error { f.put("✗ " + e, x: r.x, y: r.maxY - 1, width: r.width, role: .error); r.height -= 1 }
        let all = rows
        var keep = Array(Self.columns[level.rawValue].indices)
        // A zone without routing policies has no routing column.
        if level == .records && all.allSatisfy({ $0[3].isEmpty }) { keep.removeAll { $0 == 3 } }
        if level == .zones {
            // No comments (or no audit), no such column; on a narrow screen the record count goes before a zone, id,
            // set or status cell is cut (the comment may lose its tail first).
            for c in [5, 3] where all.allSatisfy({ $0[c].isEmpty }) { keep.removeAll { $0 == c } }
            let cells = all.map { row in keep.map { row[$0] } }, bounds = keep.map { Self.columns[1][$0] }
            let natural = Widgets.fitColumns(bounds, rows: cells, total: Int.max / 2)
            let fitted = Widgets.fitColumns(bounds, rows: cells, total: r.width - 2, gap: 1,
                                            shrinkFirst: Self.shrinkFirst[1].compactMap { keep.firstIndex(of: $0) })
            if zip(keep, zip(natural, fitted)).contains(where: { $0.0 != 5 && $0.1.1.width < $0.1.0.width }) { keep.removeAll { $0 == 4 } }
        }
        let bounds = keep.map { Self.columns[level.rawValue][$0] }
        let cells = all.map { row in keep.map { row[$0] } }
        let shrink = Self.shrinkFirst[level.rawValue].compactMap { keep.firstIndex(of: $0) }
        // Columns one space apart when two would cut a cell.
        let natural = Widgets.fitColumns(bounds, rows: cells, total: Int.max / 2)
        let gap = natural.reduce(2 * (natural.count - 1)) { $0 + $1.width } <= r.width - 2 ? 2 : 1
        let cols = Widgets.fitColumns(bounds, rows: cells, total: r.width - 2, gap: gap, shrinkFirst: shrink)
        Widgets.tableRow(&f, x: r.x + 2, y: r.y, columns: cols, cells: cols.map(\.title), roles: Array(repeating: .heading, count: cols.count), gap: gap)
        let vis = visibleRows
        let sel = vis.firstIndex(of: l.cursor) ?? 0
        let top = Widgets.scrollOffset(selected: sel, count: vis.count, height: r.height - 1)
        for (i, idx) in vis.dropFirst(top).prefix(r.height - 1).enumerated() {
            let y = r.y + 1 + i
            if idx == l.cursor { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
            Widgets.tableRow(&f, x: r.x + 2, y: y, columns: cols, cells: cells[idx], gap: gap)
            if idx == l.cursor && !focusLog { f.paint(x: r.x + 2, y: y, width: r.width - 2, role: .selected) }
        }
        if vis.isEmpty && l.done {
            f.put(filter.isEmpty && typeFilter == nil ? "nothing here" : "no row matches", x: r.x + 2, y: r.y + 1, role: .dim)
        }
    }
}

extension BrowserMsg: ScreenMsg {}
extension BrowserState: ScreenProgram {}

/// Runs browser commands page by page, so the first rows show while later pages load.
public struct BrowserRunner: Sendable {
    public var route53: any Route53API
    public var stateDirectory: URL?
    /// Where OSC 52 sequences go (the driver writes them to the terminal).
    public var terminal: TerminalOutbox
    /// The terminal type, which decides whether the clipboard escape can work.
    public var term: String?
    /// Audits zones for the status column (nil: no status).
    public var audit: (@Sendable ([HostedZone], [String]) -> AsyncStream<AuditRow>)?
    public init(route53: any Route53API, stateDirectory: URL? = nil, terminal: TerminalOutbox = TerminalOutbox(), term: String? = CopyToUser.term,
                audit: (@Sendable ([HostedZone], [String]) -> AsyncStream<AuditRow>)? = nil) {
        self.route53 = route53; self.stateDirectory = stateDirectory; self.terminal = terminal; self.term = term; self.audit = audit
    }

    static func bare(_ s: String) -> String { s.hasSuffix(".") ? String(s.dropLast()) : s }

    public func run(_ c: BrowserCommand, send: @escaping @Sendable (BrowserMsg) -> Void) async {
        let dir = stateDirectory ?? FileManager.default.temporaryDirectory
        func pages<T: Sendable>(_ g: Int, _ stream: AsyncThrowingStream<[T], Error>, finish: Bool = true, _ wrap: ([T]) -> BrowserPage) async -> Bool {
            do {
                for try await page in stream { send(.page(generation: g, wrap(page))) }
                if finish { send(.finished(generation: g, error: nil)) }
                return true
            } catch { send(.finished(generation: g, error: UIError(error: error).message)); return false }
        }
        switch c {
        case let .listSets(g):
            _ = await pages(g, route53.listReusableDelegationSetPages(), BrowserPage.sets)
        case let .listZones(setId, setIds, g):
            guard await pages(g, route53.listHostedZonePages(delegationSetId: setId), finish: setIds.isEmpty, BrowserPage.zones) else { return }
            do {
                for id in setIds {
                    var ids: [String] = []
                    for try await page in route53.listHostedZonePages(delegationSetId: id) { ids += page.map(\.id) }
                    send(.zoneSets(generation: g, setId: id, zoneIds: ids))
                }
                send(.finished(generation: g, error: nil))
            } catch { send(.finished(generation: g, error: UIError(error: error).message)) }
        case let .listRecords(zoneId, g):
            _ = await pages(g, route53.listResourceRecordSetPages(zoneId: zoneId), BrowserPage.records)
        case .listZoneNames:
            if let all = try? await route53.listHostedZones() { send(.zoneNames(all)) }
        case let .saveLog(text):
            let r = await WizardRunner.result { try PrivateFile.write(text, directory: dir, name: PrivateFile.stampedName("vanityns-log")) }
            send(.saved(r))
        case let .copy(text, what):
            send(.copied(CopyToUser.perform(text, what: what, prefix: "vanityns-copy", term: term, outbox: terminal, directory: dir)))
        case let .auditZones(zones, aws, g):
            if let audit {
                for await row in audit(zones, aws) {
                    let id = zones.first { DomainName(trusted: $0.name).ascii == row.zone }?.id ?? row.zoneId
                    send(.zoneStatus(generation: g, zoneId: id, ZoneStatus(row), done: false))
                }
            }
            send(.zoneStatus(generation: g, zoneId: "", nil, done: true))
        }
    }
}
