import ArgumentParser
import Foundation
import Route53
import WhiteLabel

extension ExportFormat: ExpressibleByArgument {}

/// `vanityns export`: the set's or the named zones' records in the forms teams keep (BIND master files, octoDNS,
/// Terraform), read-only.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write zones as BIND master files, an octoDNS configuration, or Terraform with import blocks (reads only).",
        discussion: """
          vanityns export --zone example.com --format bind
              the master file on standard output (named-checkzone example.com FILE accepts it)
          vanityns export --set ID --format octodns --out dns/
              dns/config.yaml and dns/zones/*.yaml (octodns-validate --config-file dns/config.yaml)
          vanityns export --set ID --format terraform --out infra/
              infra/main.tf: the set, its zones and every record, with import blocks (terraform plan: no change)

        What a format cannot hold (aliases and routing policies in a master file, routing policies and some types in \
        octoDNS's Route 53 provider, traffic policy records in Terraform) is listed in a comment in the output, never \
        left out silently. Existing files in --out are not overwritten unless --force is given.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Export every zone of this reusable delegation set.") var set: String?
    @Option(name: .customLong("zone"), help: "A zone to export: name or zone ID (repeatable).") var zones: [String] = []
    @Option(help: "bind, octodns or terraform.") var format: ExportFormat
    @Option(help: "The folder to write into (made if missing). Without it, a single file goes to standard output.") var out: String?
    @Flag(help: "Overwrite files that exist in --out.") var force = false

    func validate() throws {
        if set == nil && zones.isEmpty { throw ValidationError("give --set ID or at least one --zone (`vanityns sets list`, `vanityns zones list`)") }
        if format == .octodns && out == nil { throw ValidationError("--format octodns writes several files (config.yaml, zones/*.yaml): give --out DIR") }
        if format == .bind && out == nil && (set != nil || zones.count > 1) {
            throw ValidationError("--format bind writes one file per zone: give --out DIR, or a single --zone for standard output")
        }
    }

    func run() async throws {
        try await Guarded.run(global) { s in
            let bundle = try await s.engine().exportBundle(setId: set, zones: zones)
            if bundle.zones.isEmpty { throw Console.fail("no zones to export: delegation set \(set ?? "") has none") }
            let files = format.files(bundle)
            guard let out else {
                FileHandle.standardOutput.write(Data(files[0].contents.utf8))
                return
            }
            let root = URL(fileURLWithPath: out)
            let existing = files.map { root.appendingPathComponent($0.path).path }.filter { FileManager.default.fileExists(atPath: $0) }
            if !existing.isEmpty && !force {
                throw Console.fail("not overwriting \(existing.count) file\(existing.count == 1 ? "" : "s") in \(out) (\(existing.prefix(3).joined(separator: ", "))"
                                   + "\(existing.count > 3 ? ", ..." : "")); give --force to replace them, or another --out")
            }
            for f in files {
                let url = root.appendingPathComponent(f.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(f.contents.utf8).write(to: url, options: .atomic)
                if global.output == .text { Console.out("wrote \(url.path)") }
            }
            let special = bundle.zones.reduce(0) { $0 + $1.records.filter { Route53Only($0) != nil }.count }
            if global.output == .text && special > 0 && format == .bind {
                Console.out("\(special) Route 53-only record set\(special == 1 ? "" : "s") (aliases, routing policies, health checks) listed in comments")
            }
        }
    }
}
