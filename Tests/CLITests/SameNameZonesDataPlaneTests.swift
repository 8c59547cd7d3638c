import Foundation
import Resolver
import Testing
import TestSupport

/// Two hosted zones of one name, as during a migration (the old zone on its own derived name servers, its copy in a
/// reusable set): the data plane serves each at its own name servers, as Route 53 does, and 127.0.0.1 answers with
/// the one the registry delegates to (else the first).
@Suite(.serialized) final class SameNameZonesDataPlaneTests {
    let moto: MotoServer
    let dns: DataPlane
    /// Name servers (GetHostedZone's) of the old zone (no set, www 192.0.2.1) and the new one (in a set, www 192.0.2.2).
    let old: [String], new: [String]

    init() throws {
        moto = try MotoServer()
        dns = try DataPlane(moto: moto)
        let out = try moto.boto3("""
        def www(zid, ip):
            r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={'Changes': [{'Action': 'UPSERT',
                'ResourceRecordSet': {'Name': 'www.example.net', 'Type': 'A', 'TTL': 60, 'ResourceRecords': [{'Value': ip}]}}]})
        old = r53.create_hosted_zone(Name='example.net', CallerReference='old-zone')
        www(old['HostedZone']['Id'], '192.0.2.1')
        s = r53.create_reusable_delegation_set(CallerReference='new-set')['DelegationSet']
        new = r53.create_hosted_zone(Name='example.net', CallerReference='new-zone', DelegationSetId=s['Id'])
        www(new['HostedZone']['Id'], '192.0.2.2')
        print(json.dumps([r53.get_hosted_zone(Id=z['HostedZone']['Id'])['DelegationSet']['NameServers'] for z in (old, new)]))
        """)
        let servers = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]])
        (old, new) = (servers[0], servers[1])
        try dns.waitForMotoChanges()
    }

    deinit { dns.stop(); moto.stop() }

    /// The IPv4 address the data plane gives an AWS name server: moto's four from the addresses file, a derived
    /// ns-<k>.awsdns-... on 127.1.<k / 250>.<k % 250 + 1>.
    func address(_ host: String) throws -> String {
        if let fixed = DataPlane.defaultAddresses[host]?["A"]?.first { return fixed }
        let k = try #require(Int(host.dropFirst(3).prefix { $0.isNumber }), "\(host)")
        return "127.1.\(k / 250).\(k % 250 + 1)"
    }

    func www(at address: String) async -> LookupOutcome {
        await LDNSResolver().queryAuthoritative("www.example.net", type: .a, address: address, port: dns.port, timeout: 2)
    }

    @Test func eachZoneAnswersAtItsOwnNameServers() async throws {
        #expect(Set(old).isDisjoint(with: new), "the old zone has derived name servers, the set moto's: \(old) \(new)")
        for host in old {
            #expect(await www(at: try address(host)) == .answer(["192.0.2.1"], authoritative: true), "\(host)")
        }
        for host in new {
            #expect(await www(at: try address(host)) == .answer(["192.0.2.2"], authoritative: true), "\(host)")
        }
    }

    /// Each AWS host's A and AAAA, as the main server gives them (where a user's resolver finds them), reach the same
    /// server: the zone's NS, SOA and www answer the same over IPv4 and IPv6, and each zone's own, not the other's.
    @Test func bothFamiliesOfEachHostAnswerFromThatHostsServer() async throws {
        let resolver = LDNSResolver()
        for (hosts, www) in [(old, "192.0.2.1"), (new, "192.0.2.2")] {
            for host in hosts {
                let a = await resolver.queryAuthoritative(host, type: .a, address: "127.0.0.1", port: dns.port, timeout: 2)
                let aaaa = await resolver.queryAuthoritative(host, type: .aaaa, address: "127.0.0.1", port: dns.port, timeout: 2)
                guard case .answer(let v4, _) = a, case .answer(let v6, _) = aaaa, let ipv4 = v4.first, let ipv6 = v6.first else {
                    Issue.record("\(host): no A or AAAA at the main server: \(a) \(aaaa)"); continue
                }
                #expect(ipv6 != "::1", "\(host)'s IPv6 is its own server's, not the main server's")
                for type in [DNSRecordType.ns, .soa, .a] {
                    let name = type == .a ? "www.example.net" : "example.net"
                    let overIPv4 = await resolver.queryAuthoritative(name, type: type, address: ipv4, port: dns.port, timeout: 2)
                    let overIPv6 = await resolver.queryAuthoritative(name, type: type, address: ipv6, port: dns.port, timeout: 2)
                    #expect(overIPv4 == overIPv6, "\(host) \(type) over \(ipv4) and \(ipv6)")
                    if type == .ns { #expect(overIPv6 == .answer(hosts.map { $0 + "." }.sorted(), authoritative: true), "\(host) over \(ipv6)") }
                    if type == .a { #expect(overIPv6 == .answer([www], authoritative: true), "\(host) over \(ipv6)") }
                }
            }
        }
    }

    @Test func theMainServerAnswersWithTheZoneTheRegistryDelegatesToElseTheFirst() async throws {
        #expect(await www(at: "127.0.0.1") == .answer(["192.0.2.1"], authoritative: true), "no delegation: the first zone")

        // Delegated to vanity hosts whose glue is the new zone's addresses.
        let glue: [[String: Any]] = try new.enumerated().map { i, host in
            ["Name": "ns\(i + 1).example.net", "GlueIps": [try address(host), DataPlane.ipv6(try address(host))]]
        }
        try dns.setRegistry(domains: ["example.net.": glue])
        #expect(await www(at: "127.0.0.1") == .answer(["192.0.2.2"], authoritative: true), "delegated to the set")
        #expect(await www(at: "::1") == .answer(["192.0.2.2"], authoritative: true), "IPv6 reaches the main server")

        // Delegated to the set's AWS name servers (their addresses from the data plane's map), then the old zone's.
        try dns.setRegistry(domains: ["example.net.": new.map { ["Name": $0] }])
        #expect(await www(at: "127.0.0.1") == .answer(["192.0.2.2"], authoritative: true), "delegated to the set")
        try dns.setRegistry(domains: ["example.net.": old.map { ["Name": $0] }])
        #expect(await www(at: "127.0.0.1") == .answer(["192.0.2.1"], authoritative: true), "delegated to the old zone")

        // Each zone still answers at its own servers.
        #expect(await www(at: try address(new[0])) == .answer(["192.0.2.2"], authoritative: true))
        #expect(await www(at: try address(old[0])) == .answer(["192.0.2.1"], authoritative: true))
    }
}
