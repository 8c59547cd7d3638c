import Foundation

/// Caches another provider's credentials and fetches new ones 5 minutes before they expire (never for
/// credentials without an expiration). Concurrent callers share one fetch.
public actor CachedCredentialProvider: CredentialProvider {
    public let base: any CredentialProvider
    /// How long before `expiration` to refresh.
    public let refreshMargin: TimeInterval
    private let clock: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    /// `clock` gives the current time (injected by tests).
    public init(wrapping base: any CredentialProvider, refreshMargin: TimeInterval = 300,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base; self.refreshMargin = refreshMargin; self.clock = clock
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !needsRefresh(cached) { return cached }
        if let inFlight { return try await inFlight.value }
        let base = self.base
        let task = Task { try await base.credentials() }
        inFlight = task
        defer { inFlight = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }

    private func needsRefresh(_ c: AWSCredentials) -> Bool {
        guard let expiration = c.expiration else { return false }
        return clock() >= expiration.addingTimeInterval(-refreshMargin)
    }
}
