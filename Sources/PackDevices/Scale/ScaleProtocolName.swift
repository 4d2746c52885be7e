public import PackCore

/// The protocols `[[scales]] protocol` names (contracts.md section 8).
public enum ScaleProtocolName: String, Sendable, Equatable, CaseIterable {
    case mtSICS = "mt-sics"
    case toledo8217 = "toledo-8217"
    case continuous
    case xk3190A9 = "xk3190-a9"
    case xk3190A12 = "xk3190-a12"
    case cas
    case hidPOS = "hid-pos"
    case auto

    /// The framer for a serial scale speaking it; nil for HID (reports, not a
    /// byte stream) and auto (decided by probing).
    public func serialFramer(unit: WeightUnit = .kilogram) -> (any ScaleFramer)? {
        switch self {
        case .mtSICS: MTSICSFramer()
        case .toledo8217: Toledo8217Framer(unit: unit)
        case .continuous: ContinuousFramer(unit: unit)
        case .xk3190A9: XK3190A9Framer(unit: unit)
        case .xk3190A12: XK3190A12Framer(unit: unit)
        case .cas: CASFramer()
        case .hidPOS, .auto: nil
        }
    }

    /// What packd sends every poll interval, for the protocols that wait to be
    /// asked (CAS: the enquiry, answered by ACK); nil for those that send by
    /// themselves (continuous, XK3190, HID).
    public var poll: [UInt8]? {
        switch self {
        case .mtSICS: MTSICSFramer.weighNow
        case .toledo8217: Toledo8217Framer.weigh
        case .cas: CASFramer.enquire
        case .continuous, .xk3190A9, .xk3190A12, .hidPOS, .auto: nil
        }
    }

    /// What packd sends when the scale answers `answer` (CAS: ACK to the
    /// enquiry, then DC1 asks for the weight).
    public func reply(to answer: ScaleAnswer) -> [UInt8]? {
        self == .cas && answer == .ready ? CASFramer.requestWeight : nil
    }
}
