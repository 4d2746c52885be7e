import ArgumentParser
import PackCore
import PackDaemon
import PackDevices

/// `packd devices`: every input and serial device, whether it is a scanner, and
/// the identity to paste into the configuration.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List scanners, USB printers and serial devices with their udev identity.",
        discussion: "Ordinary keyboards are listed too, marked as not scanners: packd never grabs them. Printers are the USB printers udev sees; CUPS queues come with printing."
    )

    @Flag(help: "Print one JSON object a line.")
    var json = false

    @Flag(help: "List every input device, not only scanners, keyboards and serial ports.")
    var all = false

    @Option(help: "The configuration file: shows which station each scanner feeds.")
    var config: String?

    func run() async throws {
        let packConfig = try StateOptions.loadConfig(config)
        let devices: [DeviceIdentity]
        do {
            devices = try UdevEnumerator.devices()
        } catch {
            throw CLIError("cannot list devices through udev: \(error)")
        }
        let shown = devices.filter {
            all || $0.kind != .input || $0.isKeyboard || ScannerRecognition.reason(for: $0) != nil
        }
        if json {
            for d in shown { Output.line(Self.json(d, binding: packConfig.binding(for: d)).serialized()) }
            return
        }
        guard !shown.isEmpty else {
            Output.line("No scanners, printers, keyboards or serial ports found.")
            return
        }
        for d in shown {
            let reason = ScannerRecognition.reason(for: d)
            let what =
                reason.map { "scanner (\($0))" }
                ?? (d.kind == .printer
                    ? "USB printer (set up its CUPS queue: docs/printers.md)"
                    : d.kind == .serial ? "serial port" : "keyboard, not a scanner: never grabbed")
            Output.line("\(d.devnode)  \(d.name ?? "?")")
            Output.line("    \(what)\(UdevEnumerator.mayOpen(d) ? "" : "; packd may not open it (permissions: add the packd group)")")
            if reason != nil, config != nil {
                if let b = packConfig.binding(for: d) {
                    Output.line("    feeds station \(b.station) (matched by \(b.match))")
                } else {
                    Output.line("    not bound to a station: packd will not read it (add a [[scanners]] entry)")
                }
            }
            if let serial = d.serial { Output.line("    id_serial = \"\(serial)\"") }
            if let path = d.path { Output.line("    id_path = \"\(path)\"") }
            if let vp = d.vendorProduct { Output.line("    usb = \"\(vp)\"") }
        }
    }

    static func json(_ d: DeviceIdentity, binding: ScannerBinding?) -> JSONValue {
        let reason = ScannerRecognition.reason(for: d)
        return .object([
            "devnode": .string(d.devnode), "kind": .string(d.kind.rawValue), "name": .optional(d.name),
            "scanner": .bool(reason != nil), "why": .optional(reason?.description), "idSerial": .optional(d.serial),
            "idPath": .optional(d.path), "usb": .optional(d.vendorProduct), "keyboard": .bool(d.isKeyboard),
            "mayOpen": .bool(UdevEnumerator.mayOpen(d)), "syspath": .string(d.syspath),
            "station": .optional(binding?.station),
        ])
    }
}
