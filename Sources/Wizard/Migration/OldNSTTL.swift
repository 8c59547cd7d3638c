import Foundation
import Route53
import WhiteLabel

/// The copy screen's `t`, before the switch: the old zones' apex NS TTL lowered to `ttl` (shown, confirmed), so
/// resolvers that took the name servers from the old zone itself let go of them within minutes, as
/// `vanityns migrate --old-ns-ttl` does. Each old value is saved in the zone's migration journal first, and
/// `vanityns migrate --undo` restores it. Nothing else in the old zones changes.
/// Reads: `migration.copied`. Hands on: nothing; its line shows under each zone on the copy screen.
enum OldNSTTL {
    /// Five minutes: short enough for a quick move, long enough not to load the name servers.
    static let ttl = 300

    struct State: WizardStepState {
        /// The changes `t` found (zones already at `ttl` have none).
        var changes: Loadable<[Item]> = .idle
        /// Each old zone's lowering, by zone name.
        var lowered: [String: Loadable<Bool>] = [:]
    }

    /// One old zone's apex NS with the lower TTL, and the record it replaces.
    struct Item: Sendable, Equatable {
        var zone: String
        var change: PlannedChange
    }

    enum Msg: WizardStepMsg {
        case planned(Result<[Item], UIError>)
        case lowered(zone: String, Result<Bool, UIError>)

        func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .planned(r):
                s.oldNSTTL.changes = Loadable(r)
                switch r {
                case let .success(items) where items.isEmpty:
                    s.notice = ("The old zones' NS TTL is already \(OldNSTTL.ttl) s or lower.", .ok)
                case let .success(items):
                    let list = items.map { "\(WizardState.bare($0.zone)) \($0.change.before?.ttl.map(String.init) ?? "?") s" }
                    s.confirm = Confirmation(question: "Lower the apex NS TTL of the old zones to \(OldNSTTL.ttl) s (now: \(list.joined(separator: ", ")))? "
                                             + "Each old value is saved, and vanityns migrate --undo restores it.", action: .lowerOldNSTTL)
                case let .failure(e): s.notice = ("The old zones' NS could not be read: \(e.message)", .error)
                }
            case let .lowered(zone, r):
                s.oldNSTTL.lowered[zone] = Loadable(r)
            }
            return []
        }
    }

    /// `t` is offered: the copies are done, some proven, and no old zone's TTL was lowered (or found low) yet.
    static func offered(_ s: WizardState) -> Bool {
        let t = s.oldNSTTL
        return s.migration.queue.idle && !s.migration.copied.isEmpty && t.lowered.isEmpty && !t.changes.isLoading && t.changes.value?.isEmpty != true
    }

    /// The old NS are being read or lowered: the switch waits for them.
    static func busy(_ s: WizardState) -> Bool {
        s.oldNSTTL.changes.isLoading || s.oldNSTTL.lowered.values.contains { $0.isLoading }
    }

    /// t: reads each copied zone's old apex NS (nothing written).
    static func start(_ s: inout WizardState) -> [WizardCommand] {
        guard offered(s) else { return [] }
        s.oldNSTTL.changes = .loading
        return [.oldNSTTLChanges(zones: s.migration.copied, ttl: ttl)]
    }

    /// Answered yes: each old zone lowered (its old NS saved first).
    static func perform(_ s: inout WizardState) -> [WizardCommand] {
        (s.oldNSTTL.changes.value ?? []).map { item in
            s.oldNSTTL.lowered[item.zone] = .loading
            return .lowerOldNSTTL(zone: item.zone, item.change)
        }
    }

    /// The line under a copied zone once `t` was pressed, nil before.
    static func line(_ s: WizardState, zone: String) -> (text: String, failed: Bool)? {
        switch s.oldNSTTL.lowered[zone] {
        case .loading?: return ("old zone's NS TTL: lowering to \(ttl) s…", false)
        case .loaded?:
            let before = s.oldNSTTL.changes.value?.first { $0.zone == zone }?.change.before?.ttl.map(String.init) ?? "?"
            return ("old zone's NS TTL: \(before) -> \(ttl) s (old value saved)", false)
        case let .failed(m)?: return ("old zone's NS TTL not lowered: \(m)", true)
        default:
            // Read, and no change for it: its TTL is already low.
            guard let items = s.oldNSTTL.changes.value, s.migration.copied.contains(zone), !items.contains(where: { $0.zone == zone }) else { return nil }
            return ("old zone's NS TTL: already \(ttl) s or lower", false)
        }
    }
}

extension WizardState {
    /// The copy screen's state for lowering the old zones' NS TTL.
    var oldNSTTL: OldNSTTL.State {
        get { stepStates[OldNSTTL.State.self] } set { stepStates[OldNSTTL.State.self] = newValue }
    }
}
