import Foundation
import Route53
import Terminal

/// One level of the browser: rows as table cells, the key to open each, and loading state.
public struct Listing: Sendable, Equatable {
    public var rows: [[String]] = []
    public var keys: [String] = []
    public var done = false
    public var error: String?
    public var cursor = 0
    public var pages = 0
}

/// Browser messages.
public enum BrowserMsg: Sendable {
    case key(Key), resize(Size), tick, signal(Int32), log(RequestEvent)
    /// One page of rows for the listing with this generation.
    case page(generation: Int, rows: [[String]], keys: [String])
    case finished(generation: Int, error: String?)
    case saved(Result<String, UIError>)
}

/// Browser effects.
public enum BrowserCommand: Sendable, Equatable {
    case listSets(generation: Int)
    case listZones(setId: String?, generation: Int)
    case listRecords(zoneId: String, generation: Int)
    case saveLog(String)
}

/// What a key does in the browser.
public enum BrowserAction: Sendable, Equatable { case up, down, pageUp, pageDown, open, back, filter, type, erase, endFilter, toggleLog, help, quit, save, bottom }

/// The browser: delegation sets, then the zones of one, then the record sets of a zone.
public struct BrowserState: Sendable {
    public enum Level: Int, Sendable { case sets, zones, records }
    public var size: Size
    public var account: AccountInfo
    public var level: Level = .sets
    public var listings: [Listing] = [Listing(), Listing(), Listing()]
    public var titles = ["Reusable delegation sets", "", ""]
    public var generation = 0
    public var filter = ""
    public var filtering = false
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

    static let columns: [[Widgets.Column]] = [
        [Widgets.Column("set", 24), Widgets.Column("name servers", 90)],
        [Widgets.Column("zone", 34), Widgets.Column("id", 22), Widgets.Column("records", 7, right: true), Widgets.Column("comment", 30)],
        [Widgets.Column("name", 34), Widgets.Column("type", 6), Widgets.Column("ttl", 6, right: true), Widgets.Column("values", 60)],
    ]

    /// Indices of the rows that match the filter.
    public var visibleRows: [Int] {
        let l = current
        guard !filter.isEmpty else { return Array(l.rows.indices) }
        return l.rows.indices.filter { l.rows[$0].joined(separator: " ").lowercased().contains(filter.lowercased()) }
    }

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
        var b = [B([.up, .char("k")], "↑↓", "move", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                 B([.pageUp], "pgup", "page up", footer: false, .pageUp), B([.pageDown], "pgdn", "page down", footer: false, .pageDown)]
        if level != .records { b.append(B([.enter], "enter", "open", .open)) }
        b += [B([.char("/")], "/", "filter", .filter), B([.tab], "tab", "log", .toggleLog)]
        if level != .sets || !filter.isEmpty { b.append(B([.escape, .backTab], "esc", "back", .back)) }
        b += [B([.char("?")], "?", "help", .help), B([.char("q")], "q", "quit", .quit)]
        return Keymap(b)
    }

    mutating func startListing(_ lvl: Level, title: String, _ make: (Int) -> BrowserCommand) -> [BrowserCommand] {
        generation += 1
        level = lvl; listings[lvl.rawValue] = Listing(); titles[lvl.rawValue] = title; filter = ""
        return [make(generation)]
    }

