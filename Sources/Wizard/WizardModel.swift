import Foundation
import Route53
import Resolver
import WhiteLabel
import Terminal

/// The nine steps, in order.
public enum WizardStep: Int, CaseIterable, Sendable, Equatable {
    case account = 1, delegationSet, vanityHosts, review, zones, plan, apply, registrar, verify
    public var title: String {
        switch self {
        case .account: return "Account"
        case .delegationSet: return "Delegation set"
        case .vanityHosts: return "Vanity hosts"
        case .review: return "Review addresses"
        case .zones: return "Zones"
        case .plan: return "Plan"
        case .apply: return "Apply"
        case .registrar: return "Registrar"
        case .verify: return "Verify"
        }
    }
}

/// What a confirmation does when answered yes.
public enum PendingAction: Sendable, Equatable {
    case quit, createSet, createSetFromZone(id: String, name: String), registrarApply
}

/// A yes/no question over the current step.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var action: PendingAction
}

/// The user's answer for one zone's batch.
public enum ZoneDecision: Sendable, Equatable { case apply, skip }

/// Progress of one zone's apply, as the apply step shows it.
public struct ApplyProgress: Sendable, Equatable {
    public var zone: String
    public var journal: String?
    public var changeId: String?
    public var status = "waiting to start"
    public var elapsed: Double?
    public var done = false
    public var error: String?
}

/// Messages: keys, ticks, log events and the results of commands.
public enum WizardMsg: Sendable {
    case key(Key)
    case resize(Size)
    case tick
    case signal(Int32)
    case log(RequestEvent)
    case accountLimit(Result<LimitUsage, UIError>)
    case setsLoaded(Result<[DelegationSet], UIError>)
    case setLimit(id: String, Result<LimitUsage, UIError>)
    case setCreated(Result<DelegationSet, UIError>)
    case allZonesLoaded(Result<[HostedZone], UIError>)
    case setZonesLoaded(Result<[HostedZone], UIError>)
    /// The set's zones listed so far on step 5 (one filtered listing).
    case setZonesProgress(done: Int, total: Int)
    /// The unfinished apply found at start (nil: none).
    case resumeFound(ResumeInfo?)
    case debounceFired(Int)
    case validated(generation: Int, [InputProblem])
    case address(NameServerAddresses)
    case addressesDone
    case planned(Result<WhiteLabelPlan, UIError>)
    case unfinished([String])
    case applyEvent(zone: String, ApplyEvent)
    case applyFinished(zone: String, Result<Bool, UIError>)
    case registrarLooked(Result<[DomainNameserver]?, UIError>)
    case registrarRows([GlueRow])
    case registrarApplied(Result<Bool, UIError>)
    case registrarFileWritten(Result<String, UIError>)
    case verified(Result<VerifyReport, UIError>)
    case logSaved(Result<String, UIError>)
    case copied(Result<CopyOutcome, UIError>)
    /// A credential refresh needs the code of this MFA device: the prompt opens.
    case mfaRequested(serial: String)
}

/// Effects the runner performs; each sends result messages back.
public enum WizardCommand: Sendable, Equatable {
    /// Routes MFA questions to this screen (`MFABridge`) while it runs.
    case listenForMFA
    /// The code typed into the MFA prompt (nil: cancelled).
    case answerMFA(code: String?, serial: String)
    case loadAccountLimit
    case loadSets
    case loadSetLimit(id: String)
    case createSet(callerReference: String, fromZoneId: String?)
    case loadAllZones
    /// The zones of a set, each confirmed with GetHostedZone (ListHostedZones' filter is not trusted: the moto
    /// stand-in ignores it).
    case loadSetZones(setId: String)
    /// Reads the journal for an unfinished apply to offer at start.
    case findResume
    case debounce(generation: Int)
    case validate(VanityRequest, generation: Int)
    case resolve(awsNames: [String], hosts: [String])
    case plan(VanityRequest)
    case checkUnfinished
    case apply(ZonePlan, WhiteLabelPlan)
    case registrarLookup(WhiteLabelPlan)
    case registrarRows(WhiteLabelPlan)
    case registrarApply(domain: String, [DomainNameserver])
    case writeFile(text: String, prefix: String, purpose: FilePurpose)
    case verify(homeDomain: String, zones: [String], hosts: [String])
    /// Copies `text` to the user's clipboard (OSC 52), or to a 0600 file named from `prefix` when the terminal cannot.
    case copy(text: String, what: String, prefix: String)
}

