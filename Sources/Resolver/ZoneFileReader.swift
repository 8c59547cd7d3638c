import CLDNS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One resource record of a master file, in presentation form as ldns prints it (decimal `\DDD` escapes).
public struct ZoneFileRecord: Sendable, Equatable {
    /// Absolute, with the final dot.
    public var owner: String
    public var ttl: Int
    public var type: String
    /// The data fields joined by single spaces (TXT strings quoted).
    public var data: String
    public init(owner: String, ttl: Int, type: String, data: String) { self.owner = owner; self.ttl = ttl; self.type = type; self.data = data }
}

/// A master file that does not parse: where and why.
public struct ZoneFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    /// 1-based; the start of the field ldns could not read (the type when it is unknown, else the data).
    public var column: Int
    public var reason: String
    public var description: String { "\(path):\(line):\(column): \(reason)" }
}

/// Reads an RFC 1035 master file with ldns (`$ORIGIN`, `$TTL`, `$INCLUDE` relative names, parentheses, every type
/// ldns knows); the origin is the zone's name, so relative names and `@` resolve to it.
public enum ZoneFileReader {
    public static func read(path: String, origin: String) throws -> [ZoneFileRecord] {
        guard let file = fopen(path, "r") else {
            throw ZoneFileError(path: path, line: 0, column: 0, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        let originText = origin.hasSuffix(".") ? origin : origin + "."
        guard let originName = ldns_dname_new_frm_str(originText) else {
            throw ZoneFileError(path: path, line: 0, column: 0, reason: "\(origin) is not a domain name")
        }
        defer { ldns_rdf_deep_free(originName) }
        var zone: UnsafeMutablePointer<ldns_zone>?
        var line: Int32 = 0
        let status = ldns_zone_new_frm_fp_l(&zone, file, originName, 3600, LDNS_RR_CLASS_IN, &line)
        guard status == LDNS_STATUS_OK, let zone else {
            let reason = String(cString: ldns_get_errorstr_by_id(status))
            // ldns counts the newlines it has read: the failing line's own, except on a last line without one.
            var number = max(1, Int(line))
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.hasSuffix("\n"),
               number == text.utf8.filter({ $0 == 0x0a }).count { number += 1 }
            throw ZoneFileError(path: path, line: number, column: column(of: path, line: number, status: status), reason: reason)
        }
        defer { ldns_zone_deep_free(zone) }
        var out: [ZoneFileRecord] = []
        if let soa = ldns_zone_soa(zone) { out.append(record(soa)) }
        let list = ldns_zone_rrs(zone)
        for i in 0..<ldns_rr_list_rr_count(list) {
            if let rr = ldns_rr_list_rr(list, i) { out.append(record(rr)) }
        }
        return out
    }

    static func record(_ rr: UnsafeMutablePointer<ldns_rr>) -> ZoneFileRecord {
        let owner = ldns_rr_owner(rr).map { AnswerReader.text(ldns_rdf2str($0)) } ?? ""
        let type = AnswerReader.text(ldns_rr_type2str(ldns_rr_get_type(rr)))
        let data = (0..<ldns_rr_rd_count(rr)).map { i in ldns_rr_rdf(rr, i).map { AnswerReader.text(ldns_rdf2str($0)) } ?? "" }
        return ZoneFileRecord(owner: owner, ttl: Int(ldns_rr_ttl(rr)), type: type, data: data.joined(separator: " "))
    }

    /// Where on `line` the field ldns refused starts: the type for an unknown type, the data for bad data, else the
    /// line's first field. ldns gives the line only; the fields are found as the format lays them out.
    static func column(of path: String, line: Int, status: ldns_status) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 1 }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line - 1 < lines.count else { return 1 }
        let row = Array(lines[line - 1])
        var fields: [(start: Int, text: String)] = []
        var i = 0
        while i < row.count {
            if row[i] == ";" { break }
            if row[i].isWhitespace { i += 1; continue }
            let start = i
            while i < row.count && !row[i].isWhitespace { i += 1 }
            fields.append((start + 1, String(row[start..<i])))
        }
        guard !fields.isEmpty else { return 1 }
        // The type is the first field (after an owner, TTL and class) that is neither a number nor IN/CH/HS.
        let startsWithBlank = row.first?.isWhitespace ?? false
        var typeIndex = startsWithBlank ? 0 : 1
        while typeIndex < fields.count, Int(fields[typeIndex].text) != nil || ["IN", "CH", "HS", "CS"].contains(fields[typeIndex].text.uppercased()) {
            typeIndex += 1
        }
        guard typeIndex < fields.count else { return fields.last!.start }
        if status == LDNS_STATUS_SYNTAX_TYPE_ERR || ldns_get_rr_type_by_name(fields[typeIndex].text).rawValue == 0 {
            return fields[typeIndex].start
        }
        return typeIndex + 1 < fields.count ? fields[typeIndex + 1].start : fields[typeIndex].start
    }
}
