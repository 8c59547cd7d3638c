import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 4, Review addresses: each vanity host beside the AWS name server it stands for, with that server's IPv4 and
/// IPv6 addresses as resolved now (the glue the registrar will hold).
/// Reads: `chosenSet` (the AWS names) and `hosts`.
/// Hands on: nothing the later steps read (the plan resolves the addresses again); `r` resolves them again here.
public enum ReviewStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var addresses: [NameServerAddresses] = []
        public var resolving = false
    }

    public enum Msg: WizardStepMsg {
        case address(NameServerAddresses)
        case addressesDone

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .address(row):
                if let i = s.review.addresses.firstIndex(where: { $0.awsName == row.awsName }) { s.review.addresses[i] = row } else { s.review.addresses.append(row) }
            case .addressesDone: s.review.resolving = false
            }
            return []
        }
    }

    static let title = "Review addresses"

    static func enter(_ s: inout WizardState) -> [WizardCommand] {
        let aws = s.delegationSet.chosenSet?.nameServers ?? [], hosts = s.vanityHosts.hosts
        s.review.addresses = zip(aws, hosts).map { NameServerAddresses(awsName: WizardState.bare($0.0), vanityHost: $0.1) }
        s.review.resolving = true
        return [.resolve(awsNames: aws.map(WizardState.bare), hosts: hosts)]
    }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        s.vanityHosts.editingHosts = true
        return s.goBack()
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        if a == .rerun { return s.go(.review) }
        return a == .choose ? s.goNext() : []
    }

    static func boxTitle(_ s: WizardState) -> String { "\(s.homeName) ─ set \(s.delegationSet.chosenSet?.id ?? "")" }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        WizardState.keys([B([.enter], "enter", "continue", .choose), B([.char("r")], "r", "resolve again", .rerun)])
    }

    static func animating(_ s: WizardState) -> Bool { s.review.resolving }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let addresses = s.review.addresses
        let cells = addresses.map { a in
            [a.vanityHost, a.awsName, a.ipv4.map { $0.isEmpty ? "none" : $0.joined(separator: " ") } ?? "\(s.spin) resolving",
             a.ipv6.map { $0.isEmpty ? "none" : $0.joined(separator: " ") } ?? "\(s.spin) resolving"]
        }
        let titles = ["vanity host", "AWS name server", "IPv4", "IPv6"]
        // Every column as wide as its content; when a row does not fit, the IPv6 column gives way first.
        let cols = titles.indices.map { i in Widgets.contentColumn(titles[i], cells.map { $0[i] }) }
        let gap = cols.reduce(6) { $0 + $1.width } <= r.width ? 2 : 1
        let fitted = Widgets.fitColumns(cols, total: r.width, gap: gap, shrinkFirst: [3, 2])
        Widgets.tableRow(&f, x: r.x, y: r.y, columns: fitted, cells: titles, roles: Array(repeating: .heading, count: 4), gap: gap)
        var y = r.y + 1
        for (a, row) in zip(addresses, cells) {
            let roles: [Role] = [.normal, .normal, a.ipv4 == nil ? .dim : (a.ipv4!.isEmpty ? .warn : .normal), a.ipv6 == nil ? .dim : (a.ipv6!.isEmpty ? .warn : .normal)]
            Widgets.tableRow(&f, x: r.x, y: y, columns: fitted, cells: row, roles: roles, gap: gap)
            y += 1
        }
        y += 1
        for a in addresses { for w in a.warnings { s.paragraph(&f, "! \(a.awsName): \(w)", x: r.x, y: &y, width: r.width, maxY: r.maxY - 2, role: .warn) } }
        y = max(y, r.maxY - 2)
        s.paragraph(&f, "! AWS promises these names, not these addresses: glue starts at TTL 60, and `vanityns check` can watch for changes from cron.", x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
    }
}

extension WizardStep {
    public static let review = WizardStep(ReviewStep.self)
}

extension WizardState {
    /// This step's state.
    public var review: ReviewStep.State { get { stepStates[ReviewStep.State.self] } set { stepStates[ReviewStep.State.self] = newValue } }
}
