import Foundation
import Route53
import Resolver
import WhiteLabel
import Wizard

/// The live parts a command needs, built once from the global options: credentials, endpoints, clients, engine.
struct Services {
    let environment: [String: String]
    let configFiles: AWSConfigFiles
    /// `AWS_CA_BUNDLE`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE` and their profile keys.
    let settings: SharedSettings
    /// libcurl, with the CA bundle when one is set: every endpoint, credential services included, goes through it.
    let transport: any HTTPTransport
    let credentials: any CredentialProvider
    let endpoint: ServiceEndpoint
    let domainsEndpoint: ServiceEndpoint
    let events: RequestEventHub
    let route53: Route53Client
    let domains: Route53DomainsClient
    let stateDirectory: URL
    let resolverTarget: ResolverTarget
    private let verbosePrinter: Task<Void, Never>?
    /// MFA codes: asked on the terminal, or in the wizard's own prompt while its screen runs.
    let mfa = MFABridge(fallback: MFAPrompt.ask)

    /// Resolves profile, credentials and endpoints. Errors name what is wrong and what to do.
    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
         credentials override: (any CredentialProvider)? = nil) throws {
        self.environment = environment
        configFiles = try AWSConfigFiles.load(environment: environment)
        endpoint = try EndpointResolver.resolve(.route53, override: options.endpointURL, profile: options.profile,
                                                environment: environment, configFiles: configFiles)
        domainsEndpoint = try EndpointResolver.resolve(.route53Domains, override: options.domainsEndpointURL, profile: options.profile,
                                                       environment: environment, configFiles: configFiles)
        settings = try SharedSettings.load(profile: options.profile, environment: environment, configFiles: configFiles)
        let transport: any HTTPTransport = settings.caBundle.map { CurlTransport(caBundle: $0.path) } ?? CurlTransport.shared
        self.transport = transport
        let bridge = mfa
        let chain = try override ?? CredentialChain.standard(CredentialServices(
            environment: environment, configFiles: configFiles, transport: transport, explicitProfile: options.profile,
            maxAttempts: settings.maxAttempts, mfaCode: { serial in try await bridge.ask(serial) }))
        credentials = options.verbose ? AnnouncedCredentials(chain) : chain
        events = RequestEventHub()
        route53 = Route53Client(endpoint: endpoint, credentials: credentials, transport: transport, events: events,
                                options: ClientOptions(maxAttempts: settings.maxAttempts, limits: try options.rateLimits()))
        domains = Route53DomainsClient(endpoint: domainsEndpoint, credentials: credentials, transport: transport, events: events,
                                       options: ClientOptions(maxAttempts: settings.maxAttempts, limits: .route53Domains))
        stateDirectory = options.stateDir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
            ?? WhiteLabelEngine.defaultStateDirectory(environment: environment)
        resolverTarget = try options.resolverTarget()
        // Every resolver of the process sends through the one shared scheduler: the bound applies to all at once.
        if let bound = try options.dnsQuestionsInFlight() { DNSScheduler.shared.concurrency = bound }
        if options.verbose {
            let stream = events.stream()
            verbosePrinter = Task.detached { for await e in stream { Console.error(EventFormat.line(e)) } }
        } else {
            verbosePrinter = nil
        }
    }

    /// The white-label engine over the live client and the ldns resolver.
    func engine() -> WhiteLabelEngine {
        WhiteLabelEngine(route53: route53, domains: domains, resolver: LDNSResolver(), stateDirectory: stateDirectory)
    }

    /// The DNSSEC clients: Route 53's KSK operations, Route 53 Domains' DS operations, and KMS in a key's region
    /// (`AWS_ENDPOINT_URL_KMS`, `AWS_ENDPOINT_URL` or the profile's `services` section, else kms.REGION.amazonaws.com).
    func dnssecClients(_ options: GlobalOptions) -> DNSSECClients {
        let environment = environment, configFiles = configFiles, credentials = credentials, transport = transport
        let events = events, attempts = settings.maxAttempts
        return DNSSECClients(route53: route53, domains: domains, kms: { region in
            let endpoint = try EndpointResolver.resolve(.kms, override: nil, profile: options.profile, environment: environment,
                                                        configFiles: configFiles, region: region)
            return KMSClient(endpoint: endpoint, credentials: credentials, transport: transport, events: events,
                             options: ClientOptions(maxAttempts: attempts))
        })
    }

    /// Lets `--verbose` print what is still queued before the process exits.
    func flush() async {
        guard verbosePrinter != nil else { return }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
}

/// For `--verbose`: says on stderr which source answered (`credentials: sso corp · role Admin · account …9012`,
/// with the access key's last four characters), once and again whenever the source changes. Never a secret.
actor AnnouncedCredentials: CredentialProvider {
    let base: any CredentialProvider
    private var shown: String?
    init(_ base: any CredentialProvider) { self.base = base }

    func credentials() async throws -> AWSCredentials {
        let c = try await base.credentials()
        let line = "credentials: \(c.source.isEmpty ? "(unnamed source)" : c.source) · key \(c.keyHint)"
        if line != shown { shown = line; Console.error(line) }
        return c
    }
}

/// One line per request event, for `--verbose`.
enum EventFormat {
    static func line(_ e: RequestEvent) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss.SSS"
        var s = "\(f.string(from: e.time)) \(e.operation) \(e.method) \(e.path) "
        s += e.status.map(String.init) ?? "---"
        s += String(format: " %.0f ms", e.latencyMs)
        if e.attempt > 1 { s += " attempt \(e.attempt)" }
        if let c = e.errorCode { s += " \(c)" }
        if let m = e.errorMessage { s += ": \(m)" }
        if e.willRetry { s += " (will retry)" }
        if let n = e.note { s += " \(n)" }
        if let r = e.requestId { s += " [\(r)]" }
        return s
    }
}
