import Foundation
import Testing
@testable import Route53

@Suite struct EndpointTests {
    static let files = try! AWSConfigFiles.parse(credentials: nil, config: """
    [default]
    endpoint_url = https://default-profile.example.com
    [profile svc]
    services = local
    endpoint_url = https://ignored.example.com
    [profile plain]
    endpoint_url = https://plain.example.com:8443/base/
    [services local]
    route53 =
      endpoint_url = http://127.0.0.1:5000
    route53_domains =
      endpoint_url = http://localhost:5001/domains
    """)

    func resolve(_ service: AWSService = .route53, override: String? = nil, profile: String? = nil,
                 env: [String: String] = [:], files: AWSConfigFiles = EndpointTests.files) throws -> ServiceEndpoint {
        try EndpointResolver.resolve(service, override: override, profile: profile, environment: env, configFiles: files)
    }

    func error(_ url: String, _ service: AWSService = .route53) -> String? {
        do { _ = try resolve(service, override: url); return nil } catch { return "\(error)" }
    }

    @Test func withNothingConfiguredTheRealEndpointsAreUsed() throws {
        #expect(try resolve(files: AWSConfigFiles()) == .route53)
        #expect(try resolve(.route53Domains, files: AWSConfigFiles()) == .route53Domains)
    }

    @Test func precedenceIsOptionThenServiceVariableThenGlobalVariableThenServicesSectionThenProfile() throws {
        let env = ["AWS_ENDPOINT_URL_ROUTE_53": "https://r53-var.example.com", "AWS_ENDPOINT_URL": "https://global.example.com",
                   "AWS_ENDPOINT_URL_ROUTE_53_DOMAINS": "https://domains-var.example.com"]
        #expect(try resolve(override: "https://option.example.com", profile: "svc", env: env).host == "option.example.com")
        #expect(try resolve(profile: "svc", env: env).host == "r53-var.example.com")
        #expect(try resolve(.route53Domains, profile: "svc", env: env).host == "domains-var.example.com")
        #expect(try resolve(profile: "svc", env: ["AWS_ENDPOINT_URL": "https://global.example.com"]).host == "global.example.com")
        #expect(try resolve(profile: "svc").url == "http://127.0.0.1:5000")
        #expect(try resolve(.route53Domains, profile: "svc").url == "http://localhost:5001/domains")
        #expect(try resolve(profile: "plain").url == "https://plain.example.com:8443/base")
        #expect(try resolve().host == "default-profile.example.com")
        // AWS_PROFILE picks the profile when --profile is absent; --profile wins over it.
        #expect(try resolve(env: ["AWS_PROFILE": "plain"]).host == "plain.example.com")
        #expect(try resolve(profile: "svc", env: ["AWS_PROFILE": "plain"]).host == "127.0.0.1")
        // Configured endpoints can be ignored, but never the command-line option.
        let ignore = ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "https://global.example.com"]
        #expect(try resolve(profile: "svc", env: ignore) == .route53)
        #expect(try resolve(override: "https://o.example.com", env: ignore).host == "o.example.com")
    }

    @Test func signingStaysUSEast1WithTheServiceName() throws {
        let r53 = try resolve(override: "http://127.0.0.1:5000")
        #expect(r53.region == "us-east-1" && r53.signingService == "route53" && r53.port == 5000 && r53.basePath == "")
        let domains = try resolve(.route53Domains, override: "https://d.example.com/")
        #expect(domains.region == "us-east-1" && domains.signingService == "route53domains" && domains.basePath == "")
    }

    @Test func plainHTTPOnlyForLoopback() throws {
        for ok in ["http://127.0.0.1:5000", "http://127.9.8.7", "http://localhost:1234", "http://LOCALHOST", "http://[::1]:5000/"] {
            #expect(throws: Never.self, "\(ok)") { try resolve(override: ok) }
        }
        #expect(try resolve(override: "http://[::1]:5000").host == "::1")
        for bad in ["http://10.0.0.5:5000", "http://route53.example.com", "http://128.0.0.1", "http://localhost.evil.com", "http://[::2]"] {
            let m = error(bad)
            #expect(m?.contains("plain http:// is allowed only for this machine") == true, "\(bad)")
            #expect(m?.contains("unencrypted") == true && m?.contains("Use an https:// URL") == true)
        }
        let fromEnv = try? resolve(env: ["AWS_ENDPOINT_URL": "http://192.168.1.2:5000"])
        #expect(fromEnv == nil)
        do { _ = try resolve(env: ["AWS_ENDPOINT_URL": "http://192.168.1.2:5000"]) } catch {
            #expect("\(error)".hasPrefix("AWS_ENDPOINT_URL (http://192.168.1.2:5000): plain http://"))
        }
    }

    @Test func malformedURLsAreRefusedWithTheReason() {
        #expect(error("ftp://example.com")?.contains("unsupported scheme `ftp`") == true)
        #expect(error("example.com")?.contains("--endpoint-url (example.com):") == true)
        #expect(error("https://")?.contains("no host") == true)
        #expect(error("https://h.example.com:0")?.contains("out of range") == true)
        #expect(error("https://h.example.com:70000")?.contains("out of range") == true)
        #expect(error("https://h.example.com:abc") != nil)
        #expect(error("https://h.example.com:")?.contains("port") == true)
        #expect(error("https://h.example.com/?a=1")?.contains("cannot have a query") == true)
        #expect(error("https://h.example.com/#frag")?.contains("fragment") == true)
        #expect(error("")?.contains("empty") == true)
        let userinfo = error("https://admin:hunter2@h.example.com", .route53Domains)
        #expect(userinfo?.contains("user names and passwords") == true)
        #expect(userinfo?.contains("--domains-endpoint-url") == true)
        #expect(userinfo?.contains("hunter2") == false)
    }

    @Test func badConfigFileEndpointNamesTheSetting() throws {
        do { _ = try resolve(profile: "x", files: try AWSConfigFiles.parse(credentials: nil, config: "[profile x]\nendpoint_url = http://10.0.0.1\n"))
            Issue.record("accepted")
        } catch { #expect("\(error)".hasPrefix("~/.aws/config profile x endpoint_url (http://10.0.0.1):")) }
    }
}
