import Foundation

/// The stand-in's faults (scripts/route53_standin/faults.py): writes that act but lose their answer, random faults.
extension MotoServer {
    /// Of `operation`'s next successful calls, `skip` are answered, then the next `count` act and lose their answer
    /// (the connection closes). `operation`: ChangeResourceRecordSets, DeleteHostedZone, DeleteReusableDelegationSet,
    /// ChangeTagsForResource or UpdateDomainNameservers.
    public func loseAnswers(of operation: String, skip: Int = 0, count: Int = 1) throws {
        try control("lose-answers", ["op": operation, "skip": String(skip), "count": String(count)])
    }

    /// From now on each call meets a fault with probability `rate` (500, a dropped connection before acting, or a write's
    /// answer lost after acting), drawn from `seed`; never more than two in a row on one request path. 0 stops them.
    public func randomFaults(rate: Double, seed: Int) throws {
        try control("faults", ["rate": String(rate), "seed": String(seed)])
    }

    /// Answers lost so far by operation, and random faults by kind.
    public func lostAnswers() throws -> (lost: [String: Int], faults: [String: Int]) {
        let text = try LocalServices.python("import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                                            args: [endpoint + "/__proxy/lost"])
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        return (json["lost"] as? [String: Int] ?? [:], json["faults"] as? [String: Int] ?? [:])
    }
}
