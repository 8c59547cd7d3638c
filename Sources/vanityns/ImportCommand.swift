import ArgumentParser
import Foundation
import Resolver
import Route53
import WhiteLabel

/// `vanityns import`: a zone's records from a BIND master file, as a plan against what the zone holds, confirmed,
/// batched and journaled, then the file's every record compared with the zone.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a zone's records from a BIND master file: planned against the zone, confirmed, journaled, parity checked.",
        discussion: """
          vanityns import --zone example.org --from bind example.org.zone --plan
              what would change; nothing written
          vanityns import --zone example.org --from bind example.org.zone --set ID [--yes]
              into the zone of that name in the set (created there when missing), then parity against the file

        The file's apex NS and SOA are shown and not imported: the zone keeps its own (the set's name servers, or the \
        vanity hosts once `vanityns apply` has switched it). Record sets the zone holds and the file does not are kept \
        (--prune deletes the plain ones, after a yes); aliases and routing policies, which a master file cannot hold, \
        are always kept. A file that does not parse is reported with its line, column and why; nothing is written.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("zone"), help: "The zone to import into: name or zone ID.") var zone: String
    @Option(parsing: .upToNextOption, help: "The source: `bind FILE`.") var from: [String]
    @Option(help: "The reusable delegation set whose zone of that name receives the records (created when missing).") var set: String?
    @Flag(help: "Show what would change; write nothing.") var plan = false
    @Flag(name: .customLong("list-records"), help: "With --plan: every change, one value per line.") var listRecords = false
    @Flag(help: "Also delete the zone's plain record sets that the file does not have.") var prune = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        guard from.count == 2, from[0] == "bind" else {
            throw ValidationError("--from takes a format and a file: --from bind FILE (only BIND master files are read)")
        }
        guard FileManager.default.isReadableFile(atPath: from[1]) else { throw ValidationError("cannot read \(from[1])") }
    }

    func run() async throws {
        let file = from[1]
        try await Guarded.run(global) { s in
            let engine = s.engine()
            // The origin for the file's relative names: the zone's name (looked up when --zone is an ID).
            let origin = zone.contains(".") ? zone : try await engine.zoneName(id: zone)
            let records: [ZoneFileRecord]
            do { records = try ZoneFileReader.read(path: file, origin: origin) } catch let e as ZoneFileError {
                throw Console.fail("\(e.path):\(e.line):\(e.column): the file does not parse: \(e.reason). Nothing was written")
            }
            let p = try await engine.planImport(zone: zone, setId: set, file: file, records: records, prune: prune)
            for line in Self.planLines(p, listRecords: listRecords) { Console.out(line) }
            if plan { return }
            if p.isEmpty { Console.out("nothing to import: the zone holds every record of the file"); return }
            guard try Console.confirm("Import into \(p.zoneName)?", assumeYes: yes) else { throw Console.fail("nothing was changed") }
            let result = try await engine.runImport(p) { Console.out($0) }
            for line in MigrationRenderer.parity(result.parity) { Console.out(line) }
            if !result.parity.identical { throw Console.fail("the zone does not hold the file's records exactly (see the differences above)") }
            Console.out("imported into \(p.zoneName) (\(result.zoneId)); the replaced record sets are saved in the journal")
        }
    }

    static func planLines(_ p: ImportPlan, listRecords: Bool) -> [String] {
        var out = ["import \(p.zoneName) from \(p.file) into " + (p.zoneId.map { "zone \($0)" } ?? "a new zone in set \(p.setId ?? "")")]
        let apex = p.fileApex.map { "\($0.type) " + $0.values.joined(separator: ", ") }
        if !apex.isEmpty { out.append("  the file's apex, not imported (the zone keeps its own): " + apex.joined(separator: "; ")) }
        out.append("  + \(p.diff.creates.count) to create, ~ \(p.diff.updates.count) to change, = \(p.diff.identical) already the same")
        if !p.extras.isEmpty {
            out.append("  in the zone, not in the file: \(p.extras.count) record set(s) " + (p.prune ? "to delete (--prune)" : "kept (--prune deletes them)"))
        }
        if !p.kept.isEmpty { out.append("  \(p.kept.count) Route 53-only record set(s) (aliases, routing policies) kept: a master file cannot hold them") }
        for n in p.notes { out.append("  note: \(n)") }
        out.append("  batches: \(p.batches.count)")
        if listRecords {
            for c in p.batches.flatMap({ $0 }) {
                let mark = c.action == .create ? "+" : c.action == .delete ? "-" : "~"
                let r = c.resourceRecordSet
                for v in r.values { out.append("    \(mark) \(r.name) \(r.ttl.map(String.init) ?? "-") \(r.type) \(v)") }
            }
        }
        return out
    }
}
