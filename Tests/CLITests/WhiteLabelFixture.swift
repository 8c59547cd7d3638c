import Foundation
import TestSupport

/// A seeded account (scripts/seed.py: set, example.com home zone, shop.example and blog.example in the set,
/// legacy.example outside it, example.com at Route 53 Domains) on a moto server, the nsd data plane serving it, and a
/// private state directory: everything `vanityns plan/apply/verify/check/...` needs, on loopback.
final class WhiteLabelFixture: @unchecked Sendable {
    let moto: MotoServer
    let dns: DataPlane
    let setId: String
    let stateDir: String

    init(domains: Bool = true) throws {
        moto = try MotoServer()
        let seed = LocalServices.packageRoot.appendingPathComponent("scripts/seed.py").path
        setId = try LocalServices.run("/usr/bin/env", ["python3", seed, "--moto", moto.endpoint] + (domains ? [] : ["--no-domains"]),
                                      environment: moto.environment).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        dns = try DataPlane(moto: moto)
        stateDir = NSTemporaryDirectory() + "vanityns-state-\(UUID().uuidString)"
    }

    /// The options that point vanityns at the stand-ins.
    var common: [String] {
        ["--endpoint-url", moto.endpoint, "--domains-endpoint-url", moto.endpoint, "--resolver", "127.0.0.1:\(dns.port)",
         "--state-dir", stateDir]
    }

    func vanity(_ args: [String], stdin: String? = nil) throws -> LocalServices.Output {
        try CLI.run(args + common, env: CLI.environment(moto.environment), stdin: stdin)
    }

    /// The record sets of a zone as boto3 sees them: "NAME TYPE TTL v1 v2..." lines, sorted.
    func records(_ zone: String) throws -> [String] {
        try moto.boto3("""
        zid = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == '\(zone)']
        out = []
        for r in r53.get_paginator('list_resource_record_sets').paginate(HostedZoneId=zid[0]):
            for s in r['ResourceRecordSets']:
                out.append(' '.join([s['Name'], s['Type'], str(s.get('TTL'))] + sorted(v['Value'] for v in s.get('ResourceRecords', []))))
        print('\\n'.join(sorted(out)))
        """).split(separator: "\n").map(String.init)
    }

    /// The values of one record set (empty when it does not exist).
    func values(_ zone: String, _ name: String, _ type: String) throws -> [String] {
        guard let line = try records(zone).first(where: { $0.hasPrefix("\(name) \(type) ") }) else { return [] }
        return Array(line.split(separator: " ").dropFirst(3).map(String.init))
    }

    func ttl(_ zone: String, _ name: String, _ type: String) throws -> Int? {
        guard let line = try records(zone).first(where: { $0.hasPrefix("\(name) \(type) ") }) else { return nil }
        return Int(line.split(separator: " ")[2])
    }

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
