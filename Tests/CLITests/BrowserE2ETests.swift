import Foundation
import Testing
import TestSupport

/// `vanityns browse` in a real terminal against moto: a weighted pair (moto keeps weighted, latency, failover,
/// geolocation and multivalue routing) told apart in the list, and one of them read whole in the detail view.
@Suite(.serialized) struct BrowserE2ETests {
    @Test func weightedRecordDetailShowsEveryField() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        let hc = try account.moto.boto3("""
        hc = r53.create_health_check(CallerReference='api-blue', HealthCheckConfig={'IPAddress': '192.0.2.70', 'Port': 443,
            'Type': 'HTTPS', 'ResourcePath': '/health'})['HealthCheck']['Id']
        z = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'example.com.'][0]
        def rr(name, ident, value, **routing):
            return {'Action': 'UPSERT', 'ResourceRecordSet': dict({'Name': name, 'Type': 'A', 'TTL': 60, 'SetIdentifier': ident,
                'ResourceRecords': [{'Value': value}]}, **routing)}
        r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={'Changes': [
            rr('api.example.com.', 'blue', '192.0.2.70', Weight=70, HealthCheckId=hc),
            rr('api.example.com.', 'green', '192.0.2.30', Weight=30),
            rr('lat.example.com.', 'eu', '192.0.2.71', Region='eu-west-1'),
            rr('fo.example.com.', 'primary', '192.0.2.72', Failover='PRIMARY', HealthCheckId=hc),
            rr('geo.example.com.', 'europe', '192.0.2.73', GeoLocation={'ContinentCode': 'EU'}),
            rr('mv.example.com.', 'one', '192.0.2.74', MultiValueAnswer=True)]})
        print(hc)
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let t = try account.wizard(width: 80, height: 24, subcommand: ["browse"])
        try t.waitForText("All hosted zones")
        try t.sendKeys("Enter")
        try t.waitForText("own name servers")
        let zones = try t.capture()
        let set = try #require(try account.setIds().first)
        #expect(zones.contains { $0.contains("example.com ") && $0.contains(set) }, "example.com is in the sandbox's set")
        #expect(zones.contains { $0.contains("legacy.example") && $0.contains("own name servers") })
        // The status column: the real audit (DNS only) of each zone. The registry serves com. but not example., so
        // example.com's delegation is known (to the registrar's names) and the .example zones' parent is not.
        let audited = try t.waitFor(timeout: 15) { lines in !lines.contains { $0.contains("…") && $0.contains(".example") } }
        #expect(audited.contains { $0.contains("status") }, "\(audited)")
        #expect(audited.contains { $0.contains("example.com ") && $0.contains(" other ") }, "\(audited)")
        #expect(audited.contains { $0.contains("shop.example ") && $0.contains(" unknown ") }, "\(audited)")
        try t.sendKeys("/")
        try t.sendText("example.com")
        try t.sendKeys("Enter", "Enter")
        let list = try t.waitForText("w=30 id=green")
        #expect(list.contains { $0.contains("api.example.com.") && $0.contains("w=70 id=blue hc") })
        for cell in ["lat=eu-west-1 id=eu", "fo=PRIMARY id=primary hc", "geo=EU id=europe", "multi id=one"] {
            #expect(list.contains { $0.contains(cell) }, "\(cell)")
        }
        try t.sendKeys("/")
        try t.sendText("blue")
        try t.sendKeys("Enter", "Enter")
        let detail = try t.waitForText("set identifier          blue")
        for field in ["api.example.com. A ─ set identifier blue", "name                    api.example.com.", "type                    A",
                      "TTL                     60 s", "routing                 weighted", "weight                  70",
                      "health check            \(hc)", "192.0.2.70"] {
            #expect(detail.contains { $0.contains(field) }, "\(field)")
        }
        try t.sendKeys("Escape")
        let back = try t.waitForText("Record sets of example.com")
        #expect(back.contains { $0.contains("▸ api.example.com.") && $0.contains("id=blue") }, "back on the same row")
        try t.sendKeys("q")
        #expect(try t.waitForExit() == 0)
    }
}
