/// Line settings of a serial (RS-232, USB CDC-ACM, USB-serial) scanner.
public struct SerialSettings: Sendable, Equatable {
    public enum Parity: String, Sendable, CaseIterable { case none, even, odd }
    public enum FlowControl: String, Sendable, CaseIterable { case none, rtscts, xonxoff }

    public var baud = 9600
    public var dataBits = 8
    public var parity = Parity.none
    public var stopBits = 1
    public var flowControl = FlowControl.none

    public init(baud: Int = 9600, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1, flowControl: FlowControl = .none) {
        self.baud = baud
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
    }

    public static let supportedBauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400]
}
