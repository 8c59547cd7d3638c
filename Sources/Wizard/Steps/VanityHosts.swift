import Foundation
import Route53
import WhiteLabel
import Terminal

/// Step 3, Vanity hosts: the home domain (a public zone of the account, or a new one created in the set) and the
/// host names that stand for the set's name servers (ns1..ns4 of it by default), with the SOA contact; each edit
/// is checked after a pause (`debounce`, then `validate`).
/// Reads: `chosenSet` (how many hosts, the AWS names they stand for); the shared `allZones`.
/// Hands on: `homeDomain`, `homeIsNew`, `hosts` and `soaRName`, which make the request (`WizardState.request`).
public enum VanityHostsStep: WizardStepHandler {
    public struct State: WizardStepState {
        public var domainFilter = ""
        public var domainCursor = 0
        public var homeDomain: String?
        /// The home zone does not exist yet: it is created in the chosen set when its batch is applied.
        public var homeIsNew = false
        public var editingHosts = false
        public var hosts: [String] = []
        /// 0..<hosts.count: a host name; hosts.count: the SOA contact field.
        public var hostCursor = 0
        /// The zones' SOA contact mailbox (`hostmaster@example.com`); empty keeps Route 53's awsdns-hostmaster.amazon.com.
        public var soaRName = ""
        public var validationGeneration = 0
        public var validatedGeneration = -1
        public var problems: [InputProblem] = []
        /// Other sets' groups of vanity hosts (set ID -> hosts), read when the home domain is chosen.
        public var takenGroups: [String: [String]] = [:]
    }

    public enum Msg: WizardStepMsg {
        case debounceFired(Int)
        case validated(generation: Int, [InputProblem])
        /// The groups taken and the one to offer for the chosen set under `home`.
        case hostGroups(home: String, Result<HostGroupChoice, UIError>)

        public func update(_ s: inout WizardState) -> [WizardCommand] {
            switch self {
            case let .debounceFired(g):
                // While the run's listing of the account or of the set is on its way, validation waits for it (its
                // arrival validates then) rather than listing it itself.
                guard g == s.vanityHosts.validationGeneration else { return [] }
                return s.validationThatWaited()
            case let .validated(g, problems):
                if g == s.vanityHosts.validationGeneration { s.vanityHosts.problems = problems; s.vanityHosts.validatedGeneration = g }
                return []
            case let .hostGroups(home, r):
                guard home == s.vanityHosts.homeDomain, let choice = try? r.get() else { return [] }
                let mine = s.delegationSet.chosenSet?.id.map(ResourceID.bare)
                s.vanityHosts.takenGroups = choice.taken.filter { $0.key != mine }
                // Offer the set's own group, or the next free one, unless the names were edited meanwhile.
                if let suggested = choice.suggested, s.vanityHosts.hosts == VanityHostsStep.defaultHosts(s), suggested.count == s.vanityHosts.hosts.count,
                   suggested != s.vanityHosts.hosts {
                    s.vanityHosts.hosts = suggested
                    return VanityHostsStep.revalidate(&s)
                }
                return []
            }
        }
    }

    static let title = "Vanity hosts"

    static let cnameRule = "Each vanity host needs its own A and AAAA records in the home zone. It cannot be a CNAME (name servers must have real addresses), and a name that already has a CNAME cannot get them."

    static func enter(_ s: inout WizardState) -> [WizardCommand] { s.loadAllZones() }

