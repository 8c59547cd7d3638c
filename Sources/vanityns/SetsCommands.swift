import ArgumentParser
import Foundation
import Route53

/// `vanityns sets ...`: reusable delegation sets.
struct Sets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sets", abstract: "List, show, create and delete reusable delegation sets.",
        subcommands: [List.self, Show.self, Create.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the account's reusable delegation sets, each with its group of vanity hosts and zones used / limit.",
            discussion: "A set's vanity hosts are read from the home zone's glue with --domain (the hosts whose A/AAAA records carry the set's name servers' addresses), else from the apex NS of one of its zones; '-' when none is known yet.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The home domain whose zone holds every group's glue (default: each set's group from one of its zones' NS).") var domain: String?

        func run() async throws {
            try await Guarded.run(global) { s in
                let sets = try await s.engine().setSummaries(homeDomain: domain, target: s.resolverTarget)
                for note in Set(sets.compactMap(\.usage.limitNote)).sorted() { Console.error("note: \(note)") }
                if global.output == .json {
                    struct Entry: Encodable {
                        var Id: String?; var CallerReference: String?; var NameServers: [String]
                        var VanityHosts: [String]; var VanityHostsFrom: String?; var ZoneCount: Int; var ZoneLimit: Int
                    }
                    struct Out: Encodable { var DelegationSets: [Entry] }
                    return try Console.json(Out(DelegationSets: sets.map {
                        let d = DelegationSetJSON($0.set)
                        return Entry(Id: d.Id, CallerReference: d.CallerReference, NameServers: d.NameServers, VanityHosts: $0.hosts,
                                     VanityHostsFrom: $0.hostsFrom, ZoneCount: $0.usage.count, ZoneLimit: $0.usage.limit)
                    }))
                }
                if sets.isEmpty { return Console.out("No reusable delegation sets. Create one with `vanityns sets create`.") }
                var t = TextTable("ID", "ZONES", "VANITY HOSTS", "NAME SERVERS", "CALLER REFERENCE")
                for e in sets {
                    t.add(e.set.id ?? "-", "\(e.usage.count)/\(e.usage.limit)", e.hosts.isEmpty ? "-" : e.hosts.joined(separator: " "),
                          e.set.nameServers.joined(separator: " "), e.set.callerReference ?? "-")
                }
                Console.out(t.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a set: its name servers, the zones using it and the zone count against its limit.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Delegation set ID, with or without /delegationset/.") var id: String

        func run() async throws {
            try await Guarded.run(global) { s in
                let id = ResourceID.bare(self.id)
                async let set = s.route53.getReusableDelegationSet(id: id)
                async let zones = s.route53.listHostedZones(delegationSetId: id)
                let (theSet, theZones) = try await (set, zones)
                let theLimit = try await s.route53.setUsage(id: id, knownZoneCount: theZones.count)
                if let note = theLimit.limitNote { Console.error("note: \(note)") }
                if global.output == .json {
                    struct Out: Encodable { var DelegationSet: DelegationSetJSON; var Limit: LimitJSON; var Count: Int; var HostedZones: [HostedZoneJSON] }
                    return try Console.json(Out(DelegationSet: DelegationSetJSON(theSet),
                                                Limit: LimitJSON(Type: "MAX_ZONES_BY_REUSABLE_DELEGATION_SET", Value: theLimit.limit),
                                                Count: theLimit.count, HostedZones: theZones.map(HostedZoneJSON.init)))
                }
                Console.out("Delegation set \(theSet.id ?? id)" + (theSet.callerReference.map { " (caller reference \($0))" } ?? ""))
                Console.out("Zones: \(theLimit.count) of \(theLimit.limit)")
                Console.out("\nName servers:")
                for ns in theSet.nameServers { Console.out("  \(ns)") }
                Console.out("\nZones using it:")
                if theZones.isEmpty { Console.out("  (none)") }
                var t = TextTable("  ZONE", "ID", "RECORDS")
                for z in theZones { t.add("  " + z.name, z.id, z.resourceRecordSetCount.map(String.init) ?? "-") }
                if !theZones.isEmpty { Console.out(t.render()) }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a reusable delegation set (idempotent on the caller reference).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("caller-reference"),
                help: "Unique reference; a rerun with the same one returns the same set (default: derived, so a rerun finds the set made before; give a new reference for another set).")
        var callerReference: String?
        @Option(name: .customLong("from-zone"), help: "Make this existing zone's four name servers reusable.")
        var fromZone: String?

        func validate() throws {
            if let r = callerReference, r.isEmpty || r.count > 128 {
                throw ValidationError("--caller-reference must be 1 to 128 characters")
            }
        }

        func run() async throws {
            try await Guarded.run(global) { s in
                let zone = fromZone.map(ResourceID.bare)
                let created: CreatedDelegationSet
                if let callerReference {
                    created = try await s.route53.createReusableDelegationSet(callerReference: callerReference, hostedZoneId: zone)
                } else {
                    let ref = CallerReference.forSet(label: zone.map { "from-zone:" + $0 } ?? "default")
                    created = try await s.route53.createReusableDelegationSet(derivedReference: ref, hostedZoneId: zone)
                }
                if global.output == .json {
                    struct Out: Encodable { var Location: String?; var DelegationSet: DelegationSetJSON }
                    return try Console.json(Out(Location: created.location, DelegationSet: DelegationSetJSON(created.delegationSet)))
                }
                let set = created.delegationSet
                Console.out("Delegation set \(set.id ?? "?")" + (set.callerReference.map { " (caller reference \($0))" } ?? ""))
                for ns in set.nameServers { Console.out("  \(ns)") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a reusable delegation set that no zone uses.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Delegation set ID, with or without /delegationset/.") var id: String
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() async throws {
            try await Guarded.run(global) { s in
                let id = ResourceID.bare(self.id)
                let set = try await s.route53.getReusableDelegationSet(id: id)
                let zones = try await s.route53.listHostedZones(delegationSetId: id)
                if !zones.isEmpty {
                    throw Console.fail("delegation set \(id) is used by \(zones.count) zone\(zones.count == 1 ? "" : "s"): "
                        + zones.prefix(10).map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
                        + (zones.count > 10 ? ", …" : "") + "; delete or migrate them first")
                }
                guard try Console.confirm("Delete delegation set \(id) (\(set.nameServers.joined(separator: ", ")))?", assumeYes: yes) else {
                    throw Console.fail("not deleted")
                }
                try await s.route53.deleteReusableDelegationSet(id: id)
                if global.output == .json { return Console.out("{}") }
                Console.out("Deleted delegation set \(id).")
            }
        }
    }
}
