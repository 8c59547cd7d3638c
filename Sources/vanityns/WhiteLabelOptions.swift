import ArgumentParser
import Resolver
import WhiteLabel

/// The home domain and its vanity hosts: what every white-label command is about.
struct HomeOptions: ParsableArguments {
    @Option(help: "The home domain, which holds the vanity hosts (example.com).") var domain: String
    @Option(help: "Vanity host names in the set's name server order, comma-separated (default ns1..ns4.DOMAIN).")
    var hosts: String?

    var hostList: [String]? { hosts.map(Self.split) }

    /// `--hosts a,b,c` as a list, blanks dropped.
    static func split(_ hosts: String) -> [String] {
        hosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// What identifies a white-label set-up: the set, the home domain and hosts, and the further served zones.
struct TargetOptions: ParsableArguments {
    @Option(help: "The reusable delegation set (ID, with or without /delegationset/).") var set: String
    @OptionGroup var home: HomeOptions
    @Option(name: .customLong("zone"), help: "A further zone to serve from the vanity hosts (repeatable).")
    var zones: [String] = []
    @Option(name: .customLong("soa-rname"),
            help: "The zones' SOA contact mailbox (hostmaster@example.com), so no AWS name shows in the SOA (default: keep Route 53's awsdns-hostmaster.amazon.com).")
    var soaRName: String?

    func request(resolver: ResolverTarget, createZones: Bool = false) -> VanityRequest {
        VanityRequest(setId: set, homeDomain: home.domain, hosts: home.hostList, extraZones: zones, createZones: createZones, resolver: resolver,
                      soaRName: soaRName)
    }
}
