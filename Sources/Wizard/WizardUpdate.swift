import Foundation
import Route53
import WhiteLabel
import Terminal

extension WizardState {
    /// Rows of the log pane's inside at the current size.
    var logRows: Int { (size.height >= 40 ? 10 : 6) - 2 }
    var tooSmall: Bool { size.width < Self.minimum.width || size.height < Self.minimum.height }

    /// Applies one message; returns the commands to run. Pure: no I/O, no clock.
    public mutating func update(_ msg: WizardMsg) -> [WizardCommand] {
        switch msg {
        case let .key(k): return handleKey(k)
        case let .resize(s): size = s; return []
        case .tick: tick &+= 1; return []
        case let .signal(sig): exitCode = 128 + sig; return []
        case let .log(e): log.append(LogEntry(event: e)); return []
        case let .mfaRequested(serial): mfaPrompt = MFAPromptState(serial: serial); return []
        case let .accountLimit(r): setsLimit = Loadable(r); return []
        case let .setsLoaded(r):
            sets = Loadable(r)
            setCursor = min(setCursor, max(0, setItemsCount - 1))
            return (sets.value ?? []).compactMap(\.id).map { .loadSetLimit(id: $0) }
        case let .setLimit(id, r):
            if case let .success(u) = r { setUsage[id] = u }
            return []
        case let .setCreated(r):
            creatingSet = false
            switch r {
            case let .success(set):
                var all = sets.value ?? []
                if !all.contains(where: { $0.id == set.id }) { all.append(set) }
                sets = .loaded(all)
                setCursor = all.firstIndex(where: { $0.id == set.id }) ?? 0
                notice = ("Created delegation set \(set.id ?? ""). Press enter to use it.", .ok)
                return set.id.map { [.loadSetLimit(id: $0)] } ?? []
            case let .failure(e):
                notice = ("Could not create the set: \(e.message)", .error)
                return []
            }
        case let .allZonesLoaded(r): allZones = Loadable(r); return []
        case let .setZonesLoaded(r): setZones = Loadable(r); return []
        case let .setZonesProgress(done, total): setZonesChecked = (done, total); return []
        case let .resumeFound(info):
            if step == .account && resuming == nil { resumeOffer = info }
            return []
        case let .debounceFired(g):
            return g == validationGeneration && editingHosts ? [.validate(request, generation: g)] : []
        case let .validated(g, problems):
            if g == validationGeneration { self.problems = problems; validatedGeneration = g }
            return []
        case let .address(row):
            if let i = addresses.firstIndex(where: { $0.awsName == row.awsName }) { addresses[i] = row } else { addresses.append(row) }
            return []
        case .addressesDone: resolving = false; return []
        case let .planned(r):
            plan = Loadable(r)
            decisions = [:]; planIndex = 0
            skipEmptyZones()
            // Resuming a run whose zones are already as planned: straight on to close their journals.
            if resuming != nil && plan.value != nil && planIndex >= planZones.count { return go(.apply) }
            return []
        case let .unfinished(zones):
            unfinished = zones
            if resuming != nil { resumeAnswered = true; return startApply(resume: true) }
            if zones.isEmpty { resumeAnswered = true; return startApply(resume: false) }
            return []
        case let .applyEvent(zone, e):
            updateProgress(zone) { p in
                switch e {
                case let .journalSaved(path): p.journal = path; p.status = "old values saved"
                case let .zoneCreated(_, id): p.status = "zone created (\(id))"
                case let .submitted(_, id): p.changeId = id; p.status = "submitted"
                case let .waiting(_, id, status, elapsed): p.changeId = id; p.status = "waiting for INSYNC (\(status.rawValue))"; p.elapsed = elapsed
                case let .inSync(_, id): p.changeId = id; p.status = "in sync"; p.done = true
                case .alreadyDone: p.status = "already done"; p.done = true
                }
            }
            return []
        case let .applyFinished(zone, r):
            applying = nil
            switch r {
            case .success:
                updateProgress(zone) { p in p.done = true; if p.status != "already done" { p.status = "in sync" } }
                applyQueue.removeAll { $0 == zone }
                return nextApply()
            case let .failure(e):
                updateProgress(zone) { $0.error = e.message; $0.status = "failed" }
                return []
            }
        case let .registrarLooked(r):
            registrarCurrent = Loadable(r)
            if case .success(nil) = r, let p = plan.value { return [.registrarRows(p)] }
            if case .failure = r, let p = plan.value { return [.registrarRows(p)] }
            return []
        case let .registrarRows(rows):
            registrarTable = rows
            afterExit = registrarText
            return []
        case let .registrarApplied(r):
            registrarApplied = Loadable(r)
            if case .success = r { notice = ("Route 53 Domains accepted the new name servers and glue.", .ok) }
            return []
        case let .registrarFileWritten(r):
            switch r {
            case let .success(path): registrarFile = path; notice = ("Table written to \(path)", .ok)
            case let .failure(e): notice = (e.message, .error)
            }
            return []
        case let .verified(r): verify = Loadable(r); verifyOffset = 0; return []
        case let .logSaved(r):
            switch r {
            case let .success(path): notice = ("Log saved to \(path) (mode 0600)", .ok)
            case let .failure(e): notice = ("Could not save the log: \(e.message)", .error)
            }
            return []        case let .copied(r):
            switch r {
            case let .success(o): notice = o.notice
            case let .failure(e): notice = ("Could not copy: \(e.message)", .error)
            }
            return []
        }
    }