    static func back(_ s: inout WizardState) -> [WizardCommand] {
        if s.vanityHosts.editingHosts { s.vanityHosts.editingHosts = false; return [] }
        return s.goBack()
    }

    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand] {
        if !s.vanityHosts.editingHosts {
            let list = s.filteredDomains
            switch a {
            case .up: s.vanityHosts.domainCursor = max(0, s.vanityHosts.domainCursor - 1)
            case .down: s.vanityHosts.domainCursor = min(max(0, s.domainItemsCount - 1), s.vanityHosts.domainCursor + 1)
            case .type: if let c = key.printable { s.vanityHosts.domainFilter.append(c); s.vanityHosts.domainCursor = 0 }
            case .erase: if !s.vanityHosts.domainFilter.isEmpty { s.vanityHosts.domainFilter.removeLast(); s.vanityHosts.domainCursor = 0 }
            case .choose:
                let name: String
                if s.vanityHosts.domainCursor < list.count {
                    name = list[s.vanityHosts.domainCursor].name; s.vanityHosts.homeIsNew = false
                } else if let new = s.newHomeCandidate {
                    name = new + "."; s.vanityHosts.homeIsNew = true
                } else { return [] }
                let count = s.delegationSet.chosenSet?.nameServers.count
                if s.vanityHosts.homeDomain != name || s.vanityHosts.hosts.count != (count ?? 4) {
                    s.vanityHosts.homeDomain = name
                    s.vanityHosts.hosts = defaultHosts(s)
                }
                s.vanityHosts.editingHosts = true; s.vanityHosts.hostCursor = 0
                return revalidate(&s) + s.hostGroupsCommands(homeDomain: name)
            default: break
            }
            return []
        }
        var h = s.vanityHosts
        defer { s.vanityHosts = h }
        switch a {
        case .up: h.hostCursor = max(0, h.hostCursor - 1)
        case .down: h.hostCursor = min(h.hosts.count, h.hostCursor + 1)
        case .type:
            guard let c = key.printable, c != " " else { return [] }
            if h.hostCursor < h.hosts.count { h.hosts[h.hostCursor].append(c) } else { h.soaRName.append(c) }
            return revalidate(&h)
        case .erase:
            if h.hostCursor < h.hosts.count { if !h.hosts[h.hostCursor].isEmpty { h.hosts[h.hostCursor].removeLast(); return revalidate(&h) } }
            else if !h.soaRName.isEmpty { h.soaRName.removeLast(); return revalidate(&h) }
        case .choose:
            if h.validatedGeneration != h.validationGeneration {
                s.notice = ("Still checking the host names…", .dim); return []
            }
            if !h.problems.isEmpty { s.notice = ("Fix the problems shown first.", .warn); return [] }
            s.vanityHosts = h
            return s.goNext()
        default: break
        }
        return []
    }

    /// ns1..nsN under the home domain, N the set's name servers.
    static func defaultHosts(_ s: WizardState) -> [String] {
        let home = s.homeName
        return (1...max(1, s.delegationSet.chosenSet?.nameServers.count ?? 4)).map { "ns\($0).\(home)" }
    }

    static func revalidate(_ s: inout WizardState) -> [WizardCommand] { revalidate(&s.vanityHosts) }
    static func revalidate(_ h: inout State) -> [WizardCommand] {
        h.validationGeneration += 1
        return [.debounce(generation: h.validationGeneration)]
    }

    static func boxTitle(_ s: WizardState) -> String {
        s.vanityHosts.editingHosts ? "Vanity hosts under \(s.homeName)" : "Home domain ─ the zone that holds the vanity hosts"
    }

    static func keymap(_ s: WizardState) -> Keymap<WizardAction> {
        if s.vanityHosts.editingHosts {
            return WizardState.typingKeys(WizardState.move("field", letters: false) + WizardState.typing("edit", enter: "continue"))
        }
        return WizardState.typingKeys(WizardState.move(letters: false) + WizardState.typing("filter", enter: "choose"))
    }

    static func animating(_ s: WizardState) -> Bool {
        s.allZones.isLoading || (s.vanityHosts.editingHosts && s.vanityHosts.validatedGeneration != s.vanityHosts.validationGeneration)
    }

    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect) {
        let h = s.vanityHosts
        if !h.editingHosts {
            Widgets.textInput(&f, x: r.x, y: r.y, width: r.width, label: "filter:", value: h.domainFilter, focused: !s.focusLog)
            switch s.allZones {
            case .idle, .loading: s.loading(&f, Rect(x: r.x, y: r.y + 2, width: r.width, height: 1), "listing hosted zones…")
            case let .failed(m): _ = s.failed(&f, Rect(x: r.x, y: r.y + 2, width: r.width, height: r.height - 2), m, hint: "esc goes back.")
            case .loaded:
                let list = s.filteredDomains
                var items = domainRows(list, width: r.width - 2), roles = Array(repeating: Role.normal, count: list.count)
                if let new = s.newHomeCandidate {
                    items.append("+ create \(new) in set \(s.delegationSet.chosenSet?.id ?? "")… (new home zone, created when applied)"); roles.append(.accent)
                }
                if items.isEmpty {
                    f.put(h.domainFilter.isEmpty ? "The account has no public hosted zones. Type the home domain to create it in the set." : "No zone matches “\(h.domainFilter)”.",
                          x: r.x, y: r.y + 2, width: r.width, role: .dim)
                    return
                }
                Widgets.list(&f, Rect(x: r.x, y: r.y + 2, width: r.width, height: r.height - 2),
                             items: items, selected: h.domainCursor, focused: !s.focusLog, roles: roles)
            }
            return
        }
        var y = r.y
        let aws = s.delegationSet.chosenSet?.nameServers.map(WizardState.bare) ?? []
        f.put(TextWidth.pad("stands for", to: 26) + "  vanity host", x: r.x + 2, y: y, role: .heading); y += 1
        for (i, hname) in h.hosts.enumerated() {
            f.put(TextWidth.pad(i < aws.count ? aws[i] : "", to: 26), x: r.x + 2, y: y, role: .dim)
            let bad = h.problems.contains { $0.subject.lowercased() == hname.lowercased() }
            if i == h.hostCursor && !s.focusLog { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
            Widgets.textInput(&f, x: r.x + 30, y: y, width: r.width - 30, label: "", value: hname, focused: i == h.hostCursor && !s.focusLog, role: bad ? .error : .normal)
            y += 1
        }
        // The SOA contact: without it Route 53's awsdns-hostmaster.amazon.com stays in every zone's SOA.
        let onContact = h.hostCursor == h.hosts.count && !s.focusLog
        f.put(TextWidth.pad("SOA contact (RNAME)", to: 26), x: r.x + 2, y: y, role: .dim)
        if onContact { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
        if h.soaRName.isEmpty && !onContact {
            f.put("keep awsdns-hostmaster.amazon.com", x: r.x + 30, y: y, width: r.width - 30, role: .dim)
        } else {
            let bad = h.problems.contains { $0.subject.hasPrefix("--soa-rname") }
            Widgets.textInput(&f, x: r.x + 30, y: y, width: r.width - 30, label: "", value: h.soaRName, focused: onContact, role: bad ? .error : .normal)
        }
        y += 2
        if h.validatedGeneration != h.validationGeneration { f.put("\(s.spin) checking…", x: r.x, y: y, role: .dim); y += 1 }
        else if h.problems.isEmpty { f.put("\(Glyph.check) the host names can be used", x: r.x, y: y, role: .ok); y += 1 }
        else {
            for p in h.problems { s.paragraph(&f, "\(Glyph.cross) \(p.description)", x: r.x, y: &y, width: r.width, maxY: r.maxY - 3, role: .error) }
        }
        if !h.takenGroups.isEmpty {
            let taken = h.takenGroups.sorted { $0.key < $1.key }.map { "\(HostGroups.label($0.value)) (set \($0.key))" }
            s.paragraph(&f, "Taken by other sets: " + taken.joined(separator: ", "), x: r.x, y: &y, width: r.width, maxY: r.maxY - 2, role: .dim)
        }
        y += 1
        s.paragraph(&f, cnameRule, x: r.x, y: &y, width: r.width, maxY: r.maxY, role: .dim)
    }

    /// The zone rows: name, ID and record count in columns as wide as their content; only the name gives way
    /// when a row does not fit.
    static func domainRows(_ zones: [HostedZone], width: Int) -> [String] {
        let names = zones.map { WizardState.bare($0.name) }, counts = zones.map { $0.resourceRecordSetCount.map { "\($0) records" } ?? "" }
        let idW = zones.map { TextWidth.of($0.id) }.max() ?? 0, countW = counts.map { TextWidth.of($0) }.max() ?? 0
        let nameW = max(8, min(names.map { TextWidth.of($0) }.max() ?? 0, width - idW - countW - 4))
        return zones.indices.map { i in
            TextWidth.pad(names[i], to: nameW) + "  " + TextWidth.pad(zones[i].id, to: idW) + "  " + TextWidth.pad(counts[i], to: countW, right: true)
        }
    }
}

extension WizardState {
    /// Zones of the account (home domain candidates), filtered by what was typed.
    public var filteredDomains: [HostedZone] {
        let all = (allZones.value ?? []).filter { $0.config?.privateZone != true }
        let filter = vanityHosts.domainFilter
        guard !filter.isEmpty else { return all }
        return all.filter { $0.name.lowercased().contains(filter.lowercased()) }
    }

    /// The typed filter as a home domain to create in the chosen set, when it looks like a domain (two labels or
    /// more) and names no public zone of the account (a private zone may share the name).
    public var newHomeCandidate: String? {
        guard let zones = allZones.value, delegationSet.chosenSet != nil else { return nil }
        let t = Self.bare(vanityHosts.domainFilter.trimmingCharacters(in: .whitespaces))
        guard t.split(separator: ".", omittingEmptySubsequences: false).count >= 2, !t.contains(" "), !t.contains(".."),
              !t.hasPrefix("."), !zones.contains(where: { $0.config?.privateZone != true && Self.bare($0.name) == t }) else { return nil }
        return t
    }

    /// Rows of the home domain list: the matching zones, then the "create" row when there is one.
    var domainItemsCount: Int { filteredDomains.count + (newHomeCandidate == nil ? 0 : 1) }
}

extension WizardStep {
    public static let vanityHosts = WizardStep(VanityHostsStep.self)
}

extension WizardState {
    /// This step's state.
    public var vanityHosts: VanityHostsStep.State { get { stepStates[VanityHostsStep.State.self] } set { stepStates[VanityHostsStep.State.self] = newValue } }
}
