import ArgumentParser
import Foundation
import Route53
import WhiteLabel
import Wizard

/// `vanityns browse`: the full-screen browser of sets, zones and records.
struct Browse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Browse delegation sets, zones and record sets full-screen.")
    @OptionGroup var global: GlobalOptions
    func run() async throws { try await Interactive.run(global, mode: .browser, queryPort: global.queryPort) }
}

/// Starts the wizard or the browser with the live services.
enum Interactive {
    enum Mode { case wizard, browser }

    static func run(_ options: GlobalOptions, mode: Mode, queryPort: Int) async throws {
        let services: Services
        var credentialProblem: String?
        do {
            services = try Services(options)
        } catch let e as Route53Error {
            guard case .credentials = e else { throw Guarded.report(e) }
            // Open anyway: step 1 explains the credentials problem and what to do.
            credentialProblem = e.description
            services = try Services(options, credentials: FailingCredentials(error: e))
        } catch {
            throw Guarded.report(error)
        }
        var account = AccountInfo(profile: options.profile ?? services.environment["AWS_PROFILE"], keyHint: nil,
                                  credentialSource: nil, endpoint: services.endpoint.url)
        if credentialProblem == nil {
            do {
                let c = try await services.credentials.credentials()
                account.keyHint = c.keyHint
                account.credentialSource = c.source
            } catch {
                credentialProblem = Guarded.message(error)
            }
        }
        let engine = services.engine()
        let context = WizardContext(
            route53: services.route53, engine: engine, events: services.events.stream(), account: account,
            credentialProblem: credentialProblem, resolver: services.resolverTarget, stateDirectory: services.stateDirectory,
            queryPort: queryPort,
            registrarLookup: { plan in try await engine.registrarUpdate(plan: plan)?.current.nameservers },
            // The same preflight as the command line: no delegation moves before every vanity host answers for the domain.
            registrarApply: { domain, nameservers in
                try await engine.applyRegistrarChecked(domain: domain, nameservers: nameservers, port: queryPort)
            },
            registrarLookupDomain: { domain in try await engine.registrarUpdate(domain: domain, rows: [])?.current.nameservers },
            mfa: services.mfa, dnssec: WizardDNSSEC(engine: engine, clients: services.dnssecClients(options)))
        let code = mode == .wizard ? await WizardApp.runWizard(context) : await WizardApp.runBrowser(context)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Stands in for credentials that could not be loaded, so the wizard can open and explain the problem.
struct FailingCredentials: CredentialProvider {
    let error: Route53Error
    func credentials() async throws -> AWSCredentials { throw error }
}
