import Foundation
import FuzzSupport
import Route53

/// libFuzzer target: the shared credentials and config files (split at the first NUL byte) through the INI parser
/// and the look-ups the credential chain and endpoint resolver make.
@main enum FuzzConfig {
    static func main() {
        Fuzzer.run { input in
            let buffer = input.bindMemory(to: UInt8.self)
            let split = buffer.firstIndex(of: 0) ?? buffer.count
            let credentials = String(decoding: buffer[..<split], as: UTF8.self)
            let config = split < buffer.count ? String(decoding: buffer[(split + 1)...], as: UTF8.self) : nil
            guard let files = try? AWSConfigFiles.parse(credentials: credentials, config: config) else { return }
            for profile in files.profileNames() + ["missing"] {
                precondition(files.hasProfile(profile) != (profile == "missing") || files.profileNames().contains("missing"),
                             "profile \(profile) listed but not found")
                for key in ["aws_access_key_id", "aws_secret_access_key", "credential_process", "role_arn", "source_profile", "region"] {
                    _ = files.value(key, profile: profile)
                }
                _ = files.servicesEndpoint("route53", profile: profile)
                _ = files.servicesEndpoint("route53_domains", profile: profile)
            }
        }
    }
}
