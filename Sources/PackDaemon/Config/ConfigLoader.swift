import Foundation
import PackCore
import PackDevices
import PackLabels
import PackStore
import TOMLKit

/// Reads packd.toml. Unknown keys are errors: a misspelt `requre_ack` silently
/// ignored would leave a station running with the wrong rules.
public enum ConfigLoader {
    public static let maxFileSize = InputLimits.configFileBytes

    public static func load(path: String) throws(ConfigError) -> PackConfig {
        let data: [UInt8]
        do {
            data = try BoundedFile.read(path, limit: maxFileSize)
        } catch .tooLarge {
            throw ConfigError(file: path, message: "is over \(maxFileSize) bytes, the most a configuration may be")
        } catch .isDirectory {
            throw ConfigError(file: path, message: "is a directory, not a configuration file")
        } catch {
            throw ConfigError(file: path, message: "cannot be read (missing, or no permission)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(file: path, message: "is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> PackConfig {
        if let finding = TOMLAbortGuard.firstFinding(in: text) {
            throw ConfigError(file: file, line: finding.line, message: "not valid TOML: \(finding.message)")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, message: "not valid TOML: \(error)")
        }
        let reader = TableReader(file: file)
        var config = PackConfig()
        try reader.onlyKeys(
            root,
            ["state_dir", "core", "engine", "stations", "scanners", "labels", "printers", "cups", "api", "display", "store", "retention"],
            at: "")
        config.stateDirectory = try reader.string(root, "state_dir", at: "")
        if let core = try reader.table(root, "core", at: "") {
            try reader.onlyKeys(
                core,
                [
                    "mode", "url", "token_file", "feed", "poll_interval_ms", "ca_file", "connect_timeout_ms", "request_timeout_ms",
                    "batch_size", "linger_ms", "max_requests_per_second", "backoff_base_ms", "backoff_max_ms", "feed_page_size",
                ], at: "core")
            if let mode = try reader.string(core, "mode", at: "core") {
                guard let m = CoreMode(rawValue: mode) else {
                    throw reader.error("core.mode", "must be \"local\" or \"remote\", not \"\(mode)\"")
                }
                config.coreMode = m
            }
            config.core = try reader.core(core)
            if config.coreMode == .remote, config.core.url == nil {
                throw reader.error("core.url", "is required when core.mode is \"remote\"")
            }
        }
        try reader.daemonSections(root, into: &config)
        if let labels = try reader.table(root, "labels", at: "") {
            try reader.onlyKeys(labels, ["templates"], at: "labels")
            if let directory = try reader.string(labels, "templates", at: "labels") {
                config.labelTemplateDirectory = directory
            }
        }
        if let cups = try reader.table(root, "cups", at: "") {
            try reader.onlyKeys(cups, ["server"], at: "cups")
            config.cupsServer = try reader.string(cups, "server", at: "cups")
        }
        if let printers = try reader.table(root, "printers", at: "") {
            for name in printers.keys.sorted() {
                guard let table = try reader.table(printers, name, at: "printers") else { continue }
                config.printers[name] = try reader.printer(table, name: name, at: "printers.\(name)")
            }
        }
        if let engine = try reader.table(root, "engine", at: "") {
            config.engine = try reader.engine(engine, over: EngineConfig(), at: "engine")
            config.defaultPrinter = try reader.string(engine, "printer", at: "engine")
        }
        if let stations = try reader.table(root, "stations", at: "") {
            for id in stations.keys.sorted() {
                guard let table = try reader.table(stations, id, at: "stations") else { continue }
                config.stations[id] = try reader.engine(table, over: config.engine, at: "stations.\(id)")
                if let printer = try reader.string(table, "printer", at: "stations.\(id)") {
                    config.stationPrinters[id] = printer
                }
            }
        }
        if let list = root["scanners"] {
            guard let array = list.array else { throw reader.error("scanners", "must be an array of tables: [[scanners]]") }
            for (i, item) in array.enumerated() {
                guard let table = item.table else { throw reader.error("scanners[\(i)]", "must be a table") }
                config.scanners.append(try reader.scanner(table, at: "scanners[\(i)]"))
            }
        }
        return config
    }
}

/// Typed reads with errors that name the key.
struct TableReader {
    let file: String

    func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, key: key, message: message)
    }

    private func path(_ at: String, _ key: String) -> String { at.isEmpty ? key : "\(at).\(key)" }

