import Foundation
import FuzzSupport
@testable import Route53

/// libFuzzer target: a JSON 1.1 answer body as each answer the Route 53 Domains and KMS clients read, and as an error.
@main enum FuzzDomainsJSON {
    static func main() {
        Fuzzer.run { input in
            let response = HTTPResponse(status: 400, headers: ["x-amzn-requestid": "fuzz"], body: Data(input))
            _ = Route53DomainsClient.error(from: response)
            guard let o = try? Route53DomainsClient.object(response) else { return }
            _ = try? Route53DomainsClient.domainDetail(o)
            _ = try? Route53DomainsClient.operationId(o)
            _ = try? Route53DomainsClient.operation(o, asked: "fuzz-operation")
            _ = try? KMSClient.key(o, policy: o, asked: "fuzz-key")
        }
    }
}
