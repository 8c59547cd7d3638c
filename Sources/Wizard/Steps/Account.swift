import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 1, Account: who the wizard acts as (the profile, the key's last four characters, where the credentials came
/// from), how many reusable delegation sets the account uses of its limit, and an apply an earlier run left
/// unfinished, offered to resume.
/// Reads: the shared `account` and `credentialProblem`.
/// Hands on: `resuming` (a resumed run goes straight to step 6 with the journal's request: `WizardState.request`).
public enum AccountStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var setsLimit: Loadable<LimitUsage> = .idle
        /// An unfinished apply from an earlier run, offered on step 1.
        public var resumeOffer: ResumeInfo?
        /// Planning and applying that earlier run's zones (steps 6 and 7 with the journal's request).
        public var resuming: ResumeInfo?
    }

    public enum Msg: WizardStepMsg {
        case accountLimit(Result<LimitUsage, UIError>)
        /// The unfinished apply found at start (nil: none).
        case resumeFound(ResumeInfo?)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .accountLimit(r): s.accountStep.setsLimit = Loadable(r)
            case let .resumeFound(info):
                if s.step == .account && s.accountStep.resuming == nil { s.accountStep.resumeOffer = info }
            }
            return []
        }
    }

    static let title = "Account"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        s.accountStep.setsLimit.value == nil && s.credentialProblem == nil ? [.loadAccountLimit] : []
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] { [] }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        if a == .resume, let r = s.accountStep.resumeOffer { return startResume(&s, r) }
        if a == .no { s.accountStep.resumeOffer = nil; return [] }
        return a == .choose ? s.goNext() : []
    }

    /// Plans the unfinished zones of an earlier run again (steps 2-5 come from its journal).
    static func startResume(_ s: inout WizardState, _ r: ResumeInfo) -> [WizardCommand] {
        s.accountStep.resuming = r; s.accountStep.resumeOffer = nil
        s.vanityHosts.homeDomain = r.homeDomain; s.vanityHosts.homeIsNew = false
        s.vanityHosts.hosts = r.hosts ?? (1...4).map { "ns\($0).\(WizardState.bare(r.homeDomain))" }
        s.delegationSet.chosenSet = DelegationSet(id: r.setId, callerReference: nil, nameServers: [])
        return s.go(.plan)
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        var b: [B] = s.credentialProblem == nil ? [B([.enter], "enter", "continue", .choose)] : []
        if s.accountStep.resumeOffer != nil {
            b = [B([.char("y")], "y", "resume", .resume), B([.char("n")], "n", "not now", .no)] + b
        }
        return WizardState.keys(b)
    }

    static func animating(_ s: WizardState) -> Bool { s.accountStep.setsLimit.isLoading }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        var y = r.y
        let account = s.account
        let pairs: [(String, String)] = [
            ("profile", account.profile ?? "(default)"), ("access key", account.keyHint ?? "none"),
            ("source", account.credentialSource ?? "none found"), ("endpoint", account.endpoint),
        ]
        for (k, v) in pairs { f.put(TextWidth.pad(k, to: 12), x: r.x, y: y, role: .heading); f.put(v, x: r.x + 13, y: y, width: r.width - 13); y += 1 }
        y += 1
        if let p = s.credentialProblem {
            for l in Widgets.wrap("✗ No usable credentials: \(p)", width: r.width) where y < r.maxY { f.put(l, x: r.x, y: y, role: .error); y += 1 }
            y += 1
            s.paragraph(&f, "What to do: run `aws configure` (or `aws sso login --profile NAME`), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then start vanityns again. Nothing has been changed.", x: r.x, y: &y, width: r.width, maxY: r.maxY)
            return
        }
        f.put(TextWidth.pad("sets", to: 12), x: r.x, y: y, role: .heading)
        switch s.accountStep.setsLimit {
        case .idle, .loading: f.put("\(s.spin) asking Route 53 (GetAccountLimit)…", x: r.x + 13, y: y, role: .dim)
        case let .loaded(l): f.put("\(l.count) of \(l.limit) reusable delegation sets used", x: r.x + 13, y: y, role: l.count >= l.limit ? .warn : .ok)
        case let .failed(m):
            y += 1
            _ = s.failed(&f, Rect(x: r.x, y: y, width: r.width, height: r.maxY - y), m,
                         hint: "The next steps may fail the same way; check the credentials' permissions (route53:GetAccountLimit, route53:ListReusableDelegationSets).")
            return
        }
        y += 2
        if let offer = s.accountStep.resumeOffer {
            let zones = offer.zones.map(WizardState.bare).joined(separator: ", ")
            s.paragraph(&f, "\(Glyph.warning) An earlier apply did not finish for: \(zones) (home domain \(WizardState.bare(offer.homeDomain)), set \(offer.setId)).",
                        x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .warn)
            s.paragraph(&f, "y resumes it: the zones are planned again from what Route 53 holds now, and only what is left is shown and applied. n starts a new run (step 7 offers it again).",
                        x: r.x, y: &y, width: r.width, maxY: r.maxY)
            if !offer.others.isEmpty {
                s.paragraph(&f, "Also unfinished, from another run: \(offer.others.map(WizardState.bare).joined(separator: ", ")).", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
            }
            return
        }
        s.paragraph(&f, "This wizard fronts a reusable delegation set with your own name server hosts (ns1..ns4 of a domain you own), switches zones' NS and SOA to them, and hands you the glue to enter at the registrar. Every change is shown and confirmed first; old values are journaled.", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
    }
}

extension WizardStep {
    public static let account = WizardStep(AccountStep.self)
}

extension WizardState {
    /// This step's state (`accountStep`: `account` is who the wizard acts as).
    public var accountStep: AccountStep.State { get { stepStates[AccountStep.State.self] } set { stepStates[AccountStep.State.self] = newValue } }
}
