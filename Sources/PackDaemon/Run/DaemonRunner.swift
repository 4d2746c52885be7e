import Foundation
public import Logging
import PackAPI
import PackCore
import PackCoreLink
import PackFleet
import PackStore
public import ServiceLifecycle
import UnixSignals

/// `packd run`: the journal, devices, stations, print workers and the HTTP API
/// as one ServiceGroup, started in that order and stopped in reverse on SIGTERM
/// or SIGINT. systemd hears READY=1 once the API listens.
public enum DaemonRunner {
    public struct Options: Sendable {
        public var config: PackConfig
        public var stateDirectory: String
        public var configPath: String?
        /// What works the print queues instead of CUPS (the demo's file printer); nil: a PrintService.
        public var printService: (@Sendable (DaemonParts) -> any Service)?
        /// More services after the API (the demo's terminal scanner).
        public var extraServices: [@Sendable (DaemonParts) -> any Service] = []
        /// Told once the API listens, with the token and where it is.
        public var onReady: (@Sendable (DaemonParts, _ listen: String, _ token: String, _ displayToken: String) async -> Void)?

        public init(config: PackConfig, stateDirectory: String, configPath: String? = nil) {
            self.config = config
            self.stateDirectory = stateDirectory
            self.configPath = configPath
        }
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sets up logging and metrics for this process (once).
    public static func bootstrap(level: Logger.Level? = nil) -> DaemonMetrics {
        LoggingSystem.bootstrap { label in
            var handler = JournaldLogHandler(label: label)
            if let level, ProcessInfo.processInfo.environment["PACKD_LOG_LEVEL"] == nil { handler.logLevel = level }
            return handler
        }
        return DaemonMetrics.bootstrap()
    }

    public static func run(_ options: Options, metrics: DaemonMetrics?) async throws {
        let started = ContinuousClock.now
        ReloadService.ignoreHangupsUntilListening()
        let logger = Logger(label: "packd")
        let notifier = SystemdNotifier()
        let config = options.config
        // What `packd config check` refuses, the daemon does not start with.
        if let problem = config.consistencyProblems.first {
            throw StartError(description: "\(options.configPath ?? "configuration"): \(problem)")
        }
        let stateLock: StateLock
        do {
            stateLock = try StateLock.acquire(stateDirectory: options.stateDirectory)
        } catch {
            throw StartError(description: "\(options.stateDirectory): \(error)")
        }
        defer { withExtendedLifetime(stateLock) {} }
        notifier.notify("STATUS=opening the journal")
        let journal = try await openJournal(config, stateDirectory: options.stateDirectory, logger: logger)
        let hub = try await StationHub(
            journal: journal, config: config, retention: .seconds(Int64(config.retention.bookHours) * 3600), now: WallClock.now())
        let parts = DaemonParts(config: config, journal: journal, hub: hub, metrics: metrics, logger: logger)
        var nodeClaim: FleetNodeClaim?
        defer { nodeClaim?.release() }
        if let fleet = parts.fleet {
            // Orders arriving at any packd of the fleet print on approval here.
            do {
                // First: with another packd live as this node, the stations check
                // below would take its stations for this packd's own.
                nodeClaim = try await FleetNodeClaim.take(fleet)
                logger.notice("fleet node", metadata: ["node": "\(fleet.node)"])
                for (station, other) in try await fleet.registerStations(parts.stationPrinting, at: WallClock.now()) {
                    logger.warning(
                        "station taken over from another packd", metadata: ["station": "\(station)", "from": "\(other)"])
                }
            } catch {
                await fleet.close()
                throw StartError(description: "the shared store: \(FleetStoreError.describe(error))")
            }
        }
        let token: (token: String, path: String, created: Bool)
        do {
            token = try APIToken.resolve(file: config.api.tokenFile, stateDirectory: options.stateDirectory, defaultName: "api.token")
        } catch {
            throw StartError(description: "API token: \(error)")
        }
        if token.created { logger.notice("API token created", metadata: ["file": "\(token.path)"]) }
        let display: (token: String, path: String, created: Bool)
        do {
            display = try APIToken.resolve(
                file: config.display.tokenFile, stateDirectory: options.stateDirectory, defaultName: "display.token")
        } catch {
            throw StartError(description: "display token: \(error)")
        }
        if display.created { logger.notice("display token created", metadata: ["file": "\(display.path)"]) }
        if !config.api.listen.isLocalOnly {
            logger.warning("the API listens beyond this machine", metadata: ["listen": "\(config.api.listen)"])
        }
        let ready: @Sendable (Int?) async -> Void = { boundPort in
            var listen = config.api.listen
            if case .tcp(let host, 0) = listen, let boundPort { listen = .tcp(host: host, port: boundPort) }
            let ms = (ContinuousClock.now - started).components
            let elapsed = Double(ms.seconds) + Double(ms.attoseconds) / 1e18
            let orders = await hub.orderCount
            logger.notice(
                "ready",
                metadata: [
                    "listen": "\(listen)", "stations": "\(parts.stations.joined(separator: ","))",
                    "orders": "\(orders)", "startup_s": "\(String(format: "%.3f", elapsed))",
                ])
            // Commands that must go through the daemon (`packd orders import`) find it here.
            stateLock.record(listen: listen.description)
            notifier.notify("READY=1\nSTATUS=ready: \(parts.stations.count) station(s), API on \(listen)")
            await options.onReady?(parts, listen.description, token.token, display.token)
            await parts.ready.open()
        }
        let coreLink: CoreLinkSettings?
        do {
            coreLink = try CoreLinkService.settings(of: config)
        } catch {
            throw StartError(description: "\(error)")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: JournalService(parts: parts)),
            // With no scanner or printer configured these have nothing to do and end.
            .init(service: DeviceService(parts: parts), successTerminationBehavior: .ignore),
            .init(service: options.printService?(parts) ?? PrintService(parts: parts), successTerminationBehavior: .ignore),
            .init(service: WatchdogService(parts: parts, notifier: notifier)),
            .init(service: RetentionService(parts: parts)),
            .init(service: ReloadService(parts: parts)),
        ]
        let deliver = config.coreMode == .remote
        let pull = config.core.feed == .pull
        if let coreLink, deliver || pull {
            services.append(.init(service: CoreLinkService(parts: parts, settings: coreLink, deliver: deliver, pull: pull)))
        }
        if let fleet = parts.fleet { services.append(.init(service: FleetService(parts: parts, fleet: fleet))) }
        services += [
            .init(service: APIService(parts: parts, token: token.token, displayToken: display.token, onRunning: ready), successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        for make in options.extraServices {
            services.append(.init(service: make(parts), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        var groupConfig = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past this, services are cancelled; ServiceLifecycle's cancellation limit is
        // left unset because it ends the process with a crash (a CUPS call in
        // progress finishes within its own timeout instead).
        groupConfig.maximumGracefulShutdownDuration = .seconds(4)
        groupConfig.maximumCancellationDuration = nil
        let group = ServiceGroup(configuration: groupConfig)
        do {
            try await group.run()
        } catch {
            notifier.notify("STOPPING=1")
            await parts.fleet?.close()
            throw StartError(description: "\(error)")
        }
        await parts.fleet?.close()
        notifier.notify("STOPPING=1")
        logger.notice("stopped")
    }
}
