/// A CUPS job as packd follows it.
public struct JobStatus: Sendable, Equatable {
    public enum State: Int, Sendable {
        case pending = 3, held = 4, processing = 5, stopped = 6, canceled = 7, aborted = 8, completed = 9

        /// The printer took the job or CUPS gave up on it: it will not change again.
        public var isFinal: Bool { rawValue >= 7 }
    }

    public var id: Int
    public var name: String
    public var state: State
    /// job-state-reasons without `none`.
    public var reasons: [String]
    /// job-printer-state-message: what the backend last said while trying the job
    /// ("Unable to open print file: Permission denied"), when it said anything.
    public var message: String?

    public init(id: Int, name: String, state: State, reasons: [String] = [], message: String? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.reasons = reasons
        self.message = message
    }

    /// Waiting for a printer that cannot take it, and why in CUPS's words: a job
    /// still pending with `resources-are-not-ready`, or with a backend message,
    /// while nothing is printing it. Its printer's reasons can be empty (CUPS keeps
    /// retrying an idle printer), so this is the only place the trouble shows.
    public var stallReason: String? {
        guard state == .pending || state == .held, !reasons.contains("job-printing") else { return nil }
        if let message { return message }
        return reasons.contains("resources-are-not-ready") ? "resources-are-not-ready" : nil
    }
}

/// What a document is, for CUPS.
public enum DocumentFormat: Sendable, Equatable {
    /// Printer language bytes (ZPL, TSPL), passed through unconverted.
    case raw
    case pdf
    case png

    public var mimeType: String {
        switch self {
        case .raw: "application/vnd.cups-raw"
        case .pdf: "application/pdf"
        case .png: "image/png"
        }
    }
}
