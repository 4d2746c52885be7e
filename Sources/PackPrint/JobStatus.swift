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

    public init(id: Int, name: String, state: State, reasons: [String] = []) {
        self.id = id
        self.name = name
        self.state = state
        self.reasons = reasons
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