/// Why a file is written (which message reports it).
public enum FilePurpose: Sendable, Equatable { case log, registrar }

/// The whole wizard as a value: `update` turns messages into new state and commands, `view` draws it.
public struct WizardState: Sendable {
    public var step: WizardStep = .account
    public var size: Size
    public var account: AccountInfo
    public var credentialProblem: String?
    public var resolver: ResolverTarget
    public var registrarAvailable: Bool
    public var focusLog = false
    public var log = LogPane()
    public var tick = 0
    public var showHelp = false
    public var confirm: Confirmation?
    public var notice: (text: String, role: Role)?
    /// Set when the wizard ends.
    public var exitCode: Int32?
    /// Printed to stdout after the terminal is restored (the registrar table).
    public var afterExit: [String] = []
    /// Makes caller references unique per run.
    public var runId: String

    // 1 Account
    public var setsLimit: Loadable<LimitUsage> = .idle
    /// An unfinished apply from an earlier run, offered on step 1.
    public var resumeOffer: ResumeInfo?
    /// Planning and applying that earlier run's zones (steps 6 and 7 with the journal's request).
    public var resuming: ResumeInfo?
    // 2 Delegation set
    public var sets: Loadable<[DelegationSet]> = .idle
    public var setUsage: [String: LimitUsage] = [:]
    public var setCursor = 0
    public var pickingSourceZone = false
    public var sourceZoneCursor = 0
    public var creatingSet = false
    public var chosenSet: DelegationSet?
    // 3 Vanity hosts
    public var allZones: Loadable<[HostedZone]> = .idle
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
    /// The MFA prompt, while a credential refresh waits for a code.
    public var mfaPrompt: MFAPromptState?
    public var validationGeneration = 0
    public var validatedGeneration = -1
    public var problems: [InputProblem] = []
    // 4 Review
    public var addresses: [NameServerAddresses] = []
    public var resolving = false
    // 5 Zones
    public var setZones: Loadable<[HostedZone]> = .idle
    /// GetHostedZone answers so far / zones to check, while `setZones` loads.
    public var setZonesChecked = (done: 0, total: 0)
    public var checkedZones: Set<String> = []
    public var newZones: [String] = []
    public var newZoneInput = ""
    public var zonesCursor = 0
    // 6 Plan
    public var plan: Loadable<WhiteLabelPlan> = .idle
    public var planIndex = 0
    public var decisions: [String: ZoneDecision] = [:]
    public var showDetail = false
    public var detailOffset = 0
    /// The change of the zone's batch under the cursor, and whether it is shown whole (the record detail view).
    public var planRecord = 0
    public var showRecord = false
    public var recordOffset = 0
    // 7 Apply
    public var unfinished: [String]? = nil
    public var resumeAnswered = false
    public var applyQueue: [String] = []
    public var progress: [ApplyProgress] = []
    public var applying: String?
    public var applyStarted = false
    // 8 Registrar
    public var registrarCurrent: Loadable<[DomainNameserver]?> = .idle
    public var registrarTable: [GlueRow] = []
    public var registrarApplied: Loadable<Bool> = .idle
    public var registrarFile: String?
    // 9 Verify
    public var verify: Loadable<VerifyReport> = .idle
    public var verifyOffset = 0

    /// The minimum screen.
    public static let minimum = Size(width: 80, height: 24)

    public init(size: Size, account: AccountInfo, credentialProblem: String? = nil, resolver: ResolverTarget = .system,
                registrarAvailable: Bool = false, runId: String = String(UUID().uuidString.prefix(8))) {
        self.size = size; self.account = account; self.credentialProblem = credentialProblem; self.resolver = resolver
        self.registrarAvailable = registrarAvailable; self.runId = runId
    }

