public import PackPrint

/// What each station's printer needs from the packer, from the printer workers'
/// latest look at CUPS: the station display shows it, and the packer knows to
/// load labels or close the door instead of scanning into a silent printer.
public actor PrinterBoard {
    private let config: PackConfig
    private var statuses: [String: PrinterReport] = [:]

    public init(config: PackConfig) { self.config = config }

    /// A worker's latest status of `printer`; nil when CUPS could not be asked.
    /// `stalledJob`: why CUPS keeps the worker's job waiting, when it does (the
    /// printer itself may look idle and ready meanwhile).
    public func update(printer: String, status: PrinterStatus?, stalledJob: String? = nil) {
        var needs: [PrinterCondition]
        if let status {
            needs = status.conditions
            if !status.acceptingJobs { needs.append(.other("rejecting jobs")) }
        } else {
            needs = [.other("the print server (CUPS) is not answering")]
        }
        if let stalledJob, needs.isEmpty {
            needs.append(.other("CUPS cannot send the label: \(stalledJob)"))
        }
        statuses[printer] = PrinterReport(printer: printer, needs: needs, detail: status?.message ?? stalledJob)
    }

    /// What `printer` needs; nil when it has not been looked at yet.
    public func report(printer: String) -> PrinterReport? { statuses[printer] }

    /// The printer of `station` and what it needs; nil when the station has no
    /// printer or none has been looked at yet.
    public func report(forStation station: String) -> PrinterReport? {
        guard let printer = config.printer(forStation: station) else { return nil }
        return statuses[printer.name]
    }
}

public struct PrinterReport: Sendable, Equatable {
    public var printer: String
    /// Empty when the printer is ready.
    public var needs: [PrinterCondition]
    /// What CUPS last said about the printer, as it said it.
    public var detail: String?

    public init(printer: String, needs: [PrinterCondition], detail: String? = nil) {
        self.printer = printer
        self.needs = needs
        self.detail = detail
    }

    public var isReady: Bool { needs.isEmpty }

    /// For the packer: `Printer label-1: out of labels` or `Printer label-1: ready`.
    public var message: String {
        "Printer \(printer): " + (needs.isEmpty ? "ready" : needs.map(\.description).joined(separator: ", "))
    }
}
