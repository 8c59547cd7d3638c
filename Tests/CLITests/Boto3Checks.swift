import Foundation
import TestSupport

/// Independent checks of what Route 53 (moto) holds, read with boto3.
extension MotoServer {
    /// The record sets of a zone as boto3 sees them: "NAME TYPE TTL v1 v2..." lines, sorted.
    func records(_ zone: String) throws -> [String] {
        try boto3("""
        zid = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == '\(zone)']
        out = []
        for r in r53.get_paginator('list_resource_record_sets').paginate(HostedZoneId=zid[0]):
            for s in r['ResourceRecordSets']:
                out.append(' '.join([s['Name'], s['Type'], str(s.get('TTL'))] + sorted(v['Value'] for v in s.get('ResourceRecords', []))))
        print('\\n'.join(sorted(out)))
        """).split(separator: "\n").map(String.init)
    }

    /// The values of one record set (empty when it does not exist).
    func values(_ zone: String, _ name: String, _ type: String) throws -> [String] {
        guard let line = try records(zone).first(where: { $0.hasPrefix("\(name) \(type) ") }) else { return [] }
        return Array(line.split(separator: " ").dropFirst(3).map(String.init))
    }

    /// The TTL of one record set (nil when it does not exist).
    func ttl(_ zone: String, _ name: String, _ type: String) throws -> Int? {
        guard let line = try records(zone).first(where: { $0.hasPrefix("\(name) \(type) ") }) else { return nil }
        return Int(line.split(separator: " ")[2])
    }
}