    /// Commands to run when the wizard starts.
    public var initialCommands: [WizardCommand] { credentialProblem == nil ? [.listenForMFA, .loadAccountLimit, .findResume] : [] }

    /// True while something on screen animates (a spinner), so the loop ticks; otherwise it sleeps.
    public var animating: Bool {
        switch step {
        case .account: return setsLimit.isLoading
        case .delegationSet: return sets.isLoading || creatingSet || (pickingSourceZone && allZones.isLoading)
        case .vanityHosts: return allZones.isLoading || (editingHosts && validatedGeneration != validationGeneration)
        case .review: return resolving
        case .zones: return setZones.isLoading
        case .plan: return plan.isLoading
        case .apply: return applying != nil || unfinished == nil
        case .registrar: return registrarCurrent.isLoading || registrarApplied.isLoading
        case .verify: return verify.isLoading
        }
    }

    /// Zones of the account (home domain candidates), filtered by what was typed.
    public var filteredDomains: [HostedZone] {
        let all = (allZones.value ?? []).filter { $0.config?.privateZone != true }
        guard !domainFilter.isEmpty else { return all }
        return all.filter { $0.name.lowercased().contains(domainFilter.lowercased()) }
    }

    /// The home zone's name without its trailing dot.
    public var homeName: String { (homeDomain ?? "").hasSuffix(".") ? String(homeDomain!.dropLast()) : (homeDomain ?? "") }

    /// The zones of the chosen set other than the home zone (checkbox rows of step 5).
    public var setZoneChoices: [HostedZone] {
        (setZones.value ?? []).filter { Self.bare($0.name) != homeName.lowercased() }
    }
    /// Public zones of the account outside the chosen set (they would need migrating).
    public var otherZones: [HostedZone] {
        let inSet = Set((setZones.value ?? []).map(\.id))
        return (allZones.value ?? []).filter {
            !inSet.contains($0.id) && $0.config?.privateZone != true && Self.bare($0.name) != homeName.lowercased()
        }
    }

    /// The typed filter of step 3 as a home domain to create in the chosen set, when it looks like a domain
    /// (two labels or more) and names no public zone of the account (a private zone may share the name).
    public var newHomeCandidate: String? {
        guard let zones = allZones.value, chosenSet != nil else { return nil }
        let t = Self.bare(domainFilter.trimmingCharacters(in: .whitespaces))
        guard t.split(separator: ".", omittingEmptySubsequences: false).count >= 2, !t.contains(" "), !t.contains(".."),
              !t.hasPrefix("."), !zones.contains(where: { $0.config?.privateZone != true && Self.bare($0.name) == t }) else { return nil }
        return t
    }

    /// Rows of the step 3 list: the matching zones, then the "create" row when there is one.
    var domainItemsCount: Int { filteredDomains.count + (newHomeCandidate == nil ? 0 : 1) }

    static func bare(_ name: String) -> String { (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased() }

    /// The request the steps so far describe.
    public var request: VanityRequest {
        if let r = resuming {
            return VanityRequest(setId: r.setId, homeDomain: Self.bare(r.homeDomain), hosts: r.hosts, extraZones: r.extraZones,
                                 createZones: r.createZones, resolver: resolver)
        }
        let extra = setZoneChoices.filter { checkedZones.contains($0.id) }.map { Self.bare($0.name) } + newZones
        return VanityRequest(setId: chosenSet?.id ?? "", homeDomain: homeName, hosts: hosts.isEmpty ? nil : hosts,
                             extraZones: extra, createZones: homeIsNew || !newZones.isEmpty, resolver: resolver,
                             soaRName: soaRName.isEmpty ? nil : soaRName)
    }

    /// Something is unfinished, so quitting asks first.
    public var hasUnfinishedWork: Bool { step != .account && exitCode == nil && !(step == .verify && verify.value != nil) }

    /// The plan zones that still need an answer, in order.
    public var planZones: [ZonePlan] { plan.value?.zones ?? [] }
}
