import Foundation
import Testing
import TestSupport
@testable import Route53

/// The AWS SigV4 test suite (as botocore ships it) in `../shared/testdata/sigv4`.
enum SigV4Suite {
    static let folder = LocalServices.sharedDirectory.appendingPathComponent("testdata/sigv4")
    static var available: Bool { FileManager.default.fileExists(atPath: folder.path) }
    static let date = Date(timeIntervalSince1970: 1_440_938_160) // 20150830T123600Z
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    /// Every case folder (one holding `NAME/NAME.req`), as a path relative to the suite folder.
    static var caseNames: [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".req") }
            .map { ($0 as NSString).deletingLastPathComponent }.sorted()
    }

    static func file(_ name: String, _ ext: String) throws -> String {
        let base = (name as NSString).lastPathComponent
        return try String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("\(base).\(ext)"), encoding: .utf8)
    }

    /// Parses a raw `.req`: request line, header lines (indented lines continue the previous value), blank line, body.
    static func request(_ raw: String) -> HTTPRequest {
        var lines = raw.components(separatedBy: "\n")
        let first = lines.removeFirst()
        let method = String(first.prefix { $0 != " " })
        var target = String(first.dropFirst(method.count + 1))
        if let r = target.range(of: " HTTP/", options: .backwards) { target = String(target[..<r.lowerBound]) }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        let host = headers.first { $0.name.lowercased() == "host" }?.value ?? "example.amazonaws.com"
        return HTTPRequest(method: method, host: host, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                           headers: headers, body: Data(lines.joined(separator: "\n").utf8))
    }
}

@Suite struct SigV4Tests {
    let signer = SigV4Signer(region: "us-east-1", service: "service")

    @Test(.enabled(if: SigV4Suite.available, "the AWS SigV4 suite is missing from ../shared/testdata/sigv4"))
    func suiteHasAllItsCases() {
        #expect(SigV4Suite.caseNames.count >= 28)
    }

    @Test(.enabled(if: SigV4Suite.available, "the AWS SigV4 suite is missing from ../shared/testdata/sigv4"),
          arguments: SigV4Suite.caseNames)
    func awsSuiteCase(_ name: String) throws {
        var request = SigV4Suite.request(try SigV4Suite.file(name, "req"))
        let creq = try SigV4Suite.file(name, "creq")
        var credentials = SigV4Suite.credentials
        // Cases with a session token carry it in the canonical request (post-sts-header-after adds it after signing).
        if let line = creq.split(separator: "\n").first(where: { $0.hasPrefix("x-amz-security-token:") }) {
            credentials.sessionToken = String(line.dropFirst("x-amz-security-token:".count))
        }
        signer.sign(&request, credentials: credentials, date: SigV4Suite.date)
        let canonical = signer.canonicalRequest(for: request)
        #expect(canonical == creq)
        #expect(signer.stringToSign(canonicalRequest: canonical, timestamp: "20150830T123600Z") == (try SigV4Suite.file(name, "sts")))
        #expect(request.header("Authorization") == (try SigV4Suite.file(name, "authz")).trimmingCharacters(in: .newlines))
        #expect(request.header("X-Amz-Date") == "20150830T123600Z")
    }

    @Test func signingTwiceReplacesTheOldHeaders() {
        var request = HTTPRequest(method: "GET", host: "route53.amazonaws.com", path: "/2013-04-01/hostedzone")
        let creds = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok")
        signer.sign(&request, credentials: creds, date: SigV4Suite.date)
        let first = request.header("Authorization")
        signer.sign(&request, credentials: creds, date: SigV4Suite.date.addingTimeInterval(60))
        for name in ["Authorization", "X-Amz-Date", "X-Amz-Security-Token", "Host"] {
            #expect(request.headers.filter { $0.name.lowercased() == name.lowercased() }.count == 1, "\(name) once")
        }
        #expect(request.header("Authorization") != first)
        #expect(request.header("X-Amz-Date") == "20150830T123700Z")
        #expect(request.header("Authorization")!.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        // botocore adds X-Amz-Content-SHA256 only for S3.
        #expect(request.header("X-Amz-Content-SHA256") == nil)
    }

