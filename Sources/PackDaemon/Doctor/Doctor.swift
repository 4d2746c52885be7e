import Foundation
import Glibc
import PackCore
import PackDevices
import PackPrint
import PackStore

/// `packd doctor`: looks at everything a station needs and says what is wrong
/// and how to fix it. Only reads: it changes nothing.
public struct Doctor: Sendable {
    public var config: PackConfig
    public var configPath: String?
    public var stateDirectory: String
    /// Where udev rules are looked for.
    public var udevRuleDirectories = ["/etc/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"]
    /// Events waiting longer than this are a problem.
    public var backlogAgeLimitSeconds: Int64 = 3600

    public init(config: PackConfig, configPath: String?, stateDirectory: String) {
        self.config = config
        self.configPath = configPath
        self.stateDirectory = stateDirectory
    }

    public func run() async -> [DoctorCheck] {
        var checks = [configuration()]
        checks += devices()
        checks.append(udevRules())
        checks += libraries()
        checks += printers()
        checks += await journal()
        if let core = await core() { checks.append(core) }
        checks.append(api())
        return checks
    }

    func configuration() -> DoctorCheck {
        let name = configPath ?? "(no configuration file: the defaults)"
        if let problem = config.consistencyProblems.first {
            return .problem("config", "\(name): \(problem)", fix: "edit \(configPath ?? "/etc/packd/packd.toml") and run packd config check")
        }
        return .ok("config", "\(name): \(config.stationIds.count) station(s), \(config.printerNames.count) printer(s), \(config.scanners.count) scanner binding(s)")
    }

