import Foundation
import Testing
import TestSupport

/// The data plane under churn (issue 23): for 20 s zones are created, changed, made into a set, given a zone in that
/// set and deleted through the Route 53 stand-in, while scripts/dataplane-churn.py asks the AWS name servers 10
/// questions a second, each one UDP try with a 1 s timeout. Not one may go unanswered, nothing that never changes may
/// be answered wrongly, and every change must be served at all of its zone's servers within 2 s of Route 53's answer.
@Suite(.serialized) final class DataPlaneChurnTests {
    @Test func churningZonesLeavesNoQuestionUnansweredAndEachChangeServedWithinTwoSeconds() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let seed = LocalServices.packageRoot.appendingPathComponent("scripts/seed.py").path
        try LocalServices.run("/usr/bin/env", ["python3", seed, "--moto", moto.endpoint, "--no-domains"], environment: moto.environment)
        let dns = try DataPlane(moto: moto)
        defer { dns.stop() }
        let churn = LocalServices.packageRoot.appendingPathComponent("scripts/dataplane-churn.py").path
        let out = try LocalServices.run("/usr/bin/env", ["python3", churn, "--endpoint", moto.endpoint, "--dns-port", String(dns.port),
                                                         "--home", "example.com", "--seconds", "20", "--rate", "10"],
                                        environment: moto.environment)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], "\(out.stdout)")
        let questions = report["questions"] as? Int ?? 0
        print("data plane churn: \(questions) questions, \(report["unanswered"] ?? "?") unanswered, \(report["wrong"] ?? "?") wrong, "
              + "\(report["late"] ?? "?") late; \(report["changes"] ?? "?") changes, the slowest served after \(report["slowest_change_s"] ?? "?") s")
        #expect(questions >= 180, "about 10 questions a second for 20 s: \(out.stdout)")
        #expect(report["unanswered"] as? Int == 0, "\(out.stdout)")
        #expect(report["wrong"] as? Int == 0, "\(out.stdout)")
        #expect((report["changes"] as? Int ?? 0) >= 10, "\(out.stdout)")
        #expect((report["slowest_change_s"] as? Double ?? 99) <= 2.0, "\(out.stdout)")
    }
}
