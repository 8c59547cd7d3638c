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
    /// One page of rows for the listing with this generation (for the level that lists that kind of row).
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
    /// set, never a GetHostedZone per zone. `setIds` nil: the sets were not all listed yet, so the runner lists them.
    case listZones(setId: String?, setIds: [String]?, generation: Int)
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

/// One level of the browser, in its own file under Browser/: the level's state struct, its rows and columns, its
/// messages, what enter opens and what `c` copies. The browser reaches a level only through `BrowserState.levels`.
protocol BrowserLevelHandler: Sendable {
    /// Column bounds (each column is as wide as its widest cell, up to these) and which give way first.
    static var columns: [Widgets.Column] { get }
    static var shrinkFirst: [Int] { get }
    /// What enter does, in the footer.
    static var openLabel: String { get }
    /// The table cells, every row.
    static func rows(_ s: BrowserState) -> [[String]]
    /// Row `i` passes the level's own filter (the type filter of record sets).
    static func matches(_ s: BrowserState, _ i: Int) -> Bool
    /// The columns to show of `rows` in `width`.
    static func shownColumns(_ s: BrowserState, rows: [[String]], width: Int) -> [Int]
    /// Forgets the rows before a new listing.
    static func reset(_ s: inout BrowserState)
    /// The level's own messages (nil: not one of its).
    static func receive(_ s: inout BrowserState, _ m: BrowserMsg) -> [BrowserCommand]?
    /// The listing has answered in full (or failed with `error`).
    static func finished(_ s: inout BrowserState, error: String?) -> [BrowserCommand]
    /// enter on row `i`.
    static func open(_ s: inout BrowserState, _ i: Int) -> [BrowserCommand]
    /// What `c` copies on row `i`, and how the notice names it.
    static func copyTarget(_ s: BrowserState, _ i: Int) -> (text: String, what: String)?
    /// The level's keys beside the list's.
    static func keys(_ s: BrowserState) -> [KeyBinding<BrowserAction>]
}

extension BrowserLevelHandler {
    static var openLabel: String { "open" }
    static func matches(_ s: BrowserState, _ i: Int) -> Bool { true }
    static func shownColumns(_ s: BrowserState, rows: [[String]], width: Int) -> [Int] { Array(columns.indices) }
    static func finished(_ s: inout BrowserState, error: String?) -> [BrowserCommand] { [] }
    static func keys(_ s: BrowserState) -> [KeyBinding<BrowserAction>] { [] }
}

/// The browser: delegation sets, then the zones of one, then the record sets of a zone, then one record set whole.
public struct BrowserState: Sendable {
    public enum Level: Int, Sendable { case sets, zones, records }
    /// The levels' handlers, in the order of `Level`.
    static let levels: [any BrowserLevelHandler.Type] = [SetsLevel.self, ZonesLevel.self, RecordsLevel.self]

    public var size: Size
    public var account: AccountInfo
    public var level: Level = .sets
    public var listings: [Listing] = [Listing(), Listing(), Listing()]
    public var titles = ["Reusable delegation sets", "", ""]
    /// How each level's listing was started, to start it again when the user comes back before it answered in full.
    var listingCommands: [(@Sendable (Int) -> BrowserCommand)?] = [{ .listSets(generation: $0) }, nil, nil]
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

    // The levels' own states.
    public var setsLevel = SetsLevel.State()
    public var zonesLevel = ZonesLevel.State()
    public var recordsLevel = RecordsLevel.State()

    public init(size: Size, account: AccountInfo) { self.size = size; self.account = account }
    public var initialCommands: [BrowserCommand] { [.listSets(generation: generation)] }
    public var animating: Bool { !listings[level.rawValue].done }
    var current: Listing { listings[level.rawValue] }
    var handler: any BrowserLevelHandler.Type { Self.levels[level.rawValue] }
    var logRows: Int { (size.height >= 40 ? 10 : 6) - 2 }

    /// The table cells of the current level, every row.
    public var rows: [[String]] { handler.rows(self) }

    /// Indices of the rows that match the filter and the level's own filter.
    public var visibleRows: [Int] {
        let all = rows
        return all.indices.filter { i in
            if !handler.matches(self, i) { return false }
            return filter.isEmpty || all[i].joined(separator: " ").lowercased().contains(filter.lowercased())
        }
    }

    /// Some filter narrows the list.
    var filtered: Bool { filtering || !filter.isEmpty || recordsLevel.typeFilter != nil }

    /// A page for the listing on screen: counts it; false when it belongs to an older listing.
    mutating func accept(page generation: Int) -> Bool {
        guard generation == self.generation else { return false }
        listings[level.rawValue].pages += 1
        return true
    }

    mutating func startListing(_ lvl: Level, title: String, _ make: @escaping @Sendable (Int) -> BrowserCommand) -> [BrowserCommand] {
        generation += 1; listingCommands[lvl.rawValue] = make
        level = lvl; listings[lvl.rawValue] = Listing(); titles[lvl.rawValue] = title; filter = ""; recordsLevel.typeFilter = nil
        Self.levels[lvl.rawValue].reset(&self)
        return [make(generation)]
    }
}

extension BrowserMsg: ScreenMsg {}
extension BrowserState: ScreenProgram {}