    // MARK: keys

    mutating func handleKey(_ k: Key) -> [WizardCommand] {
        if k == .ctrl("c") { exitCode = 130; return [] }
        if tooSmall { if k == .char("q") { exitCode = 0 }; return [] }
        if mfaPrompt != nil { return mfaKey(k) }
        if showHelp { showHelp = false; return [] }
        if let c = confirm {
            switch k {
            case .char("y"), .char("Y"), .enter: confirm = nil; return perform(c.action)
            case .char("n"), .char("N"), .escape: confirm = nil; return []
            default: return []
            }
        }
        guard let action = keymap.action(for: k) else { return [] }
        if action != .saveLog { notice = nil }
        return act(action, key: k)
    }

    mutating func act(_ a: WizardAction, key: Key) -> [WizardCommand] {
        switch a {
        case .help: showHelp = true; return []
        case .toggleLog: focusLog.toggle(); return []
        case .quit:
            if hasUnfinishedWork {
                confirm = Confirmation(question: applying != nil
                    ? "An apply is running. Quit anyway? The journal keeps the old values; the next run offers to resume."
                    : "Quit the wizard? Zones already applied stay applied; nothing else has been changed.", action: .quit)
            } else { exitCode = 0 }
            return []
        default: break
        }
        if focusLog {
            switch a {
            case .up: log.scroll(by: 1, visible: logRows)
            case .down: log.scroll(by: -1, visible: logRows)
            case .pageUp: log.scroll(by: logRows, visible: logRows)
            case .pageDown: log.scroll(by: -logRows, visible: logRows)
            case .bottom: log.toBottom()
            case .top: log.scroll(by: log.entries.count, visible: logRows)
            case .saveLog: return [.writeFile(text: log.fileText, prefix: "vanityns-log", purpose: .log)]
            default: break
            }
            return []
        }
        if a == .back { return back() }
        switch step {
        case .account:
            if a == .resume, let r = resumeOffer { return startResume(r) }
            if a == .no { resumeOffer = nil; return [] }
            return a == .choose ? go(.delegationSet) : []
        case .delegationSet: return delegationSetAction(a)
        case .vanityHosts: return hostsAction(a, key: key)
        case .review:
            if a == .rerun { return go(.review) }
            return a == .choose ? go(.zones) : []
        case .zones: return zonesAction(a, key: key)
        case .plan: return planAction(a)
        case .apply: return applyAction(a)
        case .registrar: return registrarAction(a)
        case .verify:
            switch a {
            case .copy:
                guard let report = verify.value else { return [] }
                return [.copy(text: ReportRenderer.verifyTable(report) + "\n\n" + cronLine + "\n", what: "the verify table and the cron line",
                              prefix: "verify-\(homeName)")]
            case .rerun: return go(.verify)
            case .up: verifyOffset = max(0, verifyOffset - 1)
            case .down: verifyOffset = min(verifyOffset + 1, verifyMaxOffset)
            case .finish: exitCode = 0
            default: break
            }
            return []
        }
    }

