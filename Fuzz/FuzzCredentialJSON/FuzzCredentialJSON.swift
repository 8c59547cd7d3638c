import Foundation
import FuzzSupport
@testable import Route53

/// libFuzzer target: a credential document as credential_process, the container service or instance metadata
/// return it. A refusal must never quote the document (it may hold a secret).
@main enum FuzzCredentialJSON {
    static func main() {
        Fuzzer.run { input in
            let data = Data(input)
            for keys in [["SessionToken"], ["Token"]] {
                do {
                    let c = try CredentialDocument.parse(data, source: "fuzz", what: "the fuzzer", tokenKeys: keys)
                    precondition(!c.accessKeyId.isEmpty && !c.secretAccessKey.isEmpty, "accepted credentials without a key")
                } catch {
                    // Bytes, not String.contains: Foundation's search stops a needle at its first NUL, which made
                    // a document of NULs look quoted (regression-nul-document).
                    let message = "\(error)"
                    if data.count >= 12, Array(message.utf8).firstRange(of: Array(data)) != nil {
                        preconditionFailure("the refusal quotes the document: \(message)")
                    }
                }
            }
        }
    }
}
