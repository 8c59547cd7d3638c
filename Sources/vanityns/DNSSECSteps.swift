import ArgumentParser
import Foundation
import Resolver
import Route53
import WhiteLabel

/// The DNSSEC steps `dnssec disable`, `dnssec enable` and `migrate --dnssec` share: going insecure then unsigning in
/// the safe order, and publishing a signed zone's DS at the parent. `rerun` is the command a stop tells the user to
/// run again (exit 4: a registrar to act on, 5: a TTL to wait out).
enum DNSSECSteps {
    struct Waits { var dsWait: Double; var maxWait: Double; var dsTTL: UInt32 }

    /// The DS removed at the parent (Route 53 Domains, confirmed and waited on; another registrar: printed, exit 4
    /// while any parent server serves it), its TTL waited out from when no parent server serves it (recorded; a
    /// wait over `maxWait` exits 5), then signing off and the KSKs deactivated. Nothing to do: returns.
    static func unsign(_ z: HostedZone, _ waits: Waits, force: Bool, yes: Bool, rerun: String, engine: WhiteLabelEngine,
                       clients: DNSSECClients, services s: Services, global: GlobalOptions) async throws {
        let name = z.name, say = dnssecProgress(global)
        var (parent, _) = await engine.parentDS(of: name, port: global.queryPort, target: s.resolverTarget)
        var served = Array(Set(parent.flatMap { $0.records ?? [] })).sorted()
        let ttl = await engine.parentDSTTL(of: name, port: global.queryPort, target: s.resolverTarget)
        let detail = try await clients.route53.getDNSSECDetail(zoneId: z.id)
        if served.isEmpty && !detail.signing && !detail.keySigningKeys.contains(where: { $0.status == "ACTIVE" }) {
            Console.out("\(name): not signed and no DS at the parent; nothing to do")
            return
        }
        if !served.isEmpty {
            engine.forgetDSGone(zoneId: z.id)
            Console.out("\(name): the parent serves DS " + served.joined(separator: ", ") + " (TTL \(ttl.map(String.init) ?? "?") s)")
            let tags = Set(served.compactMap { Int($0.split(separator: " ")[0]) })
            if case let .route53Domains(domain, held) = await engine.dsPublication(zoneName: name) {
                // The registry serves what Route 53 Domains holds: once it holds none of these, the parent follows.
                if held.contains(where: { tags.contains($0.keyTag) }) {
                    guard try Console.confirm("Remove the DS of \(domain) at Route 53 Domains (DisassociateDelegationSignerFromDomain)?", assumeYes: yes) else {
                        throw Console.fail("nothing was changed")
                    }
                    try await engine.disassociateDS(domain: domain, keyTags: tags, clients: clients, progress: say)
                } else {
                    Console.out("  \(domain): Route 53 Domains no longer holds that DS; waiting for the parent servers to stop serving it")
                }
                let behind = try await engine.waitForParentDS(zoneName: name, records: served, present: false, port: global.queryPort,
                                                              target: s.resolverTarget, timeout: waits.dsWait, progress: say)
                (parent, _) = await engine.parentDS(of: name, port: global.queryPort, target: s.resolverTarget)
                served = behind.isEmpty ? [] : Array(Set(parent.flatMap { $0.records ?? [] })).sorted()
            } else {
                Console.out("  at the registrar of \(name), remove the DS record(s): " + served.joined(separator: "; "))
            }
        }
        if !served.isEmpty {
            let still = parent.filter { !($0.records ?? []).isEmpty }.map { "\($0.server) (\($0.address))" }
            guard force else {
                throw Console.fail("\(name): \(still.count) parent server address(es) still serve a DS (\(still.joined(separator: ", "))); "
                                   + "signing stays on so the domain keeps validating. Run `\(rerun)` again once the DS is "
                                   + "removed at the registrar" + (rerun.hasPrefix("vanityns dnssec") ? " (or --force)" : ""), code: 4)
            }
            Console.error("warning: \(name): the parent still serves a DS; with signing off, validating resolvers answer SERVFAIL for "
                          + "\(name) and everything under it until the DS is removed and its TTL (\(ttl.map(String.init) ?? "?") s) has passed")
            guard try Console.confirm("Unsign \(name) anyway?", assumeYes: yes) else { throw Console.fail("nothing was changed") }
        } else {
            let gone = try engine.dsGone(zoneId: z.id, ttl: ttl ?? waits.dsTTL)
            let until = gone.since.addingTimeInterval(Double(gone.ttl))
            let left = until.timeIntervalSinceNow
            if left > waits.maxWait {
                throw Console.fail("\(name): no parent server serves a DS; resolvers may keep it for its TTL (\(gone.ttl) s): run `\(rerun)` "
                                   + "again after \(ISO8601DateFormatter().string(from: until))", code: 5)
            }
            if left > 0 {
                Console.out("  \(name): waiting out the DS TTL (\(Int(left.rounded(.up))) s left)")
                try await Task.sleep(nanoseconds: UInt64(left * 1e9))
            }
            guard try Console.confirm("Turn DNSSEC signing off for \(name) (DisableHostedZoneDNSSEC, DeactivateKeySigningKey)?", assumeYes: yes) else {
                throw Console.fail("nothing was changed")
            }
        }
        do {
            try await engine.unsignZone(zoneId: z.id, zoneName: name, clients: clients, progress: say)
        } catch let e as Route53Error where e.code == "KeySigningKeyInParentDSRecord" {
            throw Console.fail("\(name): Route 53 refuses to stop signing while the parent serves the DS of the zone's key-signing key "
                               + "(\(e.description)); nothing was changed: remove the DS at the registrar first")
        }
        engine.forgetDSGone(zoneId: z.id)
        Console.out("\(name): unsigned")
    }

    /// The signed zone's DS to the parent: Route 53 Domains (confirmed, AssociateDelegationSignerToDomain, waited
    /// until every parent server serves it, at most `dsWait` s) or the table for another registrar (checked once).
    /// Returns the parent servers that do not serve it yet (empty: done).
    static func publishDS(zoneName: String, ksk: KeySigningKey, publication: DSPublication?, dsWait: Double, yes: Bool, rerun: String,
                          engine: WhiteLabelEngine, clients: DNSSECClients, services s: Services, global: GlobalOptions) async throws -> [ParentDS] {
        let say = dnssecProgress(global)
        var viaDomains = false
        switch publication ?? .otherRegistrar(domain: zoneName) {
        case let .route53Domains(domain, _):
            Console.out(DNSSECText.dsTable(domain: domain, ksk: ksk))
            guard try Console.confirm("Publish this DS through Route 53 Domains (AssociateDelegationSignerToDomain)?", assumeYes: yes) else {
                throw Console.fail("\(zoneName) signs; its DS was not published (run `\(rerun)` again to publish it)")
            }
            try await engine.associateDS(domain: domain, ksk: ksk, clients: clients, progress: say)
            viaDomains = true
        case let .otherRegistrar(domain):
            Console.out("\(domain) is not registered with Route 53 Domains: enter this DS at its registrar.")
            Console.out(DNSSECText.dsTable(domain: domain, ksk: ksk))
        }
        return try await engine.waitForParentDS(zoneName: zoneName, records: [ksk.dsRecord], present: true, port: global.queryPort,
                                                target: s.resolverTarget, timeout: viaDomains ? dsWait : 0, progress: say)
    }
}
