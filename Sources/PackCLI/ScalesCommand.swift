import ArgumentParser
import Foundation
import PackCore
import PackDaemon
import PackDevices

/// `packd scales`: the scales beside the stations.
struct ScalesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scales",
        abstract: "Scales (称重): read one to set up a station.",
        subcommands: [ScalesWatchCommand.self]
    )
}

/// `packd scales watch`: read a scale and print each change of its reading, to
/// find its protocol and settings before binding it to a station.
struct ScalesWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Read a scale and print one JSON line each time its reading changes.",
        discussion: """
            Prints {"device": "...", "grams": 812, "state": "stable", "at": "<RFC 3339>"} for each change \
            (state: stable, motion, zero, overload, underload or error); frames that fail their checksum or \
            do not parse go to standard error, with the device's opening and closing. Exits after --count \
            readings or --timeout seconds.

            Example, a Mettler Toledo scale on a USB-serial cable, and a USB HID scale (DYMO):
              packd scales watch --device /dev/ttyUSB0 --protocol mt-sics --baud 9600
              packd scales watch --device /dev/hidraw0 --protocol hid-pos
            A Toledo 8217 scale: --protocol toledo-8217 --data-bits 7 --parity even.
            """
    )

    @Option(help: "The scale's device path (/dev/ttyUSB0, /dev/ttyACM0, /dev/ttyS0; /dev/hidraw* for hid-pos).")
    var device: String

    @Option(help: "mt-sics, toledo-8217, continuous, xk3190-a9, xk3190-a12, cas or hid-pos.")
    var `protocol`: String

    @OptionGroup var line: SerialLineOptions

    @Option(help: "The unit of a weight whose frame names none: kg, g, lb or oz.")
    var unit = "kg"

    @Option(help: "Milliseconds an unchanged weight makes stable, for scales that send no stability flag (XK3190).")
    var stableMs = 400

    @Option(help: "Milliseconds between weigh requests, for the protocols that wait to be asked.")
    var pollMs = 200

    @Option(help: "Stop after this many readings.")
    var count: Int?

    @Option(help: "Stop after this many seconds.")
    var timeout: Double?

    func validate() throws {
        let known = ScaleProtocolName.allCases.filter { $0 != .auto }
        guard let name = ScaleProtocolName(rawValue: `protocol`), name != .auto else {
            throw ValidationError(
                "--protocol must be one of \(known.map(\.rawValue).joined(separator: ", ")) (auto: not yet; watch reads the protocol it is told)")
        }
        guard let u = WeightUnit(scaleText: unit), [.kilogram, .gram, .pound, .ounce].contains(u) else {
            throw ValidationError("--unit must be kg, g, lb or oz")
        }
        guard (0...60_000).contains(stableMs) else { throw ValidationError("--stable-ms must be 0 to 60000") }
        guard (20...60_000).contains(pollMs) else { throw ValidationError("--poll-ms must be 20 to 60000") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, !(timeout > 0) || !timeout.isFinite { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        let name = ScaleProtocolName(rawValue: `protocol`)!
        let reader =
            name == .hidPOS
            ? HIDScaleReader.make(device: device, path: device)
            : SerialScaleReader.make(
                device: device, path: device, settings: line.settings, protocol: name, unit: WeightUnit(scaleText: unit)!,
                pollMs: Int64(pollMs))
        reader.start()
        if let timeout {
            Task {
                try? await Task.sleep(for: .seconds(timeout))
                reader.stop()
            }
        }
        // Only changes are printed: a scale that stops answering prints nothing
        // more (standard error says when its device closes).
        var stabilizer = WeightStabilizer(stableMs: Int64(stableMs), maxAgeMs: max(1000, Int64(pollMs) * 3))
        var last: WeightReading?
        var printed = 0
        for await event in reader.events {
            switch event {
            case .opened(let device, let path):
                Log.line("\(device): opened \(path)" + (name == .hidPOS ? ", HID POS scale" : " at \(line.summary), \(name.rawValue)"))
            case .closed(let device, let reason):
                stabilizer.reset()
                last = nil
                Log.line("\(device): closed (\(reason)); waiting for it to come back")
            case .scale(let device, .dropped(let problem), _):
                Log.line("\(device): a frame dropped (\(problem))")
            case .scale(let device, .answer(let answer), _):
                Log.line("\(device): \(answer)")
            case .scale(let device, .sample(let sample), let atMs):
                let reading = stabilizer.take(sample, atMs: atMs)
                guard reading != last else { continue }
                last = reading
                Output.lineNow(
                    JSONValue.object([
                        "device": .string(device), "grams": .int(Int64(reading.grams)), "state": .string(reading.state.rawValue),
                        "at": .string(WallClock.now().rfc3339),
                    ]).serialized())
                printed += 1
                if let count, printed >= count { reader.stop() }
            case .scan, .rejected:
                continue
            }
        }
    }
}
