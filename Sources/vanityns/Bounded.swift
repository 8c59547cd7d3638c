/// Work on many items at once, at most a fixed number in flight: zones applied side by side, copies migrated.
enum Bounded {
    /// Runs `work` for every item, at most `limit` at a time, and returns each result with its item's index, in
    /// item order. Once `startMore` says no to a result, no new item is started; those under way finish.
    static func run<Item: Sendable, Out: Sendable>(_ items: [Item], limit: Int, startMore: @escaping (Out) -> Bool = { _ in true },
                                                   _ work: @escaping @Sendable (Item) async -> Out) async -> [(index: Int, result: Out)] {
        await withTaskGroup(of: (Int, Out).self) { group in
            var next = 0, going = true
            func start() {
                guard going, next < items.count else { return }
                let (i, item) = (next, items[next]); next += 1
                group.addTask { (i, await work(item)) }
            }
            for _ in 0..<limit { start() }
            var out: [(index: Int, result: Out)] = []
            while let (i, r) = await group.next() {
                out.append((i, r))
                if !startMore(r) { going = false }
                start()
            }
            return out.sorted { $0.index < $1.index }
        }
    }
}