    /// Moves to `s` and starts what it needs.
    mutating func go(_ s: WizardStep) -> [WizardCommand] {
        step = s
        switch s {
        case .account: return setsLimit.value == nil && credentialProblem == nil ? [.loadAccountLimit] : []
        case .delegationSet:
            if sets.value == nil { sets = .loading; return [.loadSets] }
            return []
        case .vanityHosts:
            if allZones.value == nil { allZones = .loading; return [.loadAllZones] }
            return []
        case .review:
            let aws = chosenSet?.nameServers ?? []
            addresses = zip(aws, hosts).map { NameServerAddresses(awsName: Self.bare($0.0), vanityHost: $0.1) }
            resolving = true
            return [.resolve(awsNames: aws.map(Self.bare), hosts: hosts)]
        case .zones:
            zonesCursor = 0
            setZones = .loading; setZonesChecked = (0, 0)
            return [.loadSetZones(setId: chosenSet?.id ?? "")]
        case .plan:
            plan = .loading; showDetail = false
            return [.plan(request)]
        case .apply:
            unfinished = nil; resumeAnswered = false; applyStarted = false; progress = []
            return [.checkUnfinished]
        case .registrar:
            guard let p = plan.value else { return [] }
            if registrarAvailable { registrarCurrent = .loading; return [.registrarLookup(p)] }
            registrarCurrent = .loaded(nil)
            return [.registrarRows(p)]
        case .verify:
            verify = .loading
            return [.verify(homeDomain: homeName, zones: (plan.value?.zones ?? []).map { Self.bare($0.zoneName) }, hosts: hosts)]
        }
    }

    mutating func back() -> [WizardCommand] {
        switch step {
        case .account: return []
        case .delegationSet:
            if pickingSourceZone { pickingSourceZone = false; return [] }
            step = .account
        case .vanityHosts:
            if editingHosts { editingHosts = false; return [] }
            step = .delegationSet
        case .review: step = .vanityHosts; editingHosts = true
        case .zones: step = .review
        case .plan:
            if showRecord { showRecord = false; return [] }
            if showDetail { showDetail = false; return [] }
            if let r = resuming {
                // The resumed run skipped steps 2-5: back to the offer.
                resuming = nil; resumeOffer = r; chosenSet = nil; homeDomain = nil; hosts = []; plan = .idle
                step = .account
                return []
            }
            step = .zones
        case .apply:
            if applying != nil || progress.contains(where: \.done) {
                notice = ("Zones were applied: going back is not possible. Press enter to continue.", .warn); return []
            }
            step = .plan; planIndex = 0; decisions = [:]; skipEmptyZones()
        case .registrar: step = .apply
        case .verify: step = .registrar
        }
        return []
    }

    // MARK: step 2

    /// Sets, then the two create rows.
    var setItemsCount: Int { (sets.value?.count ?? 0) + 2 }

