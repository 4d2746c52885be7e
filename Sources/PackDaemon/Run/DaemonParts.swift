public import PackCore
public import PackStore
public import PackFleet
public import Logging
import Synchronization

/// The daemon's parts, made once by `packd run` and shared by its services and
/// the API operations.
public final class DaemonParts: Sendable {
    public let config: PackConfig
    public let journal: any DaemonJournal
    /// The fleet's shared store, when `[store] backend = "postgres"` (also `journal`).
    public let fleet: PostgresJournal?
    public let hub: StationHub
    public let events: EventHub
    public let board: PrinterBoard
    public let devices: DeviceRegistry
    public let metrics: DaemonMetrics?
    public let logger: Logger
    public let stations: [String]
    /// Open once the API listens and `packd run` has said so.
    public let ready = Gate()
    /// One per printer the configuration names.
    public let doorbells: [String: Doorbell]
    /// Rung when events reach the outbox, so that delivery to the core starts at once.
    public let outboxDoorbell = Doorbell()
    /// Renders the parcel labels the printers' workers send, and renders ahead
    /// the label of each parcel opened at a station that prints on completion.
    public let labelRenderer: ParcelLabelRenderer
    /// The core's token: refused or not, read again on SIGHUP.
    public let coreToken: CoreTokenState
    private let ids = Mutex(ULIDGenerator(rng: SystemRandomNumberGenerator()))
    private let lanesBox = Mutex<StationLanes?>(nil)
    /// Scans decided per station since start: the outcome's `seq`.
    private let scanCounts = Mutex<[String: Int]>([:])
    /// Parcels shipped per station since start (the display's count for the shift).
    private let shippedCounts = Mutex<[String: Int]>([:])

    /// Jobs CUPS is processing now.
    let printingJobs = Mutex<Set<String>>([])

    public init(config: PackConfig, journal: any DaemonJournal, hub: StationHub, metrics: DaemonMetrics?, logger: Logger) {
        self.config = config
        self.journal = journal
        self.fleet = journal as? PostgresJournal
        self.hub = hub
        self.metrics = metrics
        self.logger = logger
        events = EventHub(startedAtMs: WallClock.now().millisecondsSinceEpoch)
        board = PrinterBoard(config: config)
        devices = DeviceRegistry()
        stations = config.stationIds
        var bells: [String: Doorbell] = [:]
        for name in config.printerNames { bells[name] = Doorbell() }
        doorbells = bells
        labelRenderer = ParcelLabelRenderer(journal: journal, config: config, prepared: PreparedLabels())
        coreToken = CoreTokenState(tokenFile: config.core.tokenFile, logger: logger)
    }

    /// SIGHUP (`systemctl reload packd`): what can change without a restart is
    /// read again (docs/daemon.md lists it). Never ends the daemon.
    public func reload() async {
        let token = coreToken.reload()
        logger.notice("reloaded (SIGHUP)", metadata: ["core_token": "\(token)"])
    }

    public func newId(at time: Timestamp) -> String { newULID(at: time).description }

    public func newULID(at time: Timestamp) -> ULID { ids.withLock { $0.next(at: time) } }

    /// The stations' scan lanes; their observer publishes each outcome.
    public var lanes: StationLanes {
        lanesBox.withLock { box in
            if let lanes = box { return lanes }
            // Weak: the parts hold the lanes.
            let lanes = StationLanes(hub: hub) { [weak self] station, scan, decision, labels, received in
                await self?.decided(station: station, scan: scan, decision: decision, labels: labels, received: received) ?? .null
            }
            box = lanes
            return lanes
        }
    }

    /// How `on_approval` decides where an arriving order's labels print: the
    /// station the order names, when that station prints on approval; with no
    /// station, `[engine]`'s policy and printer. (With a shared store, a station
    /// another packd has prints there: `PostgresJournal.registerStations`.)
    public var approvalPrinting: ApprovalPrinting {
        Self.approvalPrinting(config, newId: { [self] time in self.newId(at: time) })
    }

    /// `on_approval` as `packd orders import` applies it to a journal no daemon has
    /// open: the labels are queued (and waiting ones of orders that no longer ship
    /// cancelled) exactly as the daemon would, and print once it runs.
    /// (`newId` absent: ids of a generator of its own, for a command.)
    public static func approvalPrinting(
        _ config: PackConfig, newId: (@Sendable (Timestamp) -> String)? = nil
    ) -> ApprovalPrinting {
        let ids = JobIds()
        return ApprovalPrinting(
            target: { order in approvalTarget(config, station: order.station) },
            newId: newId ?? { time in ids.next(at: time) })
    }

