import ArgumentParser
import Foundation
import PackCore
import PackDaemon
import PackDevices

/// `packd scans`: read a scanner and print what it decodes, to check a scanner
/// and its settings before binding it to a station.
struct ScansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scans",
        abstract: "Read a scanner and print one JSON line per decoded scan.",
        discussion: """
            Keyboard-wedge scanners (/dev/input/event*, grabbed so their keys never reach the desktop, decoded \
            with --layout) and serial or USB CDC-ACM scanners (/dev/ttyACM*, /dev/ttyUSB*, /dev/ttyS*). Prints \
            {"device": "...", "code": "...", "symbology": null} for each scan; device events go to standard error. \
            Exits after --count scans or --timeout seconds.
            """
    )

    @Option(help: "The scanner's device path (default: every scanner found, and those plugged in later).")
    var device: String?

    @Option(help: "The configuration file: read only the scanners bound to a station, with their settings.")
    var config: String?

    @Option(help: "evdev, hidpos or serial (default: evdev for /dev/input/*, hidpos for /dev/hidraw*, serial otherwise).")
    var kind: String?

    @Option(help: "Keyboard layout the scanner types in (evdev): us, de, fr, gb...")
    var layout = "us"

    @Option(help: "Characters that end a code, for scanners set up with a suffix instead of Enter (evdev).")
    var suffix: String?

    @Flag(help: "Read an input device even though udev does not recognise it as a scanner.")
    var forceScanner = false

    @Option(help: "Milliseconds without a key that end a code (evdev).")
    var interKeyTimeout = 100

    @OptionGroup var line: SerialLineOptions

    @Option(help: "What ends a code: any (CR, LF or CRLF), cr, lf or crlf.")
    var terminator: String = "any"

    @Option(help: "Stop after this many scans.")
    var count: Int?

    @Option(help: "Stop after this many seconds.")
    var timeout: Double?

    func validate() throws {
        guard ["any", "cr", "lf", "crlf"].contains(terminator) else {
            throw ValidationError("--terminator must be any, cr, lf or crlf")
        }
        if let kind, !["evdev", "hidpos", "serial"].contains(kind) { throw ValidationError("--kind must be evdev, hidpos or serial") }
        guard (5...2000).contains(interKeyTimeout) else { throw ValidationError("--inter-key-timeout must be 5 to 2000 ms") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        guard let device else { return try await watchAll() }
        let settings = line.settings
        let framing: SerialFraming =
            switch terminator {
            case "cr": SerialFraming(terminator: .cr)
            case "lf": SerialFraming(terminator: .lf)
            case "crlf": SerialFraming(terminator: .crlf)
            default: SerialFraming()
            }
        let pathKind: String =
            switch DeviceIdentity.Kind(scannerPath: device) {
            case .input: "evdev"
            case .hidpos: "hidpos"
            case .serial, .printer: "serial"
            }
        let resolvedKind = kind ?? pathKind
        let isEvdev = resolvedKind == "evdev"
        let reader: DeviceReader
        if resolvedKind == "hidpos" {
            reader = HIDPOSScannerReader.make(device: device, path: device)
        } else if isEvdev {
            do {
                reader = try EvdevScannerReader.make(
                    device: device, path: device, layout: layout, interKeyTimeoutMs: Int64(interKeyTimeout), suffix: suffix)
            } catch {
                throw CLIError("--layout: \(error)")
            }
            try refuseOrdinaryKeyboards()
        } else {
            reader = SerialScannerReader.make(device: device, path: device, settings: settings, framing: framing)
        }
        reader.start()
        if let timeout {
            Task {
                try? await Task.sleep(for: .seconds(timeout))
                reader.stop()
            }
        }
        var seen = 0
        for await event in reader.events {
            switch event {
            case .opened(let device, let path):
                Log.line(
                    "\(device): opened \(path)"
                        + (isEvdev ? " (grabbed, layout \(layout))" : resolvedKind == "hidpos" ? " (HID POS)" : " at \(line.baud) baud"))
            case .closed(let device, let reason):
                Log.line("\(device): closed (\(reason)); waiting for it to come back")
            case .rejected(let device, let reason):
                Log.line("\(device): \(reason)")
            case .scale:
                continue
            case .scan(let scan):
                Output.lineNow(
                    JSONValue.object([
                        "device": .string(scan.device), "code": .string(scan.code), "symbology": .optional(scan.symbology),
                    ]).serialized())
                seen += 1
                if let count, seen >= count { reader.stop() }
            }
        }
    }
}