    mutating func delegationSetAction(_ a: WizardAction) -> [WizardCommand] {
        if pickingSourceZone {
            let zones = allZones.value ?? []
            switch a {
            case .up: sourceZoneCursor = max(0, sourceZoneCursor - 1)
            case .down: sourceZoneCursor = min(max(0, zones.count - 1), sourceZoneCursor + 1)
            case .choose:
                guard sourceZoneCursor < zones.count else { return [] }
                let z = zones[sourceZoneCursor]
                confirm = Confirmation(question: "Create a reusable delegation set with the name servers of \(Self.bare(z.name)) (\(z.id))? The zone itself is not changed.",
                                       action: .createSetFromZone(id: z.id, name: z.name))
            default: break
            }
            return []
        }
        let n = sets.value?.count ?? 0
        switch a {
        case .up: setCursor = max(0, setCursor - 1)
        case .down: setCursor = min(setItemsCount - 1, setCursor + 1)
        case .rerun: sets = .loading; return [.loadSets]
        case .choose:
            if sets.value == nil { return [] }
            if setCursor < n {
                let set = sets.value![setCursor]
                if chosenSet?.id != set.id { hosts = []; homeDomain = nil; editingHosts = false }
                chosenSet = set
                return go(.vanityHosts)
            } else if setCursor == n {
                confirm = Confirmation(question: "Create a new reusable delegation set? Route 53 assigns four name servers; it costs nothing until zones use it.", action: .createSet)
            } else {
                pickingSourceZone = true; sourceZoneCursor = 0
                if allZones.value == nil { allZones = .loading; return [.loadAllZones] }
            }
        default: break
        }
        return []
    }

    /// Plans the unfinished zones of an earlier run again (steps 2-5 come from its journal).
    mutating func startResume(_ r: ResumeInfo) -> [WizardCommand] {
        resuming = r; resumeOffer = nil
        homeDomain = r.homeDomain; homeIsNew = false
        hosts = r.hosts ?? (1...4).map { "ns\($0).\(Self.bare(r.homeDomain))" }
        chosenSet = DelegationSet(id: r.setId, callerReference: nil, nameServers: [])
        return go(.plan)
    }

    mutating func perform(_ p: PendingAction) -> [WizardCommand] {
        switch p {
        case .quit: exitCode = 0; return []
        case .createSet:
            creatingSet = true
            return [.createSet(callerReference: "vanityns-\(runId)", fromZoneId: nil)]
        case let .createSetFromZone(id, _):
            creatingSet = true; pickingSourceZone = false
            return [.createSet(callerReference: "vanityns-\(runId)-\(id)", fromZoneId: id)]
        case .registrarApply:
            guard let current = registrarCurrent.value, current != nil, let p = plan.value else { return [] }
            registrarApplied = .loading
            let ns = registrarTable.isEmpty ? [] : registrarTable.map { DomainNameserver(name: $0.host, glueIps: [$0.ipv4, $0.ipv6].compactMap { $0 }) }
            return [.registrarApply(domain: Self.bare(p.homeDomain), ns)]
        }
    }

    // MARK: step 3

    mutating func hostsAction(_ a: WizardAction, key: Key) -> [WizardCommand] {
        if !editingHosts {
            let list = filteredDomains
            switch a {
            case .up: domainCursor = max(0, domainCursor - 1)
            case .down: domainCursor = min(max(0, domainItemsCount - 1), domainCursor + 1)
            case .type: if let c = key.printable { domainFilter.append(c); domainCursor = 0 }
            case .erase: if !domainFilter.isEmpty { domainFilter.removeLast(); domainCursor = 0 }
            case .choose:
                let name: String
                if domainCursor < list.count {
                    name = list[domainCursor].name; homeIsNew = false
                } else if let new = newHomeCandidate {
                    name = new + "."; homeIsNew = true
                } else { return [] }
                if homeDomain != name || hosts.count != (chosenSet?.nameServers.count ?? 4) {
                    homeDomain = name
                    hosts = (1...max(1, chosenSet?.nameServers.count ?? 4)).map { "ns\($0).\(homeName)" }
                }
                editingHosts = true; hostCursor = 0
                return revalidate()
            default: break
            }
            return []
        }
        switch a {
        case .up: hostCursor = max(0, hostCursor - 1)
        case .down: hostCursor = min(hosts.count, hostCursor + 1)
        case .type:
            guard let c = key.printable, c != " " else { return [] }
            if hostCursor < hosts.count { hosts[hostCursor].append(c) } else { soaRName.append(c) }
            return revalidate()
        case .erase:
            if hostCursor < hosts.count { if !hosts[hostCursor].isEmpty { hosts[hostCursor].removeLast(); return revalidate() } }
            else if !soaRName.isEmpty { soaRName.removeLast(); return revalidate() }
        case .choose:
            if validatedGeneration != validationGeneration {
                notice = ("Still checking the host names…", .dim); return []
            }
            if !problems.isEmpty { notice = ("Fix the problems shown first.", .warn); return [] }
            return go(.review)
        default: break
        }
        return []
    }

