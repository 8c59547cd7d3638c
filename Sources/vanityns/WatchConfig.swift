import Foundation
import Route53
import WhiteLabel

/// One home domain as `watch` guards it: what to check, with which profile, and what to do about it.
struct WatchEntry: Equatable {
    var target: WatchTarget
    var profile: String?
    /// The alert command's argv (run without a shell); nil for none.
    var alertCommand: [String]?
    /// `watch.conf line 12` for messages about this entry (`--domain` for one given by flags).
    var origin: String
    /// Where each key was written, for messages about its value (`watch.conf line 14`).
    var keyOrigins: [String: String] = [:]
}

/// A watch.conf problem: the file, the line and the key, and what to do. Exit 64, nothing checked.
struct WatchConfigError: Error, CustomStringConvertible {
    var description: String
}

/// `/etc/vanityns/watch.conf`: the INI format of `~/.aws/config` (AWSConfigFiles' parser), one section per home domain.
///
///     [domain example.com]
///     set = N0123456789ABCDEFGHIJ
///     profile = vanityns-watch
///     hosts = ns1.example.com, ns2.example.com, ns3.example.com, ns4.example.com
///     repair = route53
///     alert_command = /usr/local/bin/page-dns-team --severity high
enum WatchConfig {
    static let keys = ["set", "profile", "hosts", "repair", "alert_command"]

    static func load(path: String, environment: [String: String]) throws -> [WatchEntry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw WatchConfigError(description: "\(path): no such file; write one section per home domain (see `vanityns watch --help`), or give --domain")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw WatchConfigError(description: "\(path): cannot be read as UTF-8 text; check its permissions")
        }
        return try parse(text, fileName: path, environment: environment)
    }

    static func parse(_ text: String, fileName: String, environment: [String: String]) throws -> [WatchEntry] {
        let sections: [INISection]
        do { sections = try AWSConfigFiles.parseINISections(text, fileName: fileName) } catch let Route53Error.configuration(m) {
            throw WatchConfigError(description: m)
        }
        var entries: [WatchEntry] = [], seen: [String: Int] = [:]
        for section in sections {
            let at = "\(fileName) line \(section.line)"
            let words = section.name.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2, words[0] == "domain" else {
                throw WatchConfigError(description: "\(at): section [\(section.name)]: expected [domain NAME], one section per home domain (for example [domain example.com])")
            }
            let domain: DomainName
            do { domain = try DomainName.parse(String(words[1]), rule: .zoneName) } catch let e as DomainName.Invalid {
                throw WatchConfigError(description: "\(at): [\(section.name)]: \(e.reason)")
            }
            if let other = seen[domain.fqdn] {
                throw WatchConfigError(description: "\(at): a second section for \(domain.ascii) (the first is on line \(other)); merge them into one")
            }
            seen[domain.fqdn] = section.line
            var entry = WatchEntry(target: WatchTarget(domain: domain.ascii), origin: at)
            for v in section.values {
                let where_ = "\(fileName) line \(v.line)"
                entry.keyOrigins[v.key] = where_
                func bad(_ why: String) -> WatchConfigError { WatchConfigError(description: "\(where_): key \(v.key) in [\(section.name)]: \(why)") }
                let value = v.value.trimmingCharacters(in: .whitespaces)
                switch v.key {
                case "set":
                    guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "/") }) else {
                        throw bad("give the delegation set's ID (N0123456789ABCDEFGHIJ, as `vanityns sets list` shows)")
                    }
                    entry.target.setId = ResourceID.bare(value)
                case "profile":
                    guard !value.isEmpty else { throw bad("give a profile of the AWS config or credentials file, or leave the key out") }
                    entry.profile = value
                case "hosts":
                    let hosts = HomeOptions.split(value)
                    guard !hosts.isEmpty else { throw bad("give the vanity host names, comma-separated (ns1.example.com, ns2.example.com)") }
                    for h in hosts {
                        do { _ = try DomainName.parse(h, rule: .hostName) } catch let e as DomainName.Invalid { throw bad("\(h): \(e.reason)") }
                    }
                    entry.target.hosts = hosts
                case "repair":
                    guard let policy = RepairPolicy(rawValue: value) else {
                        throw bad("'\(value)' is not a repair policy: none, route53 or route53domains")
                    }
                    entry.target.repair = policy
                case "alert_command":
                    do { entry.alertCommand = try AlertCommand.argv(value, environment: environment) } catch let e as WatchConfigError {
                        throw bad(e.description)
                    }
                default:
                    let hint = keys.first { $0.replacingOccurrences(of: "_", with: "-") == v.key || $0 == v.key.replacingOccurrences(of: "-", with: "_") }
                    throw bad("unknown key" + (hint.map { "; did you mean \($0)?" } ?? "; the keys are \(keys.joined(separator: ", "))"))
                }
            }
            if !section.subsections.isEmpty {
                throw WatchConfigError(description: "\(at): [\(section.name)]: indented blocks are not part of watch.conf; write each key on its own line")
            }
            entries.append(entry)
        }
        guard !entries.isEmpty else {
            throw WatchConfigError(description: "\(fileName): no [domain NAME] section: nothing to watch")
        }
        return entries
    }
}

/// The alert command: split into words (no shell: no globbing, no variables, no pipes; quotes group words), its first
/// word an executable file (an absolute path, or found on PATH).
enum AlertCommand {
    static func argv(_ text: String, environment: [String: String]) throws -> [String] {
        let words: [String]
        do { words = try ProcessCredentialProvider.split(text) } catch {
            throw WatchConfigError(description: "cannot split `\(text)` into words (an unclosed quote?)")
        }
        guard var program = words.first, !program.isEmpty else {
            throw WatchConfigError(description: "give the program to run (an executable file) and its arguments")
        }
        if !program.contains("/") {
            let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            guard let found = path.map({ $0 + "/" + program }).first(where: FileManager.default.isExecutableFile) else {
                throw WatchConfigError(description: "\(program) is not an executable file on PATH; give its absolute path")
            }
            program = found
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: program, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw WatchConfigError(description: "\(program): no such file")
        }
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw WatchConfigError(description: "\(program) is not executable (chmod +x it, or name the interpreter first)")
        }
        return [program] + words.dropFirst()
    }
}
