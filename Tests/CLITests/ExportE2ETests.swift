import Foundation
import Testing
import TestSupport

/// `vanityns export` end to end: the seeded set (home zone, shop, blog) and a zone with every type moto keeps
/// (scripts/seed-migration.py: aliases, weighted / latency / failover / geolocation / multivalue sets with health
/// checks, long TXT, escaped names), each format checked by scripts/check-export.py with the tool its users trust:
/// named-checkzone, octodns-validate and octodns-dump through octoDNS's own Route 53 provider, python-hcl2 and the
/// import ids boto3's listing gives.
@Suite(.serialized) final class ExportE2ETests {
    /// The account: moto behind the proxy, seeded (no data plane: an export asks no name server).
    let moto: MotoServer
    let setId: String
    let zoneId: String
    init() throws {
        moto = try MotoServer()
        func script(_ name: String) -> String { LocalServices.packageRoot.appendingPathComponent("scripts/\(name)").path }
        setId = try LocalServices.run("/usr/bin/env", ["python3", script("seed.py"), "--moto", moto.endpoint, "--no-domains"],
                                      environment: moto.environment).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let out = try LocalServices.run("/usr/bin/env", ["python3", script("seed-migration.py"), "--endpoint", moto.endpoint, "--zone", "every.example",
                                                         "--records", "150", "--poll", "0.2"], environment: moto.environment).stdout
        let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        zoneId = ((json?["zones"] as? [String: String]) ?? [:]).values.first ?? ""
    }
    deinit { moto.stop() }

    func vanity(_ args: [String]) throws -> LocalServices.Output {
        try CLI.run(args + ["--endpoint-url", moto.endpoint], env: CLI.environment(moto.environment))
    }

    func check(_ format: String, _ path: String, setId: String? = nil) throws -> [String: Any] {
        let script = LocalServices.packageRoot.appendingPathComponent("scripts/check-export.py").path
        let r = try LocalServices.run("/usr/bin/env", ["python3", script, "--endpoint", moto.endpoint, "--zone-id", zoneId,
                                                       "--format", format, "--path", path] + (setId.map { ["--set-id", $0] } ?? []),
                                      environment: moto.environment, check: false)
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\n\(r.stderr)")
    }

    func outDir() -> String { NSTemporaryDirectory() + "vanityns-export-\(UUID().uuidString)" }

    @Test func bindMasterFilesLoadInNamedCheckzoneWithEveryRecord() throws {
        let single = try vanity(["export", "--zone", "every.example", "--format", "bind"])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stdout.hasPrefix("; every.example. exported by vanityns from Route 53 hosted zone \(zoneId)"))
        let file = NSTemporaryDirectory() + "vanityns-every-\(UUID().uuidString).zone"
        try single.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try check("bind", file)
        #expect(result["ok"] as? Bool == true, "\(result["problems"] ?? "")")
        let checked = try #require(result["checked"] as? [String: Int])
        #expect((checked["plain"] ?? 0) > 100 && (checked["route53_only"] ?? 0) > 10, "\(checked)")