    mutating func revalidate() -> [WizardCommand] {
        validationGeneration += 1
        return [.debounce(generation: validationGeneration)]
    }

    // MARK: step 5

    mutating func zonesAction(_ a: WizardAction, key: Key) -> [WizardCommand] {
        let choices = setZoneChoices
        switch a {
        case .up: zonesCursor = max(0, zonesCursor - 1)
        case .down: zonesCursor = min(choices.count, zonesCursor + 1)
        case .toggle:
            if zonesCursor < choices.count {
                let id = choices[zonesCursor].id
                if checkedZones.contains(id) { checkedZones.remove(id) } else { checkedZones.insert(id) }
            }
        case .type: if let c = key.printable, c != " " { newZoneInput.append(c) }
        case .erase: if !newZoneInput.isEmpty { newZoneInput.removeLast() }
        case .choose:
            if zonesCursor == choices.count && !newZoneInput.isEmpty {
                let z = Self.bare(newZoneInput)
                if !newZones.contains(z) { newZones.append(z) }
                newZoneInput = ""
                return []
            }
            if setZones.value == nil && setZones.error == nil { return [] }
            return go(.plan)
        default: break
        }
        return []
    }

    // MARK: step 6

    /// Answers "skip" for zones with nothing to change (and, when resuming, for zones that run left finished).
    mutating func skipEmptyZones() {
        func settled(_ z: ZonePlan) -> Bool { z.isEmpty || resuming.map { !$0.zones.contains(z.zoneName) } == true }
        while planIndex < planZones.count && settled(planZones[planIndex]) {
            decisions[planZones[planIndex].zoneName] = .skip; planIndex += 1
        }
    }

    mutating func planAction(_ a: WizardAction) -> [WizardCommand] {
        if showRecord {
            switch a {
            case .up: recordOffset = max(0, recordOffset - 1)
            case .down: recordOffset = min(recordOffset + 1, recordMaxOffset)
            case .openRecord: showRecord = false
            case .copy:
                guard let c = selectedChange else { return [] }
                return [.copy(text: recordDetail(c.after).text, what: "record set \(c.after.name) \(c.after.type)", prefix: "record")]
            default: break
            }
            return []
        }
        if showDetail {
            switch a {
            case .up: detailOffset = max(0, detailOffset - 1)
            case .down: detailOffset = min(detailOffset + 1, detailMaxOffset)
            case .detail: showDetail = false
            default: break
            }
            return []
        }
        switch a {
        case .rerun: return go(.plan)
        case .choose: return plan.value != nil && planIndex >= planZones.count ? go(.apply) : []
        case .detail: showDetail = true; detailOffset = 0; return []
        case .up: planRecord = max(0, planRecord - 1)
        case .down: planRecord = min(max(0, (selectedZone?.changes.count ?? 0) - 1), planRecord + 1)
        case .openRecord: if selectedChange != nil { showRecord = true; recordOffset = 0 }
        case .yes, .skip:
            guard planIndex < planZones.count else { return [] }
            decisions[planZones[planIndex].zoneName] = a == .yes ? .apply : .skip
            planIndex += 1; planRecord = 0
            skipEmptyZones()
            if planIndex >= planZones.count { return go(.apply) }
        default: break
        }
        return []
    }

