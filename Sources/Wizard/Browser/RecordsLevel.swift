import Foundation
import Route53
import Terminal

/// The browser's third level: the record sets of one zone with their routing, narrowed by type with `t`; enter
/// shows one record set whole (the detail view, scrolled with ↑↓), naming the zones alias targets point into.
public enum RecordsLevel: BrowserLevelHandler {
    public struct State: Sendable {
        public var records: [ResourceRecordSet] = []
        /// Names of every zone listed so far, by id (to name alias targets).
        public var zoneNames: [String: String] = [:]
        /// The account's zones were listed once for alias targets; not again.
        public var zoneNamesListed = false
        /// The record type shown alone (`t` cycles through the types of the zone).
        public var typeFilter: String?
        /// The record set shown whole (an index into `records`), and how far its lines are scrolled.
        public var detail: Int?
        public var detailOffset = 0

        /// The record types of the zone, in order, for `t`.
        var recordTypes: [String] { Array(Set(records.map(\.type))).sorted() }
    }

    static let columns = [Widgets.Column("name", 48, minimum: 16), Widgets.Column("type", 5), Widgets.Column("ttl", 6, right: true),
                          Widgets.Column("routing", 30, minimum: 12), Widgets.Column("values", 400, minimum: 12)]
    /// The values give way first (the detail view has them whole), then the widest of name and routing.
    static let shrinkFirst = [4]
    static let openLabel = "detail"

    static func rows(_ s: BrowserState) -> [[String]] {
        s.recordsLevel.records.map { r in
            [r.name, r.type, r.aliasTarget != nil ? "alias" : r.ttl.map(String.init) ?? "", RecordDetail.routingCell(r), RecordDetail.valuesCell(r)]
        }
    }

    static func matches(_ s: BrowserState, _ i: Int) -> Bool {
        guard let t = s.recordsLevel.typeFilter else { return true }
        return s.recordsLevel.records[i].type == t
    }

    /// A zone without routing policies has no routing column.
    static func shownColumns(_ s: BrowserState, rows: [[String]], width: Int) -> [Int] {
        var keep = Array(columns.indices)
        if rows.allSatisfy({ $0[3].isEmpty }) { keep.removeAll { $0 == 3 } }
        return keep
    }

    static func reset(_ s: inout BrowserState) { s.recordsLevel.records = [] }

    static func receive(_ s: inout BrowserState, _ m: BrowserMsg) -> [BrowserCommand]? {
        switch m {
        case let .page(g, .records(items)): if s.accept(page: g) { s.recordsLevel.records += items }
        case let .zoneNames(all): for z in all { s.recordsLevel.zoneNames[z.id] = z.name }
        default: return nil
        }
        return []
    }

    /// An alias into a zone not listed yet: one listing of the account's zones names them all.
    static func finished(_ s: inout BrowserState, error: String?) -> [BrowserCommand] {
        let r = s.recordsLevel
        guard !r.zoneNamesListed,
              r.records.contains(where: { $0.aliasTarget.map { r.zoneNames[ResourceID.bare($0.hostedZoneId)] == nil } ?? false }) else { return [] }
        s.recordsLevel.zoneNamesListed = true
        return [.listZoneNames]
    }

    static func open(_ s: inout BrowserState, _ i: Int) -> [BrowserCommand] {
        s.listings[s.level.rawValue].cursor = i
        s.recordsLevel.detail = i; s.recordsLevel.detailOffset = 0
        return []
    }

    static func copyTarget(_ s: BrowserState, _ i: Int) -> (text: String, what: String)? {
        let r = s.recordsLevel.records[i]
        let text = r.aliasTarget.map { $0.dnsName } ?? r.values.joined(separator: "\n")
        return (text + "\n", "the values of \(r.name) \(r.type)")
    }

    static func keys(_ s: BrowserState) -> [KeyBinding<BrowserAction>] { [KeyBinding([.char("t")], "t", "type", .typeFilter)] }

    /// `t`: the next record type of the zone alone, then every type again.
    static func nextType(_ s: inout BrowserState) {
        let types = s.recordsLevel.recordTypes
        if let t = s.recordsLevel.typeFilter, let i = types.firstIndex(of: t) { s.recordsLevel.typeFilter = i + 1 < types.count ? types[i + 1] : nil }
        else { s.recordsLevel.typeFilter = types.first }
        if let f = s.visibleRows.first, !s.visibleRows.contains(s.current.cursor) { s.listings[s.level.rawValue].cursor = f }
    }

    // MARK: the detail view

    /// The detail view's content for the record set shown.
    static func content(_ s: BrowserState, _ i: Int) -> RecordDetail { RecordDetail(s.recordsLevel.records[i], zoneNames: s.recordsLevel.zoneNames) }

    /// Rows the detail view has for its lines (one is kept for a notice).
    static func height(_ s: BrowserState) -> Int { s.bodyRect.height - 1 }

    static func detailTitle(_ s: BrowserState, _ d: Int) -> String {
        let r = s.recordsLevel.records[d]
        return "\(r.name) \(r.type)" + (r.setIdentifier.map { " ─ set identifier \($0)" } ?? "")
    }

    static func drawDetail(_ s: BrowserState, _ f: inout Frame, _ r: Rect, _ d: Int) {
        RecordDetail.draw(&f, r, lines: content(s, d).lines(width: r.width), offset: s.recordsLevel.detailOffset)
    }

    static func detailCopy(_ s: BrowserState, _ d: Int) -> (text: String, what: String) {
        let r = s.recordsLevel.records[d]
        return (content(s, d).text, "record set \(r.name) \(r.type)")
    }

    static let detailKeymap: Keymap<BrowserAction> = {
        typealias B = KeyBinding<BrowserAction>
        return Keymap([B([.up, .char("k")], "↑↓", "scroll", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                       B([.pageUp], "pgup", "page up", footer: false, .pageUp), B([.pageDown], "pgdn", "page down", footer: false, .pageDown),
                       B([.char("c")], "c", "copy", .copy), B([.escape, .backTab, .enter], "esc", "back to the list", .back),
                       B([.tab], "tab", "log", .toggleLog), B([.char("?")], "?", "help", .help), B([.char("q")], "q", "quit", .quit)])
    }()

    static func detailAct(_ s: inout BrowserState, _ a: BrowserAction) {
        guard let d = s.recordsLevel.detail else { return }
        let h = height(s)
        let maxOffset = max(0, content(s, d).lines(width: s.bodyRect.width).count - h)
        switch a {
        case .up: s.recordsLevel.detailOffset = max(0, s.recordsLevel.detailOffset - 1)
        case .down: s.recordsLevel.detailOffset = min(maxOffset, s.recordsLevel.detailOffset + 1)
        case .pageUp: s.recordsLevel.detailOffset = max(0, s.recordsLevel.detailOffset - h)
        case .pageDown: s.recordsLevel.detailOffset = min(maxOffset, s.recordsLevel.detailOffset + h)
        case .back, .open: s.recordsLevel.detail = nil
        case .help: s.showHelp = true
        case .toggleLog: s.focusLog = true
        case .quit: s.exitCode = 0
        default: break
        }
    }
}
