import Foundation
import Route53
import Terminal
import WhiteLabel

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
            guard await pages(g, route53.listHostedZonePages(delegationSetId: setId), finish: setIds?.isEmpty == true, BrowserPage.zones) else { return }
            do {
                var sets = setIds ?? []
                if setIds == nil { sets = try await route53.listReusableDelegationSets().compactMap(\.id) }
                // Every set's listing at once (a fleet has tens of sets; the client paces them), each set's column
                // filled in as its listing answers.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for id in sets {
                        group.addTask {
                            var ids: [String] = []
                            for try await page in route53.listHostedZonePages(delegationSetId: id) { ids += page.map(\.id) }
                            send(.zoneSets(generation: g, setId: id, zoneIds: ids))
                        }
                    }
                    try await group.waitForAll()
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
