import ArgumentParser
import Foundation
import Route53
import WhiteLabel

/// Runs a command body, turning every error into a one-line reason on stderr and a non-zero exit code:
/// 1 for failures, 64 for usage errors. Exit codes a body throws on purpose (2 verify, 3 drift) pass through.
enum Guarded {
    /// - Parameter plugin: the command prints a monitoring plugin's status line for `--output nagios` (check, audit);
    ///   there an error is `VANITYNS UNKNOWN - reason` on stdout and exit 3, as the monitoring-plugins guidelines say.
    static func run(_ options: GlobalOptions, plugin: Bool = false, _ body: (Services) async throws -> Void) async throws {
        if options.output == .nagios && !plugin {
            throw ValidationError("--output nagios (a monitoring plugin's status line) is for `check` and `audit`; use text or json here")
        }
        let services: Services
        do {
            services = try Services(options)
        } catch {
            throw finish(error, options)
        }
        do {
            try await body(services)
            await services.flush()
        } catch {
            await services.flush()
            throw finish(error, options)
        }
    }

    private static func finish(_ error: Error, _ options: GlobalOptions) -> Error {
        guard options.output == .nagios, let reason = describe(error) else { return report(error) }
        return PluginStatus.unknown.emit(reason.replacingOccurrences(of: "\n", with: " "))
    }

    /// A one-line description of an error, for per-item progress lines.
    static func message(_ error: Error) -> String {
        switch error {
        case let e as Route53Error: return e.description
        default: return String(describing: error)
        }
    }

    /// The message and exit code for an error.
    static func report(_ error: Error) -> Error {
        describe(error).map { Console.fail($0) } ?? error
    }

    /// What `report` prints for an error; nil for the ones that pass through (exit codes, usage errors, --help).
    static func describe(_ error: Error) -> String? {
        switch error {
        case is ExitCode, is ValidationError, is CleanExit: return nil
        case let e as Route53Error: return e.description
        case let e as ValidationFailed:
            return "the request has \(e.problems.count == 1 ? "a problem" : "\(e.problems.count) problems"); nothing was changed:\n" + e.problems.map { "- \($0)" }.joined(separator: "\n")
        case let e as MigrationRefused:
            return "the move cannot start (\(e.problems.count == 1 ? "a problem" : "\(e.problems.count) problems")); nothing was created:\n"
                + e.problems.map { "- \($0)" }.joined(separator: "\n")
        case let e as DNSSECRefused:
            return "DNSSEC: \(e.problems.count == 1 ? "a problem" : "\(e.problems.count) problems"); nothing was changed:\n"
                + e.problems.map { "- \($0)" }.joined(separator: "\n")
        case let e as InputProblem: return e.description
        default: return String(describing: error)
        }
    }
}