extension ScansCommand {
    /// Grabbing a keyboard would lock the operator out of the desktop: an input
    /// device is read only when udev recognises it as a scanner, or when told to.
    func refuseOrdinaryKeyboards() throws {
        guard !forceScanner, let device else { return }
        let real = URL(fileURLWithPath: device).resolvingSymlinksInPath().path
        let known = (try? UdevEnumerator.devices()) ?? []
        guard let identity = known.first(where: { $0.devnode == real || $0.devnode == device }) else {
            throw CLIError("\(device): udev does not know this input device; pass --force-scanner to read it anyway")
        }
        guard ScannerRecognition.reason(for: identity) != nil else {
            throw CLIError(
                "\(device) (\(identity.name ?? "unnamed")) is not recognised as a scanner, and packd never grabs a keyboard. "
                    + "If it is a scanner, tag it PACKD_SCANNER=1 in udev, or pass --force-scanner.")
        }
    }
}

extension ScansCommand {
    /// Every scanner, including those plugged in while running: the hot-plug path.
    func watchAll() async throws {
        let packConfig = try StateOptions.loadConfig(config)
        let bound = config != nil
        let layout = self.layout
        let timeoutMs = Int64(interKeyTimeout)
        let serial = line.settings
        let plan: ScannerWatcher.Plan = { identity in
            let binding = packConfig.binding(for: identity)
            guard identity.kind != .printer else { return nil }
            guard bound ? binding != nil : ScannerRecognition.reason(for: identity) != nil else { return nil }
            if let binding { return try? binding.reader(for: identity, interKeyTimeoutMs: timeoutMs) }
            switch identity.kind {
            case .hidpos:
                return HIDPOSScannerReader.make(device: identity.devnode, path: identity.devnode)
            case .input:
                return try? EvdevScannerReader.make(
                    device: identity.devnode, path: identity.devnode, layout: layout, interKeyTimeoutMs: timeoutMs)
            case .serial, .printer:
                return SerialScannerReader.make(device: identity.devnode, path: identity.devnode, settings: serial)
            }
        }
        let watcher = ScannerWatcher(plan: plan)
        do {
            try await watcher.start()
        } catch {
            throw CLIError("cannot watch for scanners through udev: \(error)")
        }
        Log.line("watching for scanners")
        if let timeout {
            Task {
                try? await Task.sleep(for: .seconds(timeout))
                await watcher.stop()
            }
        }
        var seen = 0
        for await event in watcher.events {
            switch event {
            case .ignored(let identity, let reason):
                Log.line("\(identity.devnode): not read: \(reason)")
            case .released(let devnode):
                Log.line("\(devnode): released (removed)")
            case .device(.opened(let device, let path)):
                Log.line("\(device): opened \(path)")
            case .device(.closed(let device, let reason)):
                Log.line("\(device): closed (\(reason))")
            case .device(.rejected(let device, let reason)):
                Log.line("\(device): \(reason)")
            case .device(.scale):
                continue
            case .device(.scan(let scan)):
                Output.lineNow(
                    JSONValue.object([
                        "device": .string(scan.device), "code": .string(scan.code), "symbology": .optional(scan.symbology),
                    ]).serialized())
                seen += 1
                if let count, seen >= count { await watcher.stop() }
            }
        }
    }
}

/// Log lines on standard error.
enum Log {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data("packd: \(text)\n".utf8))
    }
}
