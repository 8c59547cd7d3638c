import Foundation

/// The shared AWS configuration files, read the way botocore reads them: `~/.aws/credentials` (sections named
/// after profiles) and `~/.aws/config` (`[default]`, `[profile name]`, `[services name]` with indented
/// sub-sections such as `route53 =` holding `endpoint_url = ...`). `AWS_SHARED_CREDENTIALS_FILE` and
/// `AWS_CONFIG_FILE` move them; a missing file counts as empty.
///
/// Full-line comments start with `#` or `;`; a line indented under `key = value` continues that value; an
/// indented block under an empty `key =` is a sub-section. Keys are case-insensitive, values are kept as written.
public struct AWSConfigFiles: Sendable, Equatable {
    /// One section: its `key = value` pairs (keys lowercased) and its indented sub-sections.
    public struct Section: Sendable, Equatable {
        public var values: [String: String] = [:]
        public var subsections: [String: [String: String]] = [:]
        public init(values: [String: String] = [:], subsections: [String: [String: String]] = [:]) {
            self.values = values; self.subsections = subsections
        }
    }

    /// The credentials file's sections, by profile name.
    public var credentials: [String: Section]
    /// The config file's profiles (`[default]`, `[profile name]`), by profile name.
    public var profiles: [String: Section]
    /// The config file's `[services name]` sections, by name.
    public var services: [String: Section]
    /// The config file's `[sso-session name]` sections (IAM Identity Center), by name.
    public var ssoSessions: [String: Section] = [:]
    /// The credentials file's path as shown in messages (`~/...` under the home folder).
    public var credentialsFileName: String
    /// The config file's path as shown in messages.
    public var configFileName: String

    public init(credentials: [String: Section] = [:], profiles: [String: Section] = [:], services: [String: Section] = [:],
                credentialsFileName: String = "~/.aws/credentials", configFileName: String = "~/.aws/config") {
        self.credentials = credentials; self.profiles = profiles; self.services = services
        self.credentialsFileName = credentialsFileName; self.configFileName = configFileName
    }

    /// Reads both files. Throws `Route53Error.configuration` naming the file and line when one is malformed or
    /// cannot be read; a file that does not exist is treated as empty.
    public static func load(environment: [String: String]) throws -> AWSConfigFiles {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = expandTilde(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", home: home)
        let configPath = expandTilde(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", home: home)
        let credentialsName = displayName(credentialsPath, home: home), configName = displayName(configPath, home: home)
        return try parse(credentials: read(credentialsPath, name: credentialsName), config: read(configPath, name: configName),
                         credentialsFileName: credentialsName, configFileName: configName)
    }

    /// Parses the two files' text (nil for a missing file).
    public static func parse(credentials: String?, config: String?, credentialsFileName: String = "~/.aws/credentials",
                             configFileName: String = "~/.aws/config") throws -> AWSConfigFiles {
        var files = AWSConfigFiles(credentialsFileName: credentialsFileName, configFileName: configFileName)
        files.credentials = try parseINI(credentials ?? "", fileName: credentialsFileName)
        for (name, section) in try parseINI(config ?? "", fileName: configFileName) {
            // botocore's `_parse_section`: the header split like a shell line, exactly two words (`[profile "a b"]`
            // names `a b`; `[profile a b]` is ignored).
            let words = (try? ProcessCredentialProvider.split(name)) ?? []
            if name == "default" {
                files.profiles["default", default: Section()].merge(section)
            } else if words.count == 2, words[0] == "profile" {
                files.profiles[words[1], default: Section()].merge(section)
            } else if words.count == 2, words[0] == "services" {
                files.services[words[1]] = section
            } else if words.count == 2, words[0] == "sso-session" {
                files.ssoSessions[words[1]] = section
            }
        }
        return files
    }

    /// Every profile named in either file, sorted.
    public func profileNames() -> [String] {
        Set(credentials.keys).union(profiles.keys).sorted()
    }

    /// True when either file has a section for `profile`.
    public func hasProfile(_ profile: String) -> Bool {
        credentials[profile] != nil || profiles[profile] != nil
    }

    /// A profile setting, from the credentials file first, then the config file (botocore's precedence for keys).
    /// Empty values count as unset.
    public func value(_ key: String, profile: String) -> String? {
        let key = key.lowercased()
        for source in [credentials[profile], profiles[profile]] {
            if let v = source?.values[key], !v.isEmpty { return v }
        }
        return nil
    }

    /// A setting from the config file's profile only (endpoint settings live there).
    public func configValue(_ key: String, profile: String) -> String? {
        guard let v = profiles[profile]?.values[key.lowercased()], !v.isEmpty else { return nil }
        return v
    }

    /// A setting from the credentials file's section only.
    public func credentialsValue(_ key: String, profile: String) -> String? {
        guard let v = credentials[profile]?.values[key.lowercased()], !v.isEmpty else { return nil }
        return v
    }

    /// A setting of an `[sso-session name]` section.
    public func ssoSessionValue(_ key: String, session: String) -> String? {
        guard let v = ssoSessions[session]?.values[key.lowercased()], !v.isEmpty else { return nil }
        return v
    }

    /// `endpoint_url` for `serviceKey` (`route53`, `route53_domains`) in the `[services ...]` section the profile names.
    public func servicesEndpoint(_ serviceKey: String, profile: String) -> String? {
        guard let name = configValue("services", profile: profile),
              let v = services[name]?.subsections[serviceKey]?["endpoint_url"], !v.isEmpty else { return nil }
        return v
    }

    // MARK: - Reading

    static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    static func displayName(_ path: String, home: String) -> String {
        let home = home.hasSuffix("/") ? String(home.dropLast()) : home
        if !home.isEmpty, path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }

    private static func read(_ path: String, name: String) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { throw Route53Error.configuration("\(name) is a folder, not a file") }
        // FileHandle, not FileManager.contents: the latter gives nil for /dev/null, a common AWS_CONFIG_FILE in scripts.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Route53Error.configuration("cannot read \(name): check its permissions")
        }
        defer { try? handle.close() }
        let data = handle.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else {
            throw Route53Error.configuration("\(name) is not UTF-8 text")
        }
        return text
    }

