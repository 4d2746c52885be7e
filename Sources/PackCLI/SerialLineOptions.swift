import ArgumentParser
import PackDevices

/// The line settings of a serial device (a scanner, a scale), as `packd scans`
/// and `packd scales watch` take them.
struct SerialLineOptions: ParsableArguments {
    @Option(help: "Baud rate (\(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))).")
    var baud = 9600

    @Option(help: "Data bits: 7 or 8.")
    var dataBits = 8

    @Option(help: "Parity: none, even or odd.")
    var parity: String = "none"

    @Option(help: "Stop bits: 1 or 2.")
    var stopBits = 1

    @Option(help: "Flow control: none, rtscts or xonxoff.")
    var flow: String = "none"

    func validate() throws {
        guard SerialSettings.supportedBauds.contains(baud) else {
            throw ValidationError("--baud must be one of \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))")
        }
        guard [7, 8].contains(dataBits) else { throw ValidationError("--data-bits must be 7 or 8") }
        guard SerialSettings.Parity(rawValue: parity) != nil else { throw ValidationError("--parity must be none, even or odd") }
        guard [1, 2].contains(stopBits) else { throw ValidationError("--stop-bits must be 1 or 2") }
        guard SerialSettings.FlowControl(rawValue: flow) != nil else {
            throw ValidationError("--flow must be none, rtscts or xonxoff")
        }
    }

    var settings: SerialSettings {
        SerialSettings(
            baud: baud, dataBits: dataBits, parity: SerialSettings.Parity(rawValue: parity)!, stopBits: stopBits,
            flowControl: SerialSettings.FlowControl(rawValue: flow)!)
    }

    /// "9600 baud, 8N1"
    var summary: String { "\(baud) baud, \(dataBits)\(parity.prefix(1).uppercased())\(stopBits)" }
}
