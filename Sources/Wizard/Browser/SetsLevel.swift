import Foundation
import Route53
import Terminal

/// The browser's first level: the account's reusable delegation sets with their name servers, and a first row for
/// every hosted zone of the account. enter opens the zones of the set (or every zone); `c` copies the set ID.
public enum SetsLevel: BrowserLevelHandler {
    public struct State: Sendable {
        public var sets: [DelegationSet] = []
    }

    static let columns = [Widgets.Column("set", 32), Widgets.Column("name servers", 100)]
    static let shrinkFirst = [1]

    static func rows(_ s: BrowserState) -> [[String]] {
        [["All hosted zones", "(every zone of the account)"]]
            + s.setsLevel.sets.map { [$0.id ?? "?", $0.nameServers.map(BrowserRunner.bare).joined(separator: "  ")] }
    }

    static func reset(_ s: inout BrowserState) { s.setsLevel.sets = [] }

    static func receive(_ s: inout BrowserState, _ m: BrowserMsg) -> [BrowserCommand]? {
        guard case let .page(g, .sets(items)) = m else { return nil }
        if s.accept(page: g) { s.setsLevel.sets += items }
        return []
    }

    static func open(_ s: inout BrowserState, _ i: Int) -> [BrowserCommand] {
        let sets = s.setsLevel.sets
        let key = i == 0 ? nil : sets[i - 1].id
        s.zonesLevel.zonesSet = key
        // enter can come before the sets have answered in full: then the runner lists them itself, so a zone in a
        // set not yet listed is never called one with its own name servers.
        let listed = s.listings[BrowserState.Level.sets.rawValue]
        let all = listed.done && listed.error == nil ? sets.compactMap(\.id) : nil
        return s.startListing(.zones, title: key.map { "Zones in set \($0)" } ?? "All hosted zones") {
            .listZones(setId: key, setIds: key == nil ? all : [], generation: $0)
        }
    }

    static func copyTarget(_ s: BrowserState, _ i: Int) -> (text: String, what: String)? {
        guard i > 0 else { return nil }
        let set = s.setsLevel.sets[i - 1]
        return (set.id ?? "", "set id \(set.id ?? "")")
    }
}