    /// Applies one message; returns commands. Pure.
    public mutating func update(_ msg: BrowserMsg) -> [BrowserCommand] {
        switch msg {
        case let .resize(s): size = s
        case .tick: tick &+= 1
        case let .signal(s): exitCode = 128 + s
        case let .log(e): log.append(LogEntry(event: e))
        case let .page(g, rows, keys):
            guard g == generation else { return [] }
            listings[level.rawValue].rows += rows; listings[level.rawValue].keys += keys; listings[level.rawValue].pages += 1
        case let .finished(g, err):
            guard g == generation else { return [] }
            listings[level.rawValue].done = true; listings[level.rawValue].error = err
        case let .saved(r):
            switch r {
            case let .success(p): notice = ("Log saved to \(p) (mode 0600)", .ok)
            case let .failure(e): notice = ("Could not save the log: \(e.message)", .error)
            }
        case let .key(k):
            if k == .ctrl("c") { exitCode = 130; return [] }
            if size.width < 80 || size.height < 24 { if k == .char("q") { exitCode = 0 }; return [] }
            if showHelp { showHelp = false; return [] }
            guard let a = keymap.action(for: k) else { return [] }
            return act(a, key: k)
        }
        return []
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
        case .back:
            if filtering || !filter.isEmpty { filtering = false; filter = ""; return [] }
            if level != .sets { generation += 1; level = Level(rawValue: level.rawValue - 1)!; listings[level.rawValue].done = true }
        case .open:
            guard let i = vis.contains(current.cursor) ? current.cursor : vis.first, i < current.keys.count else { return [] }
            let key = current.keys[i], name = current.rows[i].first ?? key
            if level == .sets {
                return startListing(.zones, title: key.isEmpty ? "All hosted zones" : "Zones in set \(key)") { .listZones(setId: key.isEmpty ? nil : key, generation: $0) }
            }
            if level == .zones {
                return startListing(.records, title: "Record sets of \(name)") { .listRecords(zoneId: key, generation: $0) }
            }
        case .save, .bottom: break
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
        title += l.done ? " (\(l.rows.count))" : " (\(l.rows.count) so far, loading page \(l.pages + 1) \(Widgets.spinner(tick)))"
        let inside = Widgets.box(&f, Rect(x: 0, y: 1, width: size.width, height: size.height - 2 - logH), title: title, focused: !focusLog)
        var r = Rect(x: inside.x + 1, y: inside.y, width: inside.width - 2, height: inside.height)
        if filtering || !filter.isEmpty {
            Widgets.textInput(&f, x: r.x, y: r.y, width: r.width, label: "/", value: filter, focused: filtering)
            r.y += 1; r.height -= 1
        }
        if let n = notice { f.put(n.text, x: r.x, y: r.maxY - 1, width: r.width, role: n.role); r.height -= 1 }
        if let e = l.error { f.put("✗ " + e, x: r.x, y: r.maxY - 1, width: r.width, role: .error); r.height -= 1 }
        let cols = Widgets.fitColumns(Self.columns[level.rawValue], total: r.width - 2)
        Widgets.tableRow(&f, x: r.x + 2, y: r.y, columns: cols, cells: cols.map(\.title), roles: Array(repeating: .heading, count: cols.count))
        let vis = visibleRows
        let sel = vis.firstIndex(of: l.cursor) ?? 0
        let top = Widgets.scrollOffset(selected: sel, count: vis.count, height: r.height - 1)
        for (i, idx) in vis.dropFirst(top).prefix(r.height - 1).enumerated() {
            let y = r.y + 1 + i
            if idx == l.cursor { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
            Widgets.tableRow(&f, x: r.x + 2, y: y, columns: cols, cells: l.rows[idx])
            if idx == l.cursor && !focusLog { f.paint(x: r.x + 2, y: y, width: r.width - 2, role: .selected) }
        }
        if vis.isEmpty && l.done { f.put(filter.isEmpty ? "nothing here" : "no row matches “\(filter)”", x: r.x + 2, y: r.y + 1, role: .dim) }
        log.draw(&f, Rect(x: 0, y: size.height - 1 - logH, width: size.width, height: logH), focused: focusLog)
        Widgets.footer(&f, y: size.height - 1, hints: keymap.footerHints)
        if showHelp { Widgets.helpOverlay(&f, title: "Keys", lines: keymap.helpLines + [("^C", "quit now")]) }
        return f
    }
}

extension BrowserMsg: ScreenMsg {}
extension BrowserState: ScreenProgram {}

/// Runs browser commands page by page, so the first rows show while later pages load.
public struct BrowserRunner: Sendable {
    public var route53: any Route53API
    public var stateDirectory: URL?
    public init(route53: any Route53API, stateDirectory: URL? = nil) { self.route53 = route53; self.stateDirectory = stateDirectory }

    static func bare(_ s: String) -> String { s.hasSuffix(".") ? String(s.dropLast()) : s }

    public func run(_ c: BrowserCommand, send: @escaping @Sendable (BrowserMsg) -> Void) async {
        func pages<T: Sendable>(_ g: Int, _ stream: AsyncThrowingStream<[T], Error>, _ row: (T) -> ([String], String)) async {
            do {
                for try await page in stream {
                    let mapped = page.map(row)
                    send(.page(generation: g, rows: mapped.map(\.0), keys: mapped.map(\.1)))
                }
                send(.finished(generation: g, error: nil))
            } catch { send(.finished(generation: g, error: UIError(error: error).message)) }
        }
        switch c {
        case let .listSets(g):
            send(.page(generation: g, rows: [["All hosted zones", "(every zone of the account)"]], keys: [""]))
            await pages(g, route53.listReusableDelegationSetPages()) { s in
                ([s.id ?? "?", s.nameServers.map(Self.bare).joined(separator: "  ")], s.id ?? "")
            }
        case let .listZones(setId, g):
            await pages(g, route53.listHostedZonePages(delegationSetId: setId)) { z in
                ([Self.bare(z.name) + (z.config?.privateZone == true ? " (private)" : ""), z.id, z.resourceRecordSetCount.map(String.init) ?? "",
                  z.config?.comment ?? ""], z.id)
            }
        case let .listRecords(zoneId, g):
            await pages(g, route53.listResourceRecordSetPages(zoneId: zoneId)) { r in
                let values = r.aliasTarget.map { "ALIAS \($0.dnsName)" } ?? r.values.joined(separator: " ")
                return ([r.name, r.type, r.ttl.map(String.init) ?? "", values], r.name + " " + r.type)
            }
        case let .saveLog(text):
            let dir = stateDirectory ?? FileManager.default.temporaryDirectory
            let r = await WizardRunner.result { try PrivateFile.write(text, directory: dir, name: PrivateFile.stampedName("vanityns-log")) }
            send(.saved(r))
        }
    }
}
