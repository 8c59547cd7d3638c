import Foundation
import Route53
import WhiteLabel

/// One progress line per registrar event.
enum RegistrarEventFormat {
    static func line(_ e: RegistrarEvent) -> String {
        switch e {
        case let .submitted(id): return "registrar: operation \(id) submitted"
        case let .status(id, status, elapsed): return String(format: "registrar: operation %@ %@ after %.0f s", id, status.rawValue, elapsed)
        case let .finished(id, status): return "registrar: operation \(id) \(status.rawValue)"
        }
    }
}

/// One progress line per apply event.
enum ApplyEventFormat {
    static func line(_ e: ApplyEvent) -> String {
        switch e {
        case let .journalSaved(path): return "journal saved: \(path)"
        case let .zoneCreated(name, id): return "created zone \(name) (\(id))"
        case let .submitted(name, change): return "submitted \(name): change \(ChangeInfo.shown(change))"
        case let .waiting(name, _, status, elapsed): return String(format: "waiting for %@: %@ after %.0f s", name, status.rawValue, elapsed)
        case let .inSync(name, _): return "\(name) is in sync"
        case let .alreadyDone(name): return "\(name): already as planned"
        }
    }
}
