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
            // The line-numbered sections (watch.conf's reader): every line named is a line of the text, keys after their header.
            if let sections = try? AWSConfigFiles.parseINISections(credentials, fileName: "fuzz") {
                let lines = credentials.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).count
                for s in sections {
                    precondition((1...lines).contains(s.line), "section line \(s.line) of \(lines)")
                    for v in s.values { precondition(v.line > s.line && v.line <= lines, "key line \(v.line) under header \(s.line) of \(lines)") }
                }
            }
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
