import ArgumentParser
import Foundation
import Route53
import WhiteLabel

/// Runs a command body, turning every error into a one-line reason on stderr and a non-zero exit code:
/// 1 for failures, 64 for usage errors. Exit codes a body throws on purpose (2 verify, 3 drift) pass through.
enum Guarded {
    static func run(_ options: GlobalOptions, _ body: (Services) async throws -> Void) async throws {
        let services: Services
        do {
            services = try Services(options)
        } catch {
            throw report(error)
        }
        do {
            try await body(services)
            await services.flush()
        } catch {
            await services.flush()
            throw report(error)
        }
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
        switch error {
        case let e as ExitCode: return e
        case let e as ValidationError: return e
        case let e as CleanExit: return e
        case let e as Route53Error: return Console.fail(e.description)
        case let e as ValidationFailed:
            return Console.fail("the request has \(e.problems.count == 1 ? "a problem" : "\(e.problems.count) problems"); nothing was changed:\n" + e.problems.map { "- \($0)" }.joined(separator: "\n"))
        case let e as MigrationRefused:
            return Console.fail("the move cannot start (\(e.problems.count == 1 ? "a problem" : "\(e.problems.count) problems")); nothing was created:\n"
                                + e.problems.map { "- \($0)" }.joined(separator: "\n"))
        case let e as InputProblem: return Console.fail(e.description)
        default: return Console.fail(String(describing: error))
        }
    }
}
