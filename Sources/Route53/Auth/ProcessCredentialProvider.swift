import Foundation

/// Credentials from a profile's `credential_process`: the command line is split like a POSIX shell would split
/// it (quotes and backslashes) but run directly, without a shell. It must print
/// `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken"?: ..., "Expiration"?: ...}`.
/// A failure reports the exit status and the first line of standard error, never standard output.
public struct ProcessCredentialProvider: CredentialProvider {
    public let profile: String
    public let configFiles: AWSConfigFiles
    /// The environment the process runs with (and whose `PATH` finds it).
    public let environment: [String: String]

    public init(profile: String, configFiles: AWSConfigFiles, environment: [String: String]) {
        self.profile = profile; self.configFiles = configFiles; self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        guard let commandLine = configFiles.value("credential_process", profile: profile) else {
            throw Route53Error.credentials("profile `\(profile)` has no credential_process")
        }
        let argv = try Self.split(commandLine)
        guard let program = argv.first else { throw Route53Error.credentials("credential_process of profile `\(profile)` is empty") }
        guard let path = Self.locate(program, environment: environment) else {
            throw Route53Error.credentials("credential_process of profile `\(profile)`: program `\(program)` not found"
                + (program.contains("/") ? "" : " on PATH"))
        }
        let result = try await run(path, Array(argv.dropFirst()), commandLine: program)
        let what = "credential_process of profile `\(profile)`"
        guard result.status == 0 else {
            let line = result.stderr.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let hint = ChildProcess.detachedFromTerminal
                ? " (it ran without a terminal, since the screen was up: a helper that prompts cannot be answered there; answer it "
                    + "first in this shell, e.g. `vanityns sets list --profile \(profile)`, if it keeps its session, or use a profile whose "
                    + "helper does not prompt)"
                : ""
            throw Route53Error.credentials("\(what) exited with status \(result.status)" + (line.isEmpty ? "" : ": \(line)") + hint)
        }
        if let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] {
            guard (object["Version"] as? Int) == 1 else {
                throw Route53Error.credentials("\(what) printed JSON without \"Version\": 1")
            }
        }
        return try CredentialDocument.parse(result.stdout, source: "credential_process (profile \(profile))", what: what,
                                            tokenKeys: ["SessionToken"])
    }

    /// Splits a command line as POSIX `shlex.split` does: whitespace separates words; `'...'` is literal;
    /// `"..."` allows `\"`, `\\`, `\$` and `` \` `` escapes; a backslash outside quotes escapes the next character.
    public static func split(_ commandLine: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var iterator = Array(commandLine).makeIterator()
        enum Quote { case none, single, double }
        var quote = Quote.none
        while let c = iterator.next() {
            switch quote {
            case .single:
                if c == "'" { quote = .none } else { word.append(c) }
            case .double:
                if c == "\"" { quote = .none }
                else if c == "\\" {
                    guard let n = iterator.next() else { throw Route53Error.credentials("credential_process ends inside a quoted string") }
                    if "\"\\$`".contains(n) { word.append(n) } else if n != "\n" { word.append(c); word.append(n) }
                } else { word.append(c) }
            case .none:
                if c == "'" { quote = .single; inWord = true }
                else if c == "\"" { quote = .double; inWord = true }
                else if c == "\\" {
                    guard let n = iterator.next() else { throw Route53Error.credentials("credential_process ends with a backslash") }
                    if n != "\n" { word.append(n) }
                    inWord = true
                } else if c.isWhitespace {
                    if inWord { words.append(word); word = ""; inWord = false }
                } else { word.append(c); inWord = true }
            }
        }
        guard quote == .none else { throw Route53Error.credentials("credential_process has an unclosed quote") }
        if inWord { words.append(word) }
        return words
    }

    /// The program's path: as given when it contains `/` (with `~` expanded), else the first executable on `PATH`.
    static func locate(_ program: String, environment: [String: String]) -> String? {
        let fm = FileManager.default
        if program.contains("/") {
            let path = AWSConfigFiles.expandTilde(program, home: environment["HOME"] ?? NSHomeDirectory())
            return fm.isExecutableFile(atPath: path) ? path : nil
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(program)"
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    struct Result: Sendable { var status: Int32; var stdout: Data; var stderr: String }

    /// How long a `credential_process` may run before it is ended (the AWS SDK for Go v2's limit): 60 s, or
    /// `VANITYNS_CREDENTIAL_PROCESS_TIMEOUT` seconds.
    public static let defaultTimeout = 60.0
    public static let timeoutVariable = "VANITYNS_CREDENTIAL_PROCESS_TIMEOUT"

    /// The limit from `environment`; a value that is not a positive number of seconds is a configuration error.
    static func timeout(_ environment: [String: String]) throws -> Double {
        guard let text = environment[timeoutVariable], !text.isEmpty else { return defaultTimeout }
        guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
            throw Route53Error.configuration("\(timeoutVariable)=\(text) is not a number of seconds above 0 (default \(Int(defaultTimeout)))")
        }
        return seconds
    }

    /// Runs the program off the cooperative thread pool, reading both pipes to the end, within the time limit.
    func run(_ path: String, _ args: [String], commandLine: String) async throws -> Result {
        let limit = try Self.timeout(environment)
        let environment = environment, profile = profile
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let o = try ChildProcess.run(path, args, environment: environment, timeout: limit)
                    continuation.resume(returning: Result(status: o.status, stdout: o.stdout, stderr: String(decoding: o.stderr, as: UTF8.self)))
                } catch ChildProcess.Failure.timedOut(let seconds) {
                    continuation.resume(throwing: Route53Error.credentials(
                        "credential_process of profile `\(profile)` (`\(commandLine)`) did not finish within \(Self.seconds(seconds)) and was ended; "
                        + "check that it does not wait for input, or raise \(Self.timeoutVariable)"))
                } catch {
                    continuation.resume(throwing: Route53Error.credentials("credential_process of profile `\(profile)` (`\(path)`) could not start: \(error)"))
                }
            }
        }
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }
}
