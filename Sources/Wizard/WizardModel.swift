import Foundation
import Route53
import Resolver
import WhiteLabel
import Terminal

/// What a confirmation does when answered yes: `quit` for the wizard, the others for the step that asked.
public enum PendingAction: Sendable, Equatable {
    case quit, createSet, createSetFromZone(id: String, name: String), registrarApply, registrarApplyMigrated, lowerOldNSTTL, publishDS
}

/// A yes/no question over the current step.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var action: PendingAction
}

/// The user's answer for one zone's batch.
public enum ZoneDecision: Sendable, Equatable { case apply, skip }

/// Progress of one zone's apply, as the apply step shows it.
public struct ApplyProgress: ZoneProgressLine {
    public var zone: String
    public var journal: String?
    public var changeId: String?
    public var status = "waiting to start"
    public var elapsed: Double?
    public var done = false
    public var error: String?
    public init(zone: String) { self.zone = zone }
}

/// A message one step owns (each step file declares its own `Msg`): it applies itself to the state.
public protocol WizardStepMsg: Sendable {
    func update(_ s: inout WizardState) -> [WizardCommand]
}

/// Messages: keys, ticks, log events and the results of commands. What a single step asked for comes back as
/// `.step`, with that step's own message, and goes to that step alone.
public enum WizardMsg: Sendable {
    case key(Key)
    case resize(Size)
    case tick
    case signal(Int32)
    case log(RequestEvent)
    /// The account's zones (read by steps 2, 3, 5 and 6).
    case allZonesLoaded(Result<[HostedZone], UIError>)
    case logSaved(Result<String, UIError>)
    case copied(Result<CopyOutcome, UIError>)
    /// A credential refresh needs the code of this MFA device: the prompt opens.
    case mfaRequested(serial: String)
    /// The result of a command one step started (`AccountStep.Msg`, `ZonesStep.Msg`, ...).
    case step(any WizardStepMsg)
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
    /// Every set's group of vanity hosts (step 2), and with a home domain the group to offer `setId` (step 3), read from
    /// the home zone's glue with the sets and the account's zones this run listed (`WizardState.hostGroupsCommands`).
    case loadHostGroups(homeDomain: String?, setId: String, sets: [DelegationSet], listing: [HostedZone])
    case createSet(callerReference: String, fromZoneId: String?)
    case loadAllZones
    /// The zones of a set: one ListHostedZones with the `delegationsetid` filter, started when the set is chosen on
    /// step 2 so that step 3's validation and step 5 read the same listing.
    case loadSetZones(setId: String)
    /// Reads the journal for an unfinished apply to offer at start.
    case findResume
    case debounce(generation: Int)
    case validate(VanityRequest, generation: Int)
    case resolve(awsNames: [String], hosts: [String])
    case plan(VanityRequest)
    case checkUnfinished
    case apply(ZonePlan, WhiteLabelPlan)
    /// The copy plan of the zones picked for migration (nothing written).
    case planMigration(MigrationRequest)
    /// One zone's copy into the set, then its parity check.
    case migrate(ZoneMigration, MigrationPlan)
    /// The copied zones' old apex NS with `ttl`, for those not at it already (nothing written).
    case oldNSTTLChanges(zones: [String], ttl: Int)
    /// Saves one old zone's NS in its migration journal, then lowers its TTL.
    case lowerOldNSTTL(zone: String, PlannedChange)
    case registrarLookup(WhiteLabelPlan)
    case registrarRows(WhiteLabelPlan)
    case registrarApply(domain: String, [DomainNameserver])
    /// A migrated domain at Route 53 Domains: its name servers now (nil: registered elsewhere).
    case registrarLookupDomain(String)
    /// Sets a migrated domain's name servers (no glue) at Route 53 Domains.
    case registrarApplyMigrated(domain: String, [DomainNameserver])
    case writeFile(text: String, prefix: String, purpose: FilePurpose)
    case verify(homeDomain: String, zones: [String], hosts: [String])
    /// The sign-zones step's work (`SignZonesStep.Command`), through the engine of `vanityns dnssec`.
    case dnssec(SignZonesStep.Command)
    /// Copies `text` to the user's clipboard (OSC 52), or to a 0600 file named from `prefix` when the terminal cannot.
    case copy(text: String, what: String, prefix: String)
}

/// Why a file is written (which message reports it).
public enum FilePurpose: Sendable, Equatable { case log, registrar }

/// The whole wizard as a value: `update` turns messages into new state and commands, `view` draws it. What every
/// step shares is here; each step's own state is a struct of its file under Steps/, kept in `stepStates`.
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
    /// The MFA prompt, while a credential refresh waits for a code.
    public var mfaPrompt: MFAPromptState?
    /// Set when the wizard ends.
    public var exitCode: Int32?
    /// Printed to stdout after the terminal is restored (the registrar table).
    public var afterExit: [String] = []
    /// Makes caller references unique per run.
    public var runId: String
    /// The account's hosted zones, listed once: the source zones of step 2, the home domains of step 3, the zones
    /// outside the set on step 5, alias targets named on step 6.
    public var allZones: Loadable<[HostedZone]> = .idle
    /// The steps' own states, each reached through the accessor its step file declares (`state.zones`, ...).
    var stepStates = WizardStepStates()

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
    public var animating: Bool { step.handler.animating(self) }

    /// The home zone's name without its trailing dot.
    public var homeName: String {
        let home = vanityHosts.homeDomain ?? ""
        return home.hasSuffix(".") ? String(home.dropLast()) : home
    }

    static func bare(_ name: String) -> String { (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased() }

    /// The request the steps so far describe.
    public var request: VanityRequest {
        if let r = accountStep.resuming {
            return VanityRequest(setId: r.setId, homeDomain: Self.bare(r.homeDomain), hosts: r.hosts, extraZones: r.extraZones,
                                 createZones: r.createZones, resolver: resolver)
        }
        let h = vanityHosts
        let extra = setZoneChoices.filter { zones.checkedZones.contains($0.id) }.map { Self.bare($0.name) } + zones.newZones
            + migration.copied.map(Self.bare)
        return VanityRequest(setId: delegationSet.chosenSet?.id ?? "", homeDomain: homeName, hosts: h.hosts.isEmpty ? nil : h.hosts,
                             extraZones: extra, createZones: h.homeIsNew || !zones.newZones.isEmpty, resolver: resolver,
                             soaRName: h.soaRName.isEmpty ? nil : h.soaRName, listing: listing)
    }

    /// The account's zones as this run listed them (once; `r` on the zones step lists again), with the chosen set's
    /// when listed: what validation and the plan read instead of listing again, until this run has made a zone.
    public var listing: ZoneListing? {
        // Zones made since (a migration's copies, an apply's creates) are not in it: then the engine lists afresh.
        guard let account = allZones.value, migration.copied.isEmpty, !apply.applyStarted else { return nil }
        let set = zones.setZones.value.flatMap { z in zones.setZonesOf.map { (id: $0, zones: z) } }
        return ZoneListing(account: account, set: set?.id == delegationSet.chosenSet?.id ? set : nil)
    }

    /// Something is unfinished, so quitting asks first.
    public var hasUnfinishedWork: Bool {
        step != .account && exitCode == nil && !(step == .verify && verify.report.value != nil) && !(step == .signZones && SignZonesStep.settled(self))
    }
}
