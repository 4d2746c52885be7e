/// A CUPS queue as packd sees it: its state, why, and what it can print.
public struct PrinterStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case idle, processing, stopped
    }

    public var name: String
    public var state: State
    /// printer-state-reasons without `none` (`media-empty-error`, `paused`...).
    public var reasons: [String]
    public var acceptingJobs: Bool
    public var deviceURI: String?
    public var makeAndModel: String?
    public var info: String?
    /// printer-state-message: what the backend last said ("The printer may not
    /// exist or is unavailable at this time.").
    public var message: String?
    /// document-format-supported.
    public var formats: [String]

    public init(
        name: String, state: State, reasons: [String] = [], acceptingJobs: Bool = true, deviceURI: String? = nil,
        makeAndModel: String? = nil, info: String? = nil, message: String? = nil, formats: [String] = []
    ) {
        self.message = message
        self.name = name
        self.state = state
        self.reasons = reasons
        self.acceptingJobs = acceptingJobs
        self.deviceURI = deviceURI
        self.makeAndModel = makeAndModel
        self.info = info
        self.formats = formats
    }

    /// What the printer needs from a person, from its state and reasons.
    public var conditions: [PrinterCondition] {
        var out: [PrinterCondition] = []
        if state == .stopped || reasons.contains("paused") { out.append(.paused) }
        for reason in reasons {
            let base = PrinterCondition.baseReason(reason)
            let condition: PrinterCondition? =
                switch base {
                case "media-empty", "media-needed": .outOfPaper
                case "media-jam": .paperJam
                case "door-open", "cover-open", "interlock-open": .doorOpen
                case "offline", "offline-report", "connecting-to-device", "shutdown": .offline
                case "paused", "none", "media-low", "toner-low", "marker-supply-low": nil
                default: reason.hasSuffix("-error") ? .other(base) : nil
                }
            if let condition, !out.contains(condition) { out.append(condition) }
        }
        // CUPS's network backends say so only in the state message while they
        // retry a printer that refuses connections.
        if !out.contains(.offline), let message, Self.unreachableMessages.contains(where: { message.contains($0) }) {
            out.append(.offline)
        }
        return out
    }

    /// What CUPS's socket, ipp and lpd backends report (in English) while they
    /// cannot reach the printer.
    static let unreachableMessages = [
        "may not exist or is unavailable", "Unable to connect", "Waiting for printer to become available",
        "Network host", "is busy; will retry", "Unable to locate printer",
    ]

    /// A raw queue passes bytes to the printer unconverted: right for ZPL and
    /// TSPL, wrong for PDF. (A queue lpadmin is still setting up has no model
    /// yet; it is not taken for raw.)
    public var isRaw: Bool { makeAndModel == "Local Raw Printer" }

    /// What packd can send to this queue, by language.
    public var languages: [String] {
        if isRaw { return ["zpl", "tspl"] }
        var out: [String] = []
        if formats.contains("application/vnd.zebra-zpl") { out.append("zpl") }
        if formats.contains("application/vnd.tsc-tspl") { out.append("tspl") }
        if formats.contains("application/pdf") || formats.contains("application/octet-stream") { out.append("pdf") }
        if formats.contains("image/png") || formats.contains("application/octet-stream") { out.append("png") }
        return out
    }
}

/// Printer trouble a packer can fix, shown at the station.
public enum PrinterCondition: Sendable, Equatable, CustomStringConvertible {
    case outOfPaper, paperJam, doorOpen, offline, paused
    case other(String)

    public var description: String {
        switch self {
        case .outOfPaper: "out of labels"
        case .paperJam: "label jam"
        case .doorOpen: "door open"
        case .offline: "offline"
        case .paused: "paused"
        case .other(let reason): reason
        }
    }

    /// `media-empty-error` -> `media-empty`.
    static func baseReason(_ reason: String) -> String {
        for suffix in ["-error", "-warning", "-report"] where reason.hasSuffix(suffix) {
            return String(reason.dropLast(suffix.count))
        }
        return reason
    }
}