    // MARK: step 7

    mutating func applyAction(_ a: WizardAction) -> [WizardCommand] {
        switch a {
        case .resume: resumeAnswered = true; return startApply(resume: true)
        case .no: resumeAnswered = true; return startApply(resume: false)
        case .retry:
            guard let failed = progress.first(where: { $0.error != nil }) else { return [] }
            updateProgress(failed.zone) { $0.error = nil; $0.status = "retrying" }
            return nextApply()
        case .skip:
            guard let failed = progress.first(where: { $0.error != nil }) else { return [] }
            updateProgress(failed.zone) { $0.error = nil; $0.status = "skipped after an error" }
            applyQueue.removeAll { $0 == failed.zone }
            return nextApply()
        case .choose: return go(.registrar)
        default: return []
        }
    }

    mutating func startApply(resume: Bool) -> [WizardCommand] {
        applyStarted = true
        let pending = resume ? Set((unfinished ?? []).map(Self.bare)) : []
        let queue = planZones.filter { z in
            if decisions[z.zoneName] == .apply { return true }
            guard pending.contains(Self.bare(z.zoneName)) else { return false }
            // A pending zone with nothing left is applied all the same, so the engine closes its journal. One with
            // changes left follows its answer in the plan, unless the step 7 question ("resume?") was answered yes.
            return z.isEmpty || resuming == nil
        }.map(\.zoneName)
        applyQueue = queue
        progress = queue.map { ApplyProgress(zone: $0) }
        if queue.isEmpty {
            notice = planZones.allSatisfy(\.isEmpty) ? ("Nothing to change: every zone already uses the vanity hosts.", .ok)
                                                     : ("No zone was confirmed, so nothing was changed.", .warn)
        }
        return nextApply()
    }

    mutating func nextApply() -> [WizardCommand] {
        guard applying == nil, let next = applyQueue.first, let p = plan.value,
              let zone = p.zones.first(where: { $0.zoneName == next }) else { return [] }
        applying = next
        updateProgress(next) { $0.status = "starting" }
        return [.apply(zone, p)]
    }

    mutating func updateProgress(_ zone: String, _ f: (inout ApplyProgress) -> Void) {
        if let i = progress.firstIndex(where: { $0.zone == zone }) { f(&progress[i]) }
        else { var p = ApplyProgress(zone: zone); f(&p); progress.append(p) }
    }

    // MARK: step 8

    mutating func registrarAction(_ a: WizardAction) -> [WizardCommand] {
        switch a {
        case .registrarApply:
            guard let p = plan.value else { return [] }
            confirm = Confirmation(question: "Set the name servers of \(Self.bare(p.homeDomain)) at Route 53 Domains to the vanity hosts with their glue addresses? The registry takes a few minutes.", action: .registrarApply)
            if registrarTable.isEmpty { return [.registrarRows(p)] }
        case .copy:
            guard !registrarTable.isEmpty else { return [] }
            return [.copy(text: ReportRenderer.registrarTable(registrarTable) + "\n", what: "the registrar table", prefix: "registrar-\(homeName)")]
        case .writeFile:
            return [.writeFile(text: registrarText.joined(separator: "\n") + "\n", prefix: "registrar-\(homeName)", purpose: .registrar)]
        case .choose: return go(.verify)
        default: break
        }
        return []
    }

    /// The registrar hand-off table as plain text (the same table `c` copies and the CLI prints).
    public var registrarText: [String] {
        guard !registrarTable.isEmpty else { return [] }
        return ["Enter these name servers and glue (host) records at the registrar of \(homeName):"]
            + ReportRenderer.registrarTable(registrarTable).split(separator: "\n").map(String.init)
    }
}
