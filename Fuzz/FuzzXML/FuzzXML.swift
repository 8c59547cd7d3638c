import Foundation
import FuzzSupport
@testable import Route53

/// libFuzzer target: a Route 53 answer body through libxml2 and every decoder the client uses, on every element
/// (a decoder meets the element its caller found, wherever a hostile document puts it), and as an error answer.
@main enum FuzzXML {
    static func main() {
        Fuzzer.run { input in
            let body = Data(input)
            _ = Route53XMLCodec.error(from: HTTPResponse(status: 400, headers: ["x-amzn-requestid": "fuzz"], body: body))
            guard let root = try? XMLParser.parse(body) else { return }
            var pending = [root]
            while let e = pending.popLast() {
                pending += e.children
                _ = Route53XMLCodec.delegationSet(e)
                _ = try? Route53XMLCodec.hostedZone(e)
                _ = try? Route53XMLCodec.changeInfo(e)
                _ = try? Route53XMLCodec.recordSet(e).values
                _ = try? Route53XMLCodec.limitUsage(e)
                _ = try? Route53XMLCodec.keySigningKey(e)
                _ = Route53XMLCodec.bool(e, "IsTruncated")
                _ = e.element(at: "Status", "ServeSignature")
            }
        }
    }
}
