import ArgumentParser
import Foundation
import Resolver
import Route53

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
    /// A monitoring plugin's status line (Nagios, Icinga): `check` and `audit` only.
    case nagios
}

/// Options every command takes, before or after the subcommand (as with the AWS CLI).
struct GlobalOptions: ParsableArguments {
    @Option(help: "Profile in ~/.aws/credentials or ~/.aws/config (default: AWS_PROFILE, then 'default').")
    var profile: String?

    @Option(name: .customLong("endpoint-url"), help: "Route 53 endpoint (https, or http on loopback only).")
    var endpointURL: String?

    @Option(name: .customLong("domains-endpoint-url"), help: "Route 53 Domains endpoint (https, or http on loopback only).")
    var domainsEndpointURL: String?

    @Option(help: "Output format: text (aligned tables), json (the AWS CLI's shape), or nagios (check and audit: one monitoring-plugin status line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).")
    var output: OutputFormat = .text

    @Flag(help: "Print every Route 53 request (operation, status, latency, retries) and which credential source answered to stderr.")
    var verbose = false

    @Option(help: "DNS resolver for address lookups, HOST[:PORT] (default: the system resolver).")
    var resolver: String?

    @Option(name: .customLong("state-dir"), help: "Where the journal and saved values live (default: ~/.local/state/vanityns).")
    var stateDir: String?

    @Option(name: .customLong("query-port"), help: "Port on which verify, audit and migrate ask the name servers directly (default 53).")
    var queryPort: Int = 53

    @Option(name: .customLong("dns-concurrency"),
            help: "DNS questions in flight at once, all commands together (default 64); each server gets at most a quarter of them, so a slow server never holds the others.")
    var dnsConcurrency: Int?

    @Option(name: .customLong("api-rate"),
            help: "Route 53 requests per second your account's quota allows (default 10, the published rate). For raised quotas: every bucket vanityns paces with (account, creates, deletes, changes) scales by RATE/10.")
    var apiRate: Double?

    /// The buckets to pace Route 53 calls with.
    func rateLimits() throws -> RateLimits {
        guard let apiRate else { return .route53 }
        guard apiRate.isFinite, apiRate > 0, apiRate <= 10_000 else {
            throw ValidationError("--api-rate \(apiRate): give the requests per second your account may make, a number above 0 (Route 53's default is 10)")
        }
        return RateLimits.route53.scaled(by: apiRate / RateLimits.route53.account.refillPerSecond)
    }

    /// The bound on DNS questions in flight from `--dns-concurrency` (nil: the default).
    func dnsQuestionsInFlight() throws -> Int? {
        guard let dnsConcurrency else { return nil }
        guard (1...DNSScheduler.maxConcurrency).contains(dnsConcurrency) else {
            throw ValidationError("--dns-concurrency \(dnsConcurrency): give how many DNS questions may be in flight at once, 1 to \(DNSScheduler.maxConcurrency) (default \(DNSScheduler.defaultConcurrency))")
        }
        return dnsConcurrency
    }

    /// The resolver target from `--resolver`.
    func resolverTarget() throws -> ResolverTarget {
        guard let resolver else { return .system }
        return try ResolverAddress.parse(resolver)
    }
}

/// Parses `--resolver HOST[:PORT]`: `127.0.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`.
enum ResolverAddress {
    static func parse(_ text: String) throws -> ResolverTarget {
        var host = text, port = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ValidationError("--resolver \(text): missing ']' after an IPv6 address") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()), (1...65535).contains(p) else { throw ValidationError("--resolver \(text): the port must be 1-65535") }
                port = p
            } else if !rest.isEmpty { throw ValidationError("--resolver \(text): expected [IPv6]:PORT") }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = Int(text[text.index(after: colon)...]), (1...65535).contains(p) else { throw ValidationError("--resolver \(text): the port must be 1-65535") }
            port = p
        }
        var v4 = in_addr(), v6 = in6_addr()
        guard inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 else {
            throw ValidationError("--resolver \(text): give the resolver as an IP address, HOST[:PORT] (for example 127.0.0.1:5353 or [::1]:53)")
        }
        return .server(host: host, port: port)
    }
}

/// Moves global options that appear before the subcommand to its end, so `vanityns --profile p sets list` and
/// `vanityns sets list --profile p` mean the same (swift-argument-parser only reads a subcommand's own options).
enum GlobalOptionHoist {
    static let valued: Set<String> = ["--profile", "--endpoint-url", "--domains-endpoint-url", "--output", "--resolver", "--state-dir", "--query-port", "--api-rate"]
    static let flags: Set<String> = ["--verbose"]
    static let subcommands: Set<String> = ["sets", "zones", "plan", "apply", "verify", "check", "sync", "audit", "watch", "rollback", "finalize", "browse", "wizard", "help"]

    static func rewrite(_ args: [String]) -> [String] {
        var hoisted: [String] = [], rest: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if subcommands.contains(a) { rest += args[i...]; break }
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            if valued.contains(name) {
                hoisted.append(a)
                if !a.contains("="), i + 1 < args.count { hoisted.append(args[i + 1]); i += 1 }
            } else if flags.contains(a) {
                hoisted.append(a)
            } else {
                rest.append(a)
            }
            i += 1
        }
        guard rest.first.map(subcommands.contains) == true else { return args }
        // Keep a "--" terminator last: options after it would be read as arguments.
        if let dash = rest.firstIndex(of: "--") { return Array(rest[..<dash]) + hoisted + Array(rest[dash...]) }
        return rest + hoisted
    }
}