    static func approvalTarget(_ config: PackConfig, station: String?) -> ApprovalPrinting.Target? {
        // An order naming a station this packd does not run is another PC's to print
        // (contracts.md section 6): it must not fall back to this packd's default printer.
        if let station, !config.stationIds.contains(station) { return nil }
        let policy = station.map { config.engineConfig(forStation: $0).labelPolicy } ?? config.engine.labelPolicy
        guard policy == .onApproval else { return nil }
        let profile = station.flatMap { config.printer(forStation: $0) } ?? config.defaultPrinter.map(config.profile(named:))
        guard let profile else { return nil }
        return ApprovalPrinting.Target(printer: profile.name, station: station, format: profile.language.rawValue)
    }

    /// This packd's stations and where each prints on approval, for the fleet.
    public var stationPrinting: [PostgresJournal.StationPrinting] {
        stations.map { PostgresJournal.StationPrinting(station: $0, target: Self.approvalTarget(config, station: $0)) }
    }

    /// Every printer's worker looks at its queue again (after notifications were
    /// lost, a label queued here by another packd may be waiting).
    public func ringAll() async {
        for bell in doorbells.values { await bell.ring() }
    }

    public func ring(printer: String) async { await doorbells[printer]?.ring() }

    /// Events reached the outbox: delivery to the core starts at once (in local
    /// mode they were applied in their own transaction and nothing waits).
    func outboxChanged() async {
        if config.coreMode == .remote { await outboxDoorbell.ring() }
    }

    public func shippedCount(station: String) -> Int { shippedCounts.withLock { $0[station] ?? 0 } }

    /// Orders arrived (API or feed): their printers hear of the labels queued, and
    /// the stations show them.
    public func announce(_ summary: ImportSummary) async {
        // Another packd's labels: that packd hears of them from the store.
        for label in summary.labels where label.node == nil {
            await ring(printer: label.request.printer)
            if let station = label.request.station {
                await events.publish(station: station, event: "label", data: LabelEvent.queued(label.request, reason: label.reason))
            }
        }
    }

    func decided(
        station: String, scan: Scan, decision: ScanDecision, labels: [PrintRequest], received: ContinuousClock.Instant
    ) async -> JSONValue {
        let seq = scanCounts.withLock { counts in
            counts[station, default: 0] += 1
            return counts[station]!
        }
        var line = ReplayOutput.line(seq: seq, scan: scan, decision: decision, eventTypes: decision.events.map(\.type))
        if case .object(var members) = line {
            members["station"] = .string(station)
            // `at_ms` is the scanner's monotonic time (the replay's field); `at` is
            // when packd received the scan, by the wall clock, for integrators.
            let age = (ContinuousClock.now - received).components
            let ageMs = age.seconds * 1000 + age.attoseconds / 1_000_000_000_000_000
            members["at"] = .string(WallClock.now().adding(milliseconds: -ageMs).rfc3339)
            line = .object(members)
        }
        metrics?.scanned(outcome: decision.outcome.kind.rawValue, latency: ContinuousClock.now - received)
        if decision.outcome.kind == .parcelCompleted || decision.outcome.kind == .singleItemClaimed {
            shippedCounts.withLock { $0[station, default: 0] += 1 }
        }
        await events.publish(station: station, event: "outcome", data: line)
        for label in labels {
            // Queued on the stream before its printer's worker can say anything of it.
            await events.publish(station: station, event: "label", data: LabelEvent.queued(label, reason: nil))
            await ring(printer: label.printer)
        }
        // What is not on a label's way to the printer comes after.
        if !decision.events.isEmpty { await outboxChanged() }
        if decision.outcome.kind == .parcelOpened, let open = decision.state.open { prepareLabel(open.key, station: station) }
        logger.info(
            "scan", metadata: ["station": "\(station)", "code": "\(decision.outcome.code)", "outcome": "\(decision.outcome.kind.rawValue)"])
        return line
    }
}

extension DaemonParts {
    /// A parcel opened at a station that prints its label once the last item is
    /// verified: that label is rendered now, while the packer scans the items.
    func prepareLabel(_ parcel: ParcelKey, station: String) {
        guard config.engineConfig(forStation: station).labelPolicy == .onComplete,
            let printer = config.printer(forStation: station)
        else { return }
        labelRenderer.prepare(
            orderId: parcel.orderId, parcelId: parcel.parcelId, printer: printer.name, format: printer.language,
            station: station, at: WallClock.now())
    }
}

/// Print job ids for a command's import (the daemon's parts make their own).
private final class JobIds: Sendable {
    private let generator = Mutex(ULIDGenerator(rng: SystemRandomNumberGenerator()))
    func next(at time: Timestamp) -> String { generator.withLock { $0.next(at: time).description } }
}