    @Test func hostHeaderCarriesANonDefaultPortAndUserAgentIsNotSigned() {
        var request = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: 5000, path: "/",
                                  headers: [("User-Agent", "vanityns/1")])
        signer.sign(&request, credentials: SigV4Suite.credentials, date: SigV4Suite.date)
        #expect(request.header("Host") == "127.0.0.1:5000")
        #expect(request.header("Authorization")!.contains("SignedHeaders=host;x-amz-date,"))
    }

    @Test func encodingFollowsRFC3986AndPathsAreEncodedTwice() {
        #expect(SigV4Signer.percentEncode("a b*~é/=&+") == "a%20b%2A~%C3%A9%2F%3D%26%2B")
        #expect(SigV4Signer.canonicalPath("/a%20b//./c/../d") == "/a%2520b/d")
        #expect(SigV4Signer.canonicalQuery("b=2&a=%2a&a=1") == "a=%2A&a=1&b=2")
    }

    // MARK: - Agreement with botocore

    struct Case: Codable {
        var method: String; var url: String; var headers: [[String]]; var body: String; var service: String; var token: String?
    }

    /// SplitMix64, so the generated requests are the same on every run.
    struct SeededRNG: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomText(_ rng: inout SeededRNG, maxLength: Int = 12) -> String {
        let alphabet: [String] = ["a", "Z", "0", "9", "-", "_", ".", "~", "*", " ", "=", "&", "/", "+", "%", "?", "#", ":",
                                  "é", "ü", "ሴ", "😀", "'", "\"", "<", ">", "example.com.", "\\"]
        return (0..<Int.random(in: 0...maxLength, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    static func generate(count: Int) -> [(request: HTTPRequest, credentials: AWSCredentials, service: String)] {
        var rng = SeededRNG(state: 20_150_830)
        var cases: [(HTTPRequest, AWSCredentials, String)] = []
        let hosts: [(String, String, Int?)] = [("https", "route53.amazonaws.com", nil), ("http", "127.0.0.1", 5000),
                                               ("https", "route53domains.us-east-1.amazonaws.com", nil), ("https", "Route53.Example.COM", 8443)]
        let paths = ["/2013-04-01/hostedzone", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", "/2013-04-01/delegationset",
                     "/2013-04-01/change/C2682N5HXP0BZ4", "/", "/prefix/2013-04-01/hostedzonesbyname"]
        let names = ["name", "type", "identifier", "maxitems", "marker", "dnsname", "hostedzoneid", "Name", "x"]
        for i in 0..<count {
            let (scheme, host, port) = hosts.randomElement(using: &rng)!
            var path = paths.randomElement(using: &rng)!
            if Int.random(in: 0..<5, using: &rng) == 0 {
                path += "/" + SigV4Signer.percentEncode(randomText(&rng)) // an encoded segment: signed encoded twice
            }
            var request = HTTPRequest(method: i % 3 == 0 ? "POST" : "GET", scheme: scheme, host: host, port: port, path: path)
            if request.method == "GET" {
                request.query = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    SigV4Signer.percentEncode(names.randomElement(using: &rng)!) + "=" + SigV4Signer.percentEncode(randomText(&rng))
                }.joined(separator: "&")
            } else if Bool.random(using: &rng) {
                request.headers = [("Content-Type", "text/xml")]
                request.body = Data("""
                <?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Comment>\(randomText(&rng, maxLength: 30))</Comment></ChangeResourceRecordSetsRequest>
                """.utf8)
            } else {
                request.headers = [("Content-Type", "application/x-amz-json-1.1"),
                                   ("X-Amz-Target", "Route53Domains_v20140515.GetDomainDetail")]
                request.body = Data("{\"DomainName\": \"\(randomText(&rng))\"}".utf8)
            }
            let token = Bool.random(using: &rng) ? "FwoGZXIvYXdzE" + String(i) + "/token+==" : nil
            let creds = AWSCredentials(accessKeyId: "AKIDVANITY\(i)", secretAccessKey: "secret/\(i)+key", sessionToken: token)
            cases.append((request, creds, host.contains("domains") ? "route53domains" : "route53"))
        }
        return cases
    }

    @Test func agreesWithBotocoreOnRandomRoute53Requests() throws {
        let generated = Self.generate(count: 200)
        let date = Date(timeIntervalSince1970: 1_714_979_289) // 20240506T070809Z
        var input: [[String: String?]] = []
        var ours: [(auth: String, canonical: String)] = []
        for (request, creds, service) in generated {
            input.append(["method": request.method, "url": request.urlString,
                          "headers": String(decoding: try JSONEncoder().encode(request.headers.map { [$0.name, $0.value] }), as: UTF8.self),
                          "body": String(decoding: request.body, as: UTF8.self), "service": service,
                          "key": creds.accessKeyId, "secret": creds.secretAccessKey, "token": creds.sessionToken])
            var signed = request
            let signer = SigV4Signer(region: "us-east-1", service: service)
            signer.sign(&signed, credentials: creds, date: date)
            ours.append((signed.header("Authorization")!, signer.canonicalRequest(for: signed)))
        }
        // The URL goes to botocore exactly as the transport sends it (no params dict), as botocore's own
        // endpoint code builds its AWSRequest.
        let script = """
        import sys, json, datetime
        import botocore.auth as auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        fixed = datetime.datetime(2024, 5, 6, 7, 8, 9)
        auth.get_current_datetime = lambda *a, **k: fixed
        out = []
        for c in json.load(sys.stdin):
            r = AWSRequest(method=c['method'], url=c['url'], data=c['body'].encode('utf-8'),
                           headers={k: v for k, v in json.loads(c['headers'])})
            s = auth.SigV4Auth(Credentials(c['key'], c['secret'], c['token']), c['service'], 'us-east-1')
            s.add_auth(r)
            out.append([r.headers['Authorization'], s.canonical_request(r)])
        print(json.dumps(out))
        """
        let stdin = String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
        let output = try LocalServices.run("/usr/bin/env", ["python3", "-c", script], stdin: stdin)
        let theirs = try JSONDecoder().decode([[String]].self, from: Data(output.stdout.utf8))
        try #require(theirs.count == ours.count)
        var mismatches = 0
        for (i, pair) in theirs.enumerated() where pair[0] != ours[i].auth {
            mismatches += 1
            if mismatches <= 3 { Issue.record("case \(i) \(generated[i].request.urlString)\nours:\n\(ours[i].canonical)\nbotocore:\n\(pair[1])") }
        }
        #expect(mismatches == 0)
    }
}
