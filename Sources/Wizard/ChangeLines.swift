import Foundation
import Route53
import WhiteLabel
import Terminal

/// How a planned change reads on the plan step: the summary lines of the batch and the full lines of the `d` view.
enum ChangeLines {
    /// The lines of one planned change. A TTL arrow only when the TTL changes; for the SOA, each field that changes
    /// (MNAME and the minimum) on its own line; `full` adds every value before and after.
    static func of(_ c: PlannedChange, width: Int, full: Bool) -> [(String, Role)] {
        let a = c.after, b = c.before
        let sign = c.action == .delete ? "-" : b == nil ? "+" : "~"
        var head = "\(sign) \(TextWidth.pad(a.type, to: 5)) \(a.name)"
        if let old = b?.ttl, let new = a.ttl, old != new { head += "  TTL \(old) \(Glyph.arrow) \(new)" }
        else if b == nil, let t = a.ttl { head += "  \(t)" }
        var out: [(String, Role)] = [(head, c.action == .delete ? .error : b == nil ? .ok : .warn)]
        let indent = "        "
        func values(_ r: ResourceRecordSet) -> String {
            // The summary drops the final dots of host names so four vanity hosts fit on one 80-column line.
            (full ? r.values : r.values.map { $0.hasSuffix(".") && r.type != "SOA" ? String($0.dropLast()) : $0 }).joined(separator: " ")
        }
        guard let b else {
            if a.type != "A" && a.type != "AAAA" { out.append((indent + values(a), .normal)) } else { out[0].0 += "   " + values(a) }
            return out
        }
        if a.type.uppercased() == "SOA", let old = b.values.first.flatMap(SOAValue.init), let new = a.values.first.flatMap(SOAValue.init) {
            let fields: [(String, String, String)] = [
                ("MNAME", old.mname, new.mname), ("RNAME", old.rname, new.rname), ("serial", "\(old.serial)", "\(new.serial)"),
                ("refresh", "\(old.refresh)", "\(new.refresh)"), ("retry", "\(old.retry)", "\(new.retry)"),
                ("expire", "\(old.expire)", "\(new.expire)"), ("minimum", "\(old.minimum)", "\(new.minimum)"),
            ]
            for (name, was, now) in fields where was != now {
                let note = name == "minimum" ? "  (negative-answer TTL)" : ""
                out.append((indent + TextWidth.pad(name, to: 8) + " \(was) \(Glyph.arrow) \(now)" + note, .normal))
            }
            if !full { return out }
        }
        let was = values(b), now = values(a)
        if !full && TextWidth.of(indent + was + " \(Glyph.arrow) " + now) <= width {
            out.append((indent + was + " \(Glyph.arrow) " + now, .normal))
        } else if full {
            for (label, text, role) in [("was: ", was, Role.dim), ("now: ", now, Role.normal)] {
                for (i, l) in Widgets.wrap(text, width: max(10, width - TextWidth.of(indent) - 5)).enumerated() {
                    out.append((indent + (i == 0 ? label : "     ") + l, role))
                }
            }
        } else {
            let room = width - TextWidth.of(indent) - 5
            out.append((indent + "was: " + fitting(was, room), .dim)); out.append((indent + "now: " + fitting(now, room), .normal))
        }
        return out
    }

    /// Space-separated values cut after the last whole value that fits, with how many were left out.
    static func fitting(_ text: String, _ width: Int) -> String {
        if TextWidth.of(text) <= width { return text }
        let parts = text.split(separator: " ").map(String.init)
        var shown: [String] = []
        for p in parts {
            let rest = parts.count - shown.count - 1
            let candidate = (shown + [p]).joined(separator: " ") + (rest > 0 ? " +\(rest) more" : "")
            if TextWidth.of(candidate) > width { break }
            shown.append(p)
        }
        if shown.isEmpty { return TextWidth.truncate(text, to: width) }
        return shown.joined(separator: " ") + " +\(parts.count - shown.count) more"
    }

    /// Every change of a zone in full (the `d` view).
    static func detail(_ z: ZonePlan, width: Int) -> [(String, Role)] { z.changes.flatMap { of($0, width: width, full: true) } }
}
