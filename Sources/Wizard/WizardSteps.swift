import Terminal

/// One step of the wizard: a namespace (an enum without cases) in its own file under Steps/, with the step's
/// state struct, its messages, its update (`enter`, `act`, `back`, `perform`), its view (`boxTitle`, `draw`) and
/// its keymap. The wizard reaches a step only through `WizardStep.all`.
protocol WizardStepHandler: Sendable {
    /// The step's name in the title bar and the help overlay.
    static var title: String { get }
    /// Moving onto the step (`go`): what it resets and the commands that load what it shows.
    static func enter(_ s: inout WizardState) -> [WizardCommand]
    /// An action of the step's keymap (help, log, quit and back are handled before).
    static func act(_ s: inout WizardState, _ a: WizardAction, key: Key) -> [WizardCommand]
    /// esc: closes what the step has open, else goes back a step (the default).
    static func back(_ s: inout WizardState) -> [WizardCommand]
    /// A question the step asked was answered yes.
    static func perform(_ s: inout WizardState, _ p: PendingAction) -> [WizardCommand]
    /// The title of the step's box.
    static func boxTitle(_ s: WizardState) -> String
    /// The step's keys (`WizardState.keys` or `typingKeys` adds the ones every step has).
    static func keymap(_ s: WizardState) -> Keymap<WizardAction>
    /// The inside of the step's box.
    static func draw(_ s: WizardState, _ f: inout Frame, _ r: Rect)
    /// A spinner is on screen.
    static func animating(_ s: WizardState) -> Bool
}

extension WizardStepHandler {
    typealias B = KeyBinding<WizardAction>
    static func enter(_ s: inout WizardState) -> [WizardCommand] { [] }
    static func back(_ s: inout WizardState) -> [WizardCommand] { s.goBack() }
    static func perform(_ s: inout WizardState, _ p: PendingAction) -> [WizardCommand] { [] }
    static func boxTitle(_ s: WizardState) -> String { title }
    static func animating(_ s: WizardState) -> Bool { false }
}

/// A step's own state: a struct with a default for every field.
protocol WizardStepState: Sendable { init() }

/// The steps' states, each under its type, so that a step file brings its state (and the accessor on
/// `WizardState` that reaches it) without a line in `WizardState` itself.
struct WizardStepStates: Sendable {
    private var states: [ObjectIdentifier: any Sendable] = [:]
    subscript<T: WizardStepState>(_ type: T.Type) -> T {
        get { states[ObjectIdentifier(type)] as? T ?? T() }
        set { states[ObjectIdentifier(type)] = newValue }
    }
}

/// A step of the wizard, by its handler; each step file declares its own (`WizardStep.zones`, ...).
public struct WizardStep: Sendable, Equatable, CustomStringConvertible {
    let handler: any WizardStepHandler.Type
    init(_ handler: any WizardStepHandler.Type) { self.handler = handler }

    /// The steps, in order: the one place a step is listed.
    public static let all: [WizardStep] = [
        .account,
        .delegationSet,
        .vanityHosts,
        .review,
        .zones,
        .plan,
        .apply,
        .registrar,
        .verify,
        .signZones,
    ]

    public static func == (a: WizardStep, b: WizardStep) -> Bool { ObjectIdentifier(a.handler) == ObjectIdentifier(b.handler) }
    /// 1 for the first step.
    public var rawValue: Int { (Self.all.firstIndex(of: self) ?? 0) + 1 }
    public var title: String { handler.title }
    public var description: String { title }
    var next: WizardStep? { rawValue < Self.all.count ? Self.all[rawValue] : nil }
    var previous: WizardStep? { rawValue > 1 ? Self.all[rawValue - 2] : nil }
}

extension WizardState {
    /// Moves to `s` and starts what it needs.
    mutating func go(_ s: WizardStep) -> [WizardCommand] {
        step = s
        return s.handler.enter(&self)
    }

    /// Moves on to the step after this one.
    mutating func goNext() -> [WizardCommand] { step.next.map { go($0) } ?? [] }

    /// Back to the step before this one, as it was left (nothing starts again).
    mutating func goBack() -> [WizardCommand] {
        if let p = step.previous { step = p }
        return []
    }

    /// The account's zones, listed once for the steps that read them.
    mutating func loadAllZones() -> [WizardCommand] {
        if allZones.value == nil && !allZones.isLoading { allZones = .loading; return [.loadAllZones] }
        return []
    }

    /// The chosen set's zones, listed once (when the set is chosen) for step 3's validation and step 5; a set chosen
    /// again whose listing is loaded or on its way is not listed again.
    mutating func loadSetZones() -> [WizardCommand] {
        let id = delegationSet.chosenSet?.id ?? ""
        if zones.setZonesOf == id, zones.setZones.value != nil || zones.setZones.isLoading { return [] }
        zones.setZones = .loading; zones.setZonesChecked = (0, 0); zones.setZonesOf = id
        return [.loadSetZones(setId: id)]
    }

    /// The host groups under `homeDomain` (nil: the home domain of the last journaled apply), read from the sets and
    /// the account's zones already listed; nothing while either is still on its way, or with only one set (it keeps
    /// ns1..nsN).
    func hostGroupsCommands(homeDomain: String?) -> [WizardCommand] {
        guard let sets = delegationSet.sets.value, sets.count > 1, let listing = allZones.value else { return [] }
        return [.loadHostGroups(homeDomain: homeDomain, setId: delegationSet.chosenSet?.id ?? "", sets: sets, listing: listing)]
    }

    /// Step 3's validation of the hosts being edited, when it waited for the run's listings (the account's and the
    /// set's) and they have arrived.
    func validationThatWaited() -> [WizardCommand] {
        guard step == .vanityHosts, vanityHosts.editingHosts, !allZones.isLoading, !zones.setZones.isLoading else { return [] }
        return [.validate(request, generation: vanityHosts.validationGeneration)]
    }
}
