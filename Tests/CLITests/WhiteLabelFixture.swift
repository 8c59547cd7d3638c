import Foundation
import Testing
import TestSupport

/// A seeded account (scripts/seed.py: set, example.com home zone, shop.example and blog.example in the set,
/// legacy.example outside it, example.com at Route 53 Domains) on a moto server, the nsd data plane serving it, and a
/// private state directory: everything `vanityns plan/apply/verify/check/...` needs, on loopback.
final class WhiteLabelFixture: @unchecked Sendable {
    let moto: MotoServer
    let dns: DataPlane
    let setId: String
    let stateDir: String

    /// `pendingSeconds`: how long a change stays PENDING (longer: a test can stop vanityns while it waits).
    /// `domainsPendingSeconds`: how long a Route 53 Domains operation stays IN_PROGRESS; `limits`: Route 53's quotas
    /// the stand-in answers and enforces (nil: none).
    init(domains: Bool = true, pendingSeconds: Double = 0.2, domainsPendingSeconds: Double = 0, limits: MotoServer.Limits? = nil) throws {
        moto = try MotoServer(pendingSeconds: pendingSeconds, limits: limits, domainsPendingSeconds: domainsPendingSeconds)
        let seed = LocalServices.packageRoot.appendingPathComponent("scripts/seed.py").path
        setId = try LocalServices.run("/usr/bin/env", ["python3", seed, "--moto", moto.endpoint] + (domains ? [] : ["--no-domains"]),
                                      environment: moto.environment).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        dns = try DataPlane(moto: moto)
        stateDir = NSTemporaryDirectory() + "vanityns-state-\(UUID().uuidString)"
    }

    /// The options that point vanityns at the stand-ins.
    var common: [String] {
        ["--endpoint-url", moto.endpoint, "--domains-endpoint-url", moto.endpoint, "--resolver", "127.0.0.1:\(dns.port)",
         "--query-port", String(dns.port), "--state-dir", stateDir]
    }

    /// Runs vanityns with `args` and the stand-ins' options; `overriding` replaces the value of one of those options
    /// (`["--domains-endpoint-url": url]`); `environment` adds to or replaces the test credentials and settings.
    /// First waits until the data plane serves what moto holds now (the seed, the test's changes, the last command's).
    func vanity(_ args: [String], stdin: String? = nil, overriding: [String: String] = [:],
                environment: [String: String] = [:]) throws -> LocalServices.Output {
        try dns.waitForMotoChanges()
        var options = common
        for (i, o) in options.enumerated() where i + 1 < options.count { if let v = overriding[o] { options[i + 1] = v } }
        return try CLI.run(args + options, env: CLI.environment(moto.environment.merging(environment) { $1 }), stdin: stdin)
    }

    /// Seeds `zone` outside any set with scripts/seed-migration.py (the full profile) and returns its id.
    /// `small`: plain record sets only (A, AAAA, CNAME, MX, TXT), the benchmark's profile.
    func seedMigration(_ zone: String, records: Int, small: Bool = false) throws -> String {
        let script = LocalServices.packageRoot.appendingPathComponent("scripts/seed-migration.py").path
        let out = try LocalServices.run("/usr/bin/env", ["python3", script, "--endpoint", moto.endpoint, "--zone", zone,
                                                         "--records", String(records), "--poll", "0.2"] + (small ? ["--small"] : []),
                                        environment: moto.environment).stdout
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let zones = try #require(json["zones"] as? [String: String])
        return try #require(zones[zone] ?? zones[zone + "."])
    }

    func records(_ zone: String) throws -> [String] { try moto.records(zone) }
    func values(_ zone: String, _ name: String, _ type: String) throws -> [String] { try moto.values(zone, name, type) }

    func ttl(_ zone: String, _ name: String, _ type: String) throws -> Int? { try moto.ttl(zone, name, type) }

    /// True when `vanityns plan ARGS --output json` lists no change in any zone.
    func planIsEmpty(_ args: [String]) throws -> Bool {
        let r = try vanity(["plan", "--output", "json"] + args)
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let zones = json["zones"] as? [[String: Any]] else { return false }
        return zones.allSatisfy { (($0["changes"] as? [Any]) ?? []).isEmpty && ($0["createInSet"] as? Bool) != true }
    }

    func stop() {
        dns.stop(); moto.stop()
        try? FileManager.default.removeItem(atPath: stateDir)
    }
}