    func devices() -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let found = (try? UdevEnumerator.devices()) ?? []
        for binding in config.scanners {
            let nodes: [String]
            if case .device(let path) = binding.match {
                nodes = [path]
            } else {
                nodes = found.filter { config.binding(for: $0) == binding }.map(\.devnode)
            }
            if nodes.isEmpty {
                checks.append(.warning(
                    "scanner", "\(binding.match) (station \(binding.station)) is not plugged in",
                    fix: "plug it in; packd devices lists what udev sees and the identity to bind"))
            }
            for node in nodes {
                if access(node, F_OK) != 0 {
                    checks.append(.warning("scanner", "\(node) (station \(binding.station)) does not exist", fix: "plug the scanner in, or correct [[scanners]] device"))
                } else if access(node, R_OK | W_OK) != 0 {
                    checks.append(.problem(
                        "scanner", "\(node) (station \(binding.station)) cannot be opened by this user: \(String(cString: strerror(errno)))",
                        fix: "install udev-rules/60-packd.rules (it gives the packd group access) and add the user to group packd"))
                } else {
                    checks.append(.ok("scanner", "\(node) → station \(binding.station)"))
                }
            }
        }
        for identity in found where ScannerRecognition.reason(for: identity) != nil && config.binding(for: identity) == nil {
            checks.append(.warning(
                "scanner", "\(identity.devnode) (\(identity.name ?? "unnamed")) is a scanner bound to no station",
                fix: "add a [[scanners]] entry with station and id_serial = \"\(identity.serial ?? "?")\""))
        }
        return checks
    }

    func udevRules() -> DoctorCheck {
        for directory in udevRuleDirectories where FileManager.default.fileExists(atPath: "\(directory)/60-packd.rules") {
            return .ok("udev", "\(directory)/60-packd.rules is installed")
        }
        return .problem(
            "udev", "packd's udev rules are not installed: scanners may type into the desktop and be unreadable by packd",
            fix: "install -m 0644 udev-rules/60-packd.rules /etc/udev/rules.d/ && udevadm control --reload && udevadm trigger")
    }

    func printers() -> [DoctorCheck] {
        guard !config.printerNames.isEmpty else { return [] }
        let server = config.cupsServer ?? "the local cupsd"
        let cups: CupsConnection
        let queues: [PrinterStatus]
        do {
            cups = try CupsConnection(server: config.cupsServer, timeoutMilliseconds: 2000)
            queues = try cups.printers()
        } catch {
            return [.problem("cups", "CUPS at \(server) does not answer: \(error)", fix: "systemctl start cups, or correct [cups] server")]
        }
        var checks: [DoctorCheck] = [.ok("cups", "CUPS at \(server) answers: \(queues.count) queue(s)")]
        for name in config.printerNames {
            let profile = config.profile(named: name)
            guard let queue = queues.first(where: { $0.name == profile.queue }) else {
                checks.append(.problem(
                    "printer", "\(name): CUPS has no queue \"\(profile.queue)\"",
                    fix: "lpadmin -p \(profile.queue) -E -v <device URI> -m raw (docs/printers.md), or correct [printers.\(name)] queue"))
                continue
            }
            let language = profile.language.rawValue
            if !queue.languages.contains(language) {
                checks.append(.problem(
                    "printer", "\(name): queue \(queue.name) takes \(queue.languages.joined(separator: ", ")), not \(language)",
                    fix: language == "zpl" || language == "tspl"
                        ? "make \(queue.name) a raw queue (lpadmin -p \(queue.name) -m raw) or use LPrint (docs/printers.md)"
                        : "give \(queue.name) a driver that takes \(language), or set [printers.\(name)] language"))
            } else if !queue.acceptingJobs || queue.state == .stopped || !queue.conditions.isEmpty {
                let needs = queue.conditions.map(\.description) + (queue.acceptingJobs ? [] : ["rejecting jobs"])
                checks.append(.problem(
                    "printer", "\(name): queue \(queue.name) is \(queue.state.rawValue): \(needs.joined(separator: ", "))",
                    fix: "fix the printer, then cupsenable \(queue.name) && cupsaccept \(queue.name)"))
            } else {
                checks.append(.ok("printer", "\(name): queue \(queue.name) \(queue.state.rawValue), takes \(language)"))
            }
        }
        return checks
    }

    func journal() async -> [DoctorCheck] {
        if config.store.backend == .postgres { return await sharedStore() }
        let path = (stateDirectory as NSString).appendingPathComponent(SQLiteJournal.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            return [.warning("journal", "\(path) does not exist yet", fix: "start packd (systemctl start packd); it makes the journal")]
        }
        do {
            let journal = try SQLiteJournal(directory: stateDirectory, mode: config.coreMode)
            let integrity = try await journal.integrityCheck()
            var checks: [DoctorCheck] = []
            if integrity == "ok" {
                checks.append(.ok("journal", "\(path): intact"))
            } else {
                checks.append(.problem("journal", "\(path) is damaged: \(integrity)", fix: "stop packd, keep a copy of \(stateDirectory), and restore it from a backup"))
            }
            return checks + (try await outbox(of: journal))
        } catch {
            return [.problem("journal", "\(path) cannot be opened: \(error)", fix: "check the permissions of \(stateDirectory) (packd's user must own it)")]
        }
    }

    /// The outbox's dead letters and how long its oldest event has waited.
    func outbox(of journal: any DaemonJournal) async throws -> [DoctorCheck] {
        let backlog = try await journal.outboxBacklog()
        var checks: [DoctorCheck] = []
        if backlog.dead > 0 {
            checks.append(.problem(
                "outbox", "\(backlog.dead) event(s) the core refused for good (dead letters)",
                fix: "packd outbox lists each with the core's answer; fix the cause at the core, then packd outbox retry --all (or packd outbox drop ID --reason WHY)"))
        }
        if let oldest = backlog.oldest, WallClock.now().millisecondsSinceEpoch - oldest.millisecondsSinceEpoch > backlogAgeLimitSeconds * 1000 {
            checks.append(.problem(
                "outbox", "\(backlog.pending) event(s) wait for the core, the oldest since \(oldest.rfc3339)",
                fix: "check [core] url and token and that the ERP answers"))
        } else {
            checks.append(.ok("outbox", "\(backlog.pending) event(s) waiting, \(backlog.dead) dead letter(s)"))
        }
        return checks
    }

    func api() -> DoctorCheck {
        switch config.api.listen {
        case .unix(let path):
            return access(path, F_OK) == 0
                ? .ok("api", "the API socket \(path) exists")
                : .problem("api", "nothing listens at unix:\(path)", fix: "start packd: systemctl start packd")
        case .tcp(let host, let port):
            if Self.answersHealth(host: host == "0.0.0.0" ? "127.0.0.1" : host, port: port) {
                return .ok("api", "packd answers at \(config.api.listen)")
            }
            return .problem("api", "packd does not answer at \(config.api.listen)", fix: "start packd: systemctl start packd (journalctl -u packd says why it stopped)")
        }
    }

    /// `GET /healthz` answers 200 within a second.
    static func answersHealth(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return false }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return false }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        return n > 12 && String(decoding: buffer[0..<n], as: UTF8.self).hasPrefix("HTTP/1.1 200")
    }
}
