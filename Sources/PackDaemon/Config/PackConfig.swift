public import PackCore
public import PackStore
public import PackLabels

/// packd's configuration file (TOML). Every key is optional; a missing file means
/// the defaults: local core mode, one station, the engine defaults of contracts.md.
public struct PackConfig: Sendable, Equatable {
    /// Where the journal lives; `--state` and $PACKD_STATE override it.
    public var stateDirectory: String?
    public var coreMode: CoreMode = .local
    /// `[labels] templates`: a directory of `*.json` templates that add to, or
    /// replace by name, the bundled ones.
    public var labelTemplateDirectory: String?
    /// `[engine]`: the defaults every station starts from.
    public var engine = EngineConfig()
    /// `[stations.<id>]`: per-station overrides, already merged over `engine`.
    public var stations: [String: EngineConfig] = [:]
    /// `[printers.<name>]`: label printers, by name.
    public var printers: [String: PrinterProfile] = [:]
    /// `printer` of `[engine]` (every station) and `[stations.<id>]`: where a
    /// station's labels print.
    public var defaultPrinter: String?
    public var stationPrinters: [String: String] = [:]
    /// `[cups] server`: a cupsd socket path or host:port; nil uses $CUPS_SERVER or
    /// the local cupsd.
    public var cupsServer: String?
    /// `[[scanners]]`: which scanner feeds which station.
    public var scanners: [ScannerBinding] = []
    public var api = APISettings()
    public var display = DisplaySettings()
    public var core = CoreSettings()
    public var store = StoreSettings()
    public var retention = RetentionSettings()

    public init() {}

    /// The bundled label templates and those of `[labels] templates`.
    public var templateCatalog: TemplateCatalog {
        TemplateCatalog(directories: labelTemplateDirectory.map { [$0] } ?? [])
    }

    /// The printer a station's labels go to: its profile, or a CUPS queue of that
    /// name with the default profile; nil when none is configured.
    public func printer(forStation id: String) -> PrinterProfile? {
        guard let name = stationPrinters[id] ?? defaultPrinter else { return nil }
        return profile(named: name)
    }

    /// The profile `[printers.<name>]`, or a CUPS queue of that name with the
    /// default profile.
    public func profile(named name: String) -> PrinterProfile {
        printers[name] ?? PrinterProfile(name: name)
    }

    /// Every printer the configuration names: profiles and stations' printers.
    public var printerNames: [String] {
        Set(printers.keys).union(stationPrinters.values).union(defaultPrinter.map { [$0] } ?? []).sorted()
    }

    /// The stations whose labels go to `printer`.
    public func stations(printingOn printer: String) -> [String] {
        stationIds.filter { self.printer(forStation: $0)?.name == printer }
    }

    /// The stations the daemon runs: those configured, those scanners feed, and
    /// `pack-01` when there are none.
    public var stationIds: [String] {
        let ids = Set(stations.keys).union(scanners.map(\.station))
        return ids.isEmpty ? ["pack-01"] : ids.sorted()
    }

    public func engineConfig(forStation id: String) -> EngineConfig {
        stations[id] ?? engine
    }

    /// The station a single-station command uses when none is named: the only
    /// configured one, or `fallback`.
    public func defaultStation(fallback: String) -> String {
        stations.count == 1 ? stations.keys.first! : fallback
    }
}

/// A configuration problem, named by file, line where known, and key.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var line: Int?
    public var message: String

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let key { where_ += ": \(key)" }
        return "\(where_): \(message)"
    }
}
