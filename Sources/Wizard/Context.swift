import Foundation
import Route53
import Resolver
import WhiteLabel

/// Who the wizard acts as, for the account step and the title bar. Never holds a secret.
public struct AccountInfo: Sendable, Equatable {
    public var profile: String?
    /// `…7QX4`: the access key ID's last four characters.
    public var keyHint: String?
    public var credentialSource: String?
    public var endpoint: String
    public init(profile: String? = nil, keyHint: String? = nil, credentialSource: String? = nil, endpoint: String) {
        self.profile = profile; self.keyHint = keyHint; self.credentialSource = credentialSource; self.endpoint = endpoint
    }
}

/// Everything the wizard and the browser need from the outside world.
public struct WizardContext: Sendable {
    public var route53: any Route53API
    public var engine: any WhiteLabelService
    /// The client's request events, for the log pane.
    public var events: AsyncStream<RequestEvent>
    public var account: AccountInfo
    /// Set when credentials could not be loaded: step 1 explains it.
    public var credentialProblem: String?
    public var resolver: ResolverTarget
    /// Log saves and the registrar table file go here.
    public var stateDirectory: URL
    /// The DNS port verify queries (53 normally).
    public var queryPort: Int
    /// The domain's current name servers at Route 53 Domains; nil when the domain is not registered there.
    public var registrarLookup: (@Sendable (WhiteLabelPlan) async throws -> [DomainNameserver]?)?
    /// Any domain's current name servers at Route 53 Domains (the migrated ones); nil when it is registered elsewhere.
    public var registrarLookupDomain: (@Sendable (String) async throws -> [DomainNameserver]?)?
    /// Sets the domain's name servers (with glue) at Route 53 Domains.
    public var registrarApply: (@Sendable (String, [DomainNameserver]) async throws -> Void)?
    /// The unfinished apply to offer at start; nil reads the journal of `engine` when it is a `WhiteLabelEngine`.
    public var resumeInfo: (@Sendable () async -> ResumeInfo?)?
    /// Where the credential chain asks for MFA codes (the wizard's own prompt while it runs).
    public var mfa: MFABridge?
    /// The engine and clients of `vanityns dnssec`, for the sign-zones step (nil: not available).
    public var dnssec: WizardDNSSEC?

    public init(route53: any Route53API, engine: any WhiteLabelService, events: AsyncStream<RequestEvent>, account: AccountInfo,
                credentialProblem: String? = nil, resolver: ResolverTarget = .system, stateDirectory: URL, queryPort: Int = 53,
                registrarLookup: (@Sendable (WhiteLabelPlan) async throws -> [DomainNameserver]?)? = nil,
                registrarApply: (@Sendable (String, [DomainNameserver]) async throws -> Void)? = nil,
                registrarLookupDomain: (@Sendable (String) async throws -> [DomainNameserver]?)? = nil,
                resumeInfo: (@Sendable () async -> ResumeInfo?)? = nil, mfa: MFABridge? = nil, dnssec: WizardDNSSEC? = nil) {
        self.route53 = route53; self.engine = engine; self.events = events; self.account = account
        self.credentialProblem = credentialProblem; self.resolver = resolver; self.stateDirectory = stateDirectory
        self.queryPort = queryPort; self.registrarLookup = registrarLookup; self.registrarApply = registrarApply
        self.resumeInfo = resumeInfo; self.mfa = mfa; self.registrarLookupDomain = registrarLookupDomain
        self.dnssec = dnssec
    }
}

/// An error as the user reads it (Route 53 errors keep their code and request id; secrets never appear in them).
public struct UIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public init(error: any Error) {
        if let e = error as? UIError { self = e; return }
        message = String(describing: error)
    }
    public var description: String { message }
}

/// Data that arrives later.
public enum Loadable<T: Sendable>: Sendable {
    case idle, loading, loaded(T), failed(String)
    public var value: T? { if case let .loaded(v) = self { return v }; return nil }
    public var isLoading: Bool { if case .loading = self { return true }; return false }
    public var error: String? { if case let .failed(m) = self { return m }; return nil }
    public init(_ r: Result<T, UIError>) {
        switch r { case let .success(v): self = .loaded(v); case let .failure(e): self = .failed(e.message) }
    }
}