    /// An INI parser with configparser's rules as botocore uses them. Error messages name the line, never its text.
    static func parseINI(_ text: String, fileName: String) throws -> [String: Section] {
        var sections: [String: Section] = [:]
        for s in try parseINISections(text, fileName: fileName) {
            sections[s.name] = Section(values: s.values.reduce(into: [:]) { $0[$1.key] = $1.value }, subsections: s.subsections)
        }
        return sections
    }

    /// The same parser for other files in this format (`/etc/vanityns/watch.conf`): the sections in file order, each
    /// with the line of its header and of each key, so that a caller can name the line of a key it refuses.
    /// Throws `Route53Error.configuration("FILE line N: ...")` for text that is not INI.
    public static func parseINISections(_ text: String, fileName: String) throws -> [INISection] {
        var order: [String] = []
        var headers: [String: Int] = [:]
        var current: String?
        var key: String?          // the key a continuation line would extend
        var keyIndent = 0
        var raw: [String: [String: [(text: String, line: Int)]]] = [:]
        var seen = Set<String>()
        func fail(_ line: Int, _ what: String) -> Route53Error {
            .configuration("\(fileName) line \(line): \(what)")
        }
        // "\r\n" is one Character in Swift: split Windows line endings explicitly.
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") {
                continue
            }
            if let k = key, let s = current, indent > keyIndent {
                raw[s]![k]!.append((trimmed, number))
                continue
            }
            if trimmed.hasPrefix("[") {
                // configparser's `\[(?P<header>.+)\]` as botocore reads it: up to the last `]`, anything after it (a
                // comment such as `[profile a] # prod`) ignored.
                guard let close = trimmed.lastIndex(of: "]"), trimmed.distance(from: trimmed.startIndex, to: close) > 1 else {
                    throw fail(number, "a section header must look like `[name]`")
                }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw fail(number, "a section header must look like `[name]`") }
                guard !seen.contains(name) else { throw fail(number, "section `[\(name)]` appears twice") }
                seen.insert(name)
                order.append(name); headers[name] = number
                current = name; key = nil
                raw[name] = [:]
                continue
            }
            let delimiter = trimmed.firstIndex { $0 == "=" || $0 == ":" }
            guard let delimiter, delimiter != trimmed.startIndex else {
                throw fail(number, "expected `key = value` or `[section]`")
            }
            guard let s = current else {
                throw fail(number, "`key = value` before any `[section]` header")
            }
            let k = trimmed[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
            let v = trimmed[trimmed.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            raw[s]![k] = [(v, number)]
            key = k; keyIndent = indent
        }
        var sections: [INISection] = []
        for name in order {
            let entries = raw[name] ?? [:]
            var section = INISection(name: name, line: headers[name] ?? 0)
            for (k, parts) in entries.sorted(by: { $0.value[0].line < $1.value[0].line }) {
                if parts[0].text.isEmpty, parts.count > 1 {
                    var nested: [String: String] = [:]
                    for sub in parts.dropFirst() {
                        guard let eq = sub.text.firstIndex(of: "="), eq != sub.text.startIndex else {
                            throw fail(sub.line, "expected `key = value` in the block under `\(k)`")
                        }
                        nested[sub.text[..<eq].trimmingCharacters(in: .whitespaces).lowercased()] =
                            sub.text[sub.text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                    }
                    section.subsections[k] = nested
                } else {
                    section.values.append(INISection.Value(key: k, value: parts.map(\.text).joined(separator: "\n"), line: parts[0].line))
                }
            }
            sections.append(section)
        }
        return sections
    }
}

/// One `[section]` of an INI file as written: its header's line and each `key = value` with its line.
public struct INISection: Sendable, Equatable {
    /// One key (lowercased) and its value (continuation lines joined with newlines).
    public struct Value: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }
    /// The header's text between the brackets, trimmed (`domain example.com`).
    public var name: String
    public var line: Int
    /// In file order.
    public var values: [Value] = []
    /// Indented blocks under an empty `key =`.
    public var subsections: [String: [String: String]] = [:]
}

extension AWSConfigFiles.Section {
    mutating func merge(_ other: Self) {
        values.merge(other.values) { _, new in new }
        subsections.merge(other.subsections) { _, new in new }
    }
}
