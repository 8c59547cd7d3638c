import ArgumentParser
import Foundation
import Route53
import WhiteLabel

/// `vanityns zones ...`: hosted zones.
struct Zones: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zones", abstract: "List hosted zones and create zones in a delegation set.",
        subcommands: [List.self, Create.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List hosted zones, optionally only those of one delegation set.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only zones created with this reusable delegation set.") var set: String?

        func run() async throws {
            try await Guarded.run(global) { s in
                let setId = set.map(ResourceID.bare)
                if global.output == .json {
                    struct Out: Encodable { var HostedZones: [HostedZoneJSON] }
                    let zones = try await s.route53.listHostedZones(delegationSetId: setId)
                    return try Console.json(Out(HostedZones: zones.map(HostedZoneJSON.init)))
                }
                // Text: print each page as it arrives so a large account shows its first zones at once.
                var first = true, count = 0
                for try await page in s.route53.listHostedZonePages(delegationSetId: setId) {
                    var t = TextTable("ZONE", "ID", "RECORDS", "PRIVATE", "COMMENT")
                    for z in page {
                        t.add(z.name, z.id, z.resourceRecordSetCount.map(String.init) ?? "-",
                              (z.config?.privateZone ?? false) ? "yes" : "no", z.config?.comment ?? "")
                    }
                    let lines = t.render().split(separator: "\n", omittingEmptySubsequences: false)
                    for line in lines.dropFirst(first ? 0 : 1) { Console.out(String(line)) }
                    first = false; count += page.count
                }
                if count == 0 { Console.out(setId.map { "No zones in delegation set \($0)." } ?? "No hosted zones.") }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create hosted zones in a reusable delegation set, or in whichever set has room (idempotent: a rerun finds the zones already made).",
            discussion: """
            --set auto puts each zone in the first set with room (GetReusableDelegationSetLimit) that holds no zone of its \
            name, its parent's or a child's (Route 53 refuses those: ConflictingDomainExists), and says where each went. \
            When no set can take a zone nothing is created and the command that makes another set is printed; --new-set \
            creates it instead (a derived CallerReference, so a rerun finds it), after showing the placement and a yes.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Zone names (example.com ...).") var names: [String]
        @Option(help: "The reusable delegation set the zones use, or `auto`: a set with room and no parent or child zone (required).") var set: String
        @Flag(name: .customLong("new-set"), help: "With --set auto: create another reusable delegation set when no set can take a zone.") var newSet = false
        @Option(help: "A comment stored with each zone.") var comment: String?
        @Flag(help: "Do not ask before creating a new set (--new-set).") var yes = false

        var auto: Bool { self.set.lowercased() == "auto" }

        func validate() throws {
            if names.isEmpty { throw ValidationError("give at least one zone name") }
            if newSet && !auto { throw ValidationError("--new-set goes with --set auto (a named set is never replaced by a new one)") }
            var seen = Swift.Set<String>()
            for n in names {
                let parsed: DomainName
                do { parsed = try DomainName.parse(n, rule: .zoneName) } catch { throw ValidationError("invalid zone name '\(n)': \(error)") }
                if !seen.insert(parsed.fqdn).inserted { throw ValidationError("zone \(parsed.fqdn) is given twice") }
            }
        }

        func run() async throws {
            try await Guarded.run(global) { s in
                let parsed = names.map { (try? DomainName.parse($0, rule: .zoneName)) ?? DomainName(trusted: $0) }
                var items: [(name: String, setId: String)]
                if auto {
                    items = try await SetPlacement.run(parsed, onlyOurs: false, newSet: newSet, yes: yes, services: s, global: global)
                        .filter { !$0.alreadyThere }.map { ($0.zone.fqdn, $0.setId) }
                } else {
                    let setId = ResourceID.bare(set)
                    _ = try await s.route53.getReusableDelegationSet(id: setId)   // a clear NoSuchDelegationSet before anything else
                    items = parsed.map { ($0.fqdn, setId) }
                }
                let results = await create(items, services: s)
                if global.output == .json {
                    struct One: Encodable { var Location: String?; var HostedZone: HostedZoneJSON; var ChangeInfo: ChangeInfoJSON?; var DelegationSet: DelegationSetJSON }
                    let ok = results.compactMap { try? $0.get() }.map {
                        One(Location: $0.location, HostedZone: HostedZoneJSON($0.hostedZone), ChangeInfo: $0.changeInfo.map(ChangeInfoJSON.init), DelegationSet: DelegationSetJSON($0.delegationSet))
                    }
                    if names.count == 1 && !auto, let one = ok.first { try Console.json(one) } else { try Console.json(ok) }
                }
                let failed = results.filter { if case .failure = $0 { return true }; return false }.count
                if failed > 0 {
                    if global.output == .json {
                        for case let .failure(e) in results { Console.error("vanityns: \(Guarded.message(e))") }
                    }
                    throw Console.fail("\(failed) of \(names.count) zone\(names.count == 1 ? "" : "s") could not be created; rerun to retry (zones already made are found, not duplicated)")
                }
            }
        }

        /// Creates every zone at once (derived CallerReferences), one line per zone as its answer comes.
        func create(_ items: [(name: String, setId: String)], services s: Services) async -> [Result<CreatedHostedZone, Error>] {
            await withTaskGroup(of: (Int, Result<CreatedHostedZone, Error>).self) { group in
                for (i, item) in items.enumerated() {
                    group.addTask {
                        let ref = WhiteLabelEngine.callerReference(setId: item.setId, zoneName: item.name)
                        do {
                            let z = try await s.route53.createHostedZone(name: item.name, derivedReference: ref, delegationSetId: item.setId, comment: comment)
                            return (i, .success(z))
                        } catch { return (i, .failure(error)) }
                    }
                }
                var out = [(Int, Result<CreatedHostedZone, Error>)]()
                for await r in group {
                    if global.output == .text {
                        switch r.1 {
                        case let .success(z): Console.out("ready  \(z.hostedZone.name)  \(z.hostedZone.id)" + (auto ? "  set \(items[r.0].setId)" : ""))
                        case let .failure(e): Console.error("failed   \(items[r.0].name)  \(Guarded.message(e))")
                        }
                    }
                    out.append(r)
                }
                return out.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
    }
}