    func onlyKeys(_ table: TOMLTable, _ allowed: [String], at: String) throws(ConfigError) {
        for key in table.keys where !allowed.contains(key) {
            throw error(path(at, key), "unknown key (known here: \(allowed.joined(separator: ", ")))")
        }
    }

    func table(_ t: TOMLTable, _ key: String, at: String) throws(ConfigError) -> TOMLTable? {
        guard let v = t[key] else { return nil }
        guard let table = v.table else { throw error(path(at, key), "must be a table") }
        return table
    }

    func string(_ t: TOMLTable, _ key: String, at: String) throws(ConfigError) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.string else { throw error(path(at, key), "must be a string") }
        return s
    }

    func bool(_ t: TOMLTable, _ key: String, at: String) throws(ConfigError) -> Bool? {
        guard let v = t[key] else { return nil }
        guard let b = v.bool else { throw error(path(at, key), "must be true or false") }
        return b
    }

    func int(_ t: TOMLTable, _ key: String, at: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = t[key] else { return nil }
        guard let n = v.int else { throw error(path(at, key), "must be a whole number") }
        guard range.contains(n) else {
            throw error(path(at, key), "must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
        }
        return n
    }

    func double(_ t: TOMLTable, _ key: String, at: String, range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let v = t[key] else { return nil }
        guard let n = v.double ?? v.int.map(Double.init) else { throw error(path(at, key), "must be a number") }
        guard range.contains(n) else {
            throw error(path(at, key), "must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
        }
        return n
    }

    func printer(_ t: TOMLTable, name: String, at: String) throws(ConfigError) -> PrinterProfile {
        try onlyKeys(
            t,
            ["queue", "language", "dpi", "media", "darkness", "speed", "offset_x_mm", "offset_y_mm", "max_attempts", "retry_delay_ms",
                "direction"],
            at: at)
        var p = PrinterProfile(name: name, queue: try string(t, "queue", at: at))
        if let language = try string(t, "language", at: at) {
            guard let l = LabelFormat(rawValue: language.lowercased()) else {
                throw error("\(at).language", "must be zpl, tspl, pdf or png, not \"\(language)\"")
            }
            p.language = l
        }
        if let dpi = try int(t, "dpi", at: at, range: 0...10_000) {
            guard dpi == 203 || dpi == 300 else { throw error("\(at).dpi", "must be 203 or 300, not \(dpi)") }
            p.dpi = dpi
        }
        if let media = try string(t, "media", at: at) {
            let parts = media.lowercased().replacingOccurrences(of: "mm", with: "").split(separator: "x")
            guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]), (10...300).contains(w),
                (10...600).contains(h)
            else { throw error("\(at).media", "must be WIDTHxHEIGHT in millimetres, like \"100x150\", not \"\(media)\"") }
            p.widthMm = w
            p.heightMm = h
        }
        let darknessLimit = p.language == .tspl ? 15 : 30
        p.darkness = try int(t, "darkness", at: at, range: 0...darknessLimit)
        p.speed = try int(t, "speed", at: at, range: 1...14)
        p.offsetXMm = try double(t, "offset_x_mm", at: at, range: -20...20) ?? 0
        p.offsetYMm = try double(t, "offset_y_mm", at: at, range: -20...20) ?? 0
        p.direction = try int(t, "direction", at: at, range: 0...1) ?? p.direction
        p.maxAttempts = try int(t, "max_attempts", at: at, range: 1...100) ?? p.maxAttempts
        p.retryDelayMs = try int(t, "retry_delay_ms", at: at, range: 10...60_000) ?? p.retryDelayMs
        return p
    }

    func code(_ t: TOMLTable, _ key: String, at: String) throws(ConfigError) -> String? {
        guard let s = try string(t, key, at: at) else { return nil }
        guard !CodeText.trim(s).isEmpty, CodeText.trim(s) == s else {
            throw error(path(at, key), "must be a non-empty code without surrounding spaces")
        }
        return s
    }

    func scanner(_ t: TOMLTable, at: String) throws(ConfigError) -> ScannerBinding {
        try onlyKeys(
            t,
            ["station", "device", "id_serial", "id_path", "usb", "layout", "keymap_file", "suffix", "baud", "data_bits", "parity", "stop_bits", "flow",
                "inter_key_timeout_ms"],
            at: at)
        guard let station = try string(t, "station", at: at), !station.isEmpty else {
            throw error("\(at).station", "is required: the station this scanner feeds")
        }
        var matches: [ScannerBinding.Match] = []
        if let v = try string(t, "device", at: at) { matches.append(.device(v)) }
        if let v = try string(t, "id_serial", at: at) { matches.append(.idSerial(v)) }
        if let v = try string(t, "id_path", at: at) { matches.append(.idPath(v)) }
        if let v = try string(t, "usb", at: at) {
            let parts = v.split(separator: ":")
            guard parts.count == 2, parts.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isHexDigit) }) else {
                throw error("\(at).usb", "must be vendor:product in hex, like \"0c2e:0b61\", not \"\(v)\"")
            }
            matches.append(.usb(v))
        }
        guard matches.count == 1 else {
            throw error(at, "needs exactly one of device, id_serial, id_path, usb (packd devices shows them)")
        }
        var serial = SerialSettings()
        if let v = try int(t, "baud", at: at, range: 1...4_000_000) {
            guard SerialSettings.supportedBauds.contains(v) else {
                throw error("\(at).baud", "must be one of \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))")
            }
            serial.baud = v
        }
        if let v = try int(t, "data_bits", at: at, range: 7...8) { serial.dataBits = v }
        if let v = try int(t, "stop_bits", at: at, range: 1...2) { serial.stopBits = v }
        if let v = try string(t, "parity", at: at) {
            guard let p = SerialSettings.Parity(rawValue: v) else { throw error("\(at).parity", "must be none, even or odd") }
            serial.parity = p
        }
        if let v = try string(t, "flow", at: at) {
            guard let f = SerialSettings.FlowControl(rawValue: v) else {
                throw error("\(at).flow", "must be none, rtscts or xonxoff")
            }
            serial.flowControl = f
        }
        let layout = try string(t, "layout", at: at) ?? "us"
        var keymap: (path: String, text: String)?
        if let path = try string(t, "keymap_file", at: at) {
            guard let data = try? BoundedFile.read(path, limit: 1 << 20), let text = String(validating: data, as: UTF8.self)
            else { throw error("\(at).keymap_file", "\"\(path)\" cannot be read as a text file of at most 1 MiB") }
            do {
                _ = try KeymapDecoder(keymapText: text, name: path)
            } catch {
                throw self.error("\(at).keymap_file", error.description)
            }
            keymap = (path, text)
        } else {
            do {
                _ = try KeymapDecoder(layout: layout)
            } catch {
                throw self.error("\(at).layout", error.description)
            }
        }
        let suffix = try string(t, "suffix", at: at)
        if let suffix, suffix.isEmpty { throw error("\(at).suffix", "must not be empty") }
        var binding = ScannerBinding(
            station: station, match: matches[0], layout: layout, keymap: keymap, suffix: suffix, serial: serial)
        if let ms = try int(t, "inter_key_timeout_ms", at: at, range: 5...2000) { binding.interKeyTimeoutMs = Int64(ms) }
        return binding
    }

    static let engineKeys = [
        "require_ack", "single_item", "debounce_ms", "label_policy", "ack_code", "cancel_code", "reprint_code",
        "badge_prefix", "printer",
    ]

    func engine(_ t: TOMLTable, over base: EngineConfig, at: String) throws(ConfigError) -> EngineConfig {
        try onlyKeys(t, Self.engineKeys, at: at)
        var e = base
        if let v = try bool(t, "require_ack", at: at) { e.requireAck = v }
        if let v = try bool(t, "single_item", at: at) { e.singleItem = v }
        if let v = try int(t, "debounce_ms", at: at, range: 0...10_000) { e.debounceMs = Int64(v) }
        if let v = try string(t, "label_policy", at: at) {
            guard let p = LabelPolicy(rawValue: v) else {
                let allowed = LabelPolicy.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw error(path(at, "label_policy"), "must be one of \(allowed), not \"\(v)\"")
            }
            e.labelPolicy = p
        }
        if let v = try code(t, "ack_code", at: at) { e.controlCodes.acknowledge = v }
        if let v = try code(t, "cancel_code", at: at) { e.controlCodes.cancel = v }
        if let v = try code(t, "reprint_code", at: at) { e.controlCodes.reprint = v }
        if let v = try code(t, "badge_prefix", at: at) { e.controlCodes.badgePrefix = v }
        let codes = [e.controlCodes.acknowledge, e.controlCodes.cancel, e.controlCodes.reprint].map(CodeText.fold)
        guard Set(codes).count == codes.count else {
            throw error(at, "the acknowledge, cancel and reprint codes must differ")
        }
        return e
    }
}
