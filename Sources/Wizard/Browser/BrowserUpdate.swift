import Foundation
import Route53
import Terminal

extension BrowserState {
    /// Applies one message; returns commands. Pure. A level's own messages go to that level.
    public mutating func update(_ msg: BrowserMsg) -> [BrowserCommand] {
        switch msg {
        case let .resize(s): size = s
        case .tick: tick &+= 1
        case let .signal(s): exitCode = 128 + s
        case let .log(e): log.append(LogEntry(event: e))
        case let .finished(g, err):
            guard g == generation else { return [] }
            listings[level.rawValue].done = true; listings[level.rawValue].error = err
            return handler.finished(&self, error: err)
        case let .saved(r): notice = CopyOutcome.logSaved(r)
        case let .copied(r): notice = CopyOutcome.notice(r)
        case let .key(k):
            if k == .ctrl("c") { exitCode = 130; return [] }
            if size.width < 80 || size.height < 24 { if k == .char("q") { exitCode = 0 }; return [] }
            if showHelp { showHelp = false; return [] }
            guard let a = keymap.action(for: k) else { return [] }
            if a != .save && a != .copy { notice = nil }
            return act(a, key: k)
        case .page, .zoneSets, .zoneNames, .zoneStatus:
            for h in Self.levels { if let cmds = h.receive(&self, msg) { return cmds } }
        }
        return []
    }

    /// The text `c` copies and how the notice names it.
    var copyTarget: (text: String, what: String)? {
        if let d = recordsLevel.detail { return RecordsLevel.detailCopy(self, d) }
        let vis = visibleRows
        guard let i = vis.contains(current.cursor) ? current.cursor : vis.first else { return nil }
        return handler.copyTarget(self, i)
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
        if recordsLevel.detail != nil { RecordsLevel.detailAct(&self, a); return [] }
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
        case .typeFilter: RecordsLevel.nextType(&self)
        case .back:
            if filtered { filtering = false; filter = ""; recordsLevel.typeFilter = nil; return [] }
            guard level != .sets else { return [] }
            let up = Level(rawValue: level.rawValue - 1)!
            // A listing left before it answered in full lost its later pages: it starts again rather than pass for whole.
            if !listings[up.rawValue].done, let again = listingCommands[up.rawValue] { return startListing(up, title: titles[up.rawValue], again) }
            generation += 1; level = up
        case .open:
            guard let i = vis.contains(current.cursor) ? current.cursor : vis.first else { return [] }
            return handler.open(&self, i)
        case .save, .bottom, .copy: break
        }
        return []
    }
}