        // The whole set, one file per zone, each loads.
        let dir = outDir()
        let set = try vanity(["export", "--set", setId, "--format", "bind", "--out", dir])
        #expect(set.status == 0, "\(set.stderr)")
        for zone in ["example.com", "shop.example", "blog.example"] {
            let load = try LocalServices.run("/usr/bin/env", ["named-checkzone", zone, "\(dir)/\(zone).zone"], check: false)
            #expect(load.status == 0, "\(zone): \(load.stdout)")
        }
        // A second export into the same folder does not overwrite without --force.
        let again = try vanity(["export", "--set", setId, "--format", "bind", "--out", dir])
        #expect(again.status == 1 && again.stderr.contains("not overwriting 3 files"), "\(again.stderr)")
        #expect(try vanity(["export", "--set", setId, "--format", "bind", "--out", dir, "--force"]).status == 0)
    }

    @Test func octoDNSConfigValidatesAndAgreesWithOctoDNSsOwnDump() throws {
        let dir = outDir()
        let r = try vanity(["export", "--set", setId, "--zone", "every.example", "--format", "octodns", "--out", dir])
        #expect(r.status == 0, "\(r.stderr)")
        let config = try String(contentsOfFile: dir + "/config.yaml", encoding: .utf8)
        #expect(config.contains("delegation_set_id: \"\(setId)\""), "zones octoDNS creates go into the set")
        let result = try check("octodns", dir)
        #expect(result["ok"] as? Bool == true, "\(result["problems"] ?? "")")
        let checked = try #require(result["checked"] as? [String: Int])
        #expect((checked["names_compared"] ?? 0) > 50, "\(checked)")
        // The seed's geolocation groups (continents, countries, US states, the default) and its weighted groups
        // without health checks and with weights octoDNS takes become dynamic records answering the same.
        #expect((checked["dynamic_records"] ?? 0) >= 5, "\(checked)")
        let zone = try String(contentsOfFile: dir + "/zones/every.example.yaml", encoding: .utf8)
        #expect(zone.contains("(not octoDNS: health checks: octoDNS's Route 53 provider makes its own and cannot keep these)"), "the failover pairs with a health check stay in Route 53, and say why")
    }

    @Test func terraformParsesWithDocumentedArgumentsAndBoto3sImportIds() throws {
        let dir = outDir()
        let r = try vanity(["export", "--set", setId, "--zone", "every.example", "--format", "terraform", "--out", dir])
        #expect(r.status == 0, "\(r.stderr)")
        let tf = try String(contentsOfFile: dir + "/main.tf", encoding: .utf8)
        #expect(tf.contains("ignore_changes  = [reference_name]"), "the set is never replaced over reference_name")
        let result = try check("terraform", dir + "/main.tf", setId: setId)
        #expect(result["ok"] as? Bool == true, "\(result["problems"] ?? "")")
    }

    @Test func badInputIsRefusedBeforeAnythingIsRead() throws {
        let none = try vanity(["export", "--format", "bind"])
        #expect(none.status == 64 && none.stderr.contains("give --set ID or at least one --zone"), "\(none.stderr)")
        let unknown = try vanity(["export", "--zone", "nowhere.example", "--format", "terraform"])
        #expect(unknown.status == 1 && unknown.stderr.contains("there is no hosted zone nowhere.example"), "\(unknown.stderr)")
        let octo = try vanity(["export", "--zone", "every.example", "--format", "octodns"])
        #expect(octo.status == 64 && octo.stderr.contains("give --out DIR"), "\(octo.stderr)")
    }

    @Test func aBindExportImportedIntoANewZoneInTheSetHoldsEveryPlainRecord() throws {
        let file = NSTemporaryDirectory() + "vanityns-import-\(UUID().uuidString).zone"
        let exported = try vanity(["export", "--zone", zoneId, "--format", "bind"])
        try exported.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let writesBefore = try moto.writeRequests()
        let plan = try vanity(["import", "--zone", "every.example", "--from", "bind", file, "--set", setId, "--plan"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("into a new zone in set \(setId)") && plan.stdout.contains("the file's apex, not imported"), "\(plan.stdout)")
        #expect(try moto.writeRequests() == writesBefore, "--plan writes nothing")

        let run = try vanity(["import", "--zone", "every.example", "--from", "bind", file, "--set", setId, "--yes"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("parity: identical"), "\(run.stdout)")
        let newId = try #require(run.stdout.split(separator: "\n").last { $0.hasPrefix("imported into") }
            .flatMap { $0.split(separator: "(").last?.split(separator: ")").first }.map(String.init), "\(run.stdout)")
        #expect(newId != zoneId)
        let result = try check("import", newId)
        #expect(result["ok"] as? Bool == true, "\(result["problems"] ?? "")")

        // A rerun finds the zone it made and has nothing to write.
        let writes = try moto.writeRequests()
        let again = try vanity(["import", "--zone", "every.example", "--from", "bind", file, "--set", setId, "--yes"])
        #expect(again.status == 0 && again.stdout.contains("nothing to import"), "\(again.stdout)\n\(again.stderr)")
        #expect(try moto.writeRequests() == writes, "the rerun wrote nothing")
    }

    @Test func aFileThatDoesNotParseNamesItsLineAndColumnAndWritesNothing() throws {
        let file = NSTemporaryDirectory() + "vanityns-bad-\(UUID().uuidString).zone"
        try """
        $ORIGIN every.example.
        $TTL 300
        @    IN SOA ns1.every.example. hostmaster.every.example. 1 7200 900 1209600 300
        www  IN A   192.0.2.1
        mail IN AAAA not-an-address
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let writes = try moto.writeRequests()
        let r = try vanity(["import", "--zone", "every.example", "--from", "bind", file, "--set", setId, "--yes"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("\(file):5:14: the file does not parse"), "\(r.stderr)")
        #expect(r.stderr.contains("Nothing was written"))
        #expect(try moto.writeRequests() == writes)
        let format = try vanity(["import", "--zone", "every.example", "--from", "octodns", file])
        #expect(format.status == 64 && format.stderr.contains("--from bind FILE"), "\(format.stderr)")
    }
}
