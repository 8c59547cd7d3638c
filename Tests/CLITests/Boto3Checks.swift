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

    /// The ids of the hosted zones named `name` (trailing dot).
    func zoneIds(_ name: String) throws -> [String] {
        try boto3("print('\\n'.join(z['Id'].split('/')[-1] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == '\(name)'))")
            .split(separator: "\n").map(String.init)
    }

    /// The apex NS of one zone, by id (two zones can share a name): its TTL, and its values sorted, without the
    /// final dot, joined by spaces.
    func apexNS(zoneId: String, _ name: String) throws -> (ttl: String, values: String) {
        let line = try boto3("""
        ns = [r for r in r53.list_resource_record_sets(HostedZoneId='\(zoneId)')['ResourceRecordSets'] if r['Type'] == 'NS' and r['Name'] == '\(name)'][0]
        print(ns['TTL'], ' '.join(sorted(v['Value'].rstrip('.') for v in ns['ResourceRecords'])))
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}
