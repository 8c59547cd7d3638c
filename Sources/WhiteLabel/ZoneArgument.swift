import Foundation
import Route53

/// What one `--zone` argument names among `zones`: a zone ID, or a name exactly one of them has. `zone` is nil for a
/// valid name none of them has (the caller says what that means: an error, or a zone to create). Throws an
/// `InputProblem` for text that is neither an ID nor a name, and for a name several zones share (asking for the ID).
enum ZoneArgument {
    static func resolve(_ text: String, among zones: [HostedZone]) throws -> (zone: HostedZone?, name: DomainName) {
        let subject = "--zone \(text)"
        let bare = ResourceID.bare(text.trimmingCharacters(in: .whitespaces))
        if let z = zones.first(where: { $0.id == bare }) { return (z, DomainName(trusted: z.name)) }
        guard let name = try? DomainName.parse(bare, rule: .zoneName) else {
            throw InputProblem(subject: subject, message: "neither a zone ID of this account nor a zone name")
        }
        let same = zones.filter { DomainName(trusted: $0.name) == name }
        guard same.count <= 1 else {
            throw InputProblem(subject: subject, message: "\(same.count) zones are called \(name.ascii) (" + same.map(\.id).joined(separator: ", ")
                               + "); name the one you mean by its ID")
        }
        return (same.first, name)
    }
}
