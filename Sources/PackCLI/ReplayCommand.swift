import ArgumentParser
import PackCore
import PackDaemon
import PackStore

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run recorded scans through the scan-to-ship engine and print each outcome.",
        discussion: """
            ORDERS: a JSON array of orders or {"orders": [...]} (CSV also works). SCANS: one JSON object a line, \
            {"code": "...", "at_ms": 1200, "device": "s1"}, or {"order": {...}} to change an order at that point. \
            Prints one JSON line per scan, then {"summary": ..., "events": [...]}. Writes no state unless --state is given.
            """
    )

    @Option(help: "The orders file.")
    var orders: String

    @Option(help: "The scans file (JSON lines).")
    var scans: String

    @Option(help: "The configuration file (TOML): engine rules, control codes, stations.")
    var config: String?

    @Option(help: "The station the scans are made at (default: the only configured station, or \"replay\").")
    var station: String?

    @Option(help: "Journal the run in this state directory (orders, decisions, events, stock).")
    var state: String?

    @Option(help: "Output: json (one object a line, the default) or text (for people).")
    var format: ReplayFormat = .json

    @Option(help: "The wall-clock time of at_ms 0 (RFC 3339), for the events' occurredAt.")
    var start: String = "1970-01-01T00:00:00Z"

    func run() async throws {
        guard let startTime = Timestamp(rfc3339: start) else {
            throw CLIError("--start: \"\(start)\" is not an RFC 3339 time such as 2026-11-22T08:00:00Z")
        }
        let packConfig = try StateOptions.loadConfig(config)
        let orderList = try OrderFiles.read(orders, format: nil)
        let steps: [ReplayStep]
        do {
            steps = try ReplayScript.parse(try InputFile.read(scans, what: "scans"))
        } catch let error as ReplayInputError {
            throw CLIError("\(scans): \(error)")
        }
        let stationId = station ?? packConfig.defaultStation(fallback: "replay")
        let engine = ScanEngine(config: packConfig.engineConfig(forStation: stationId))

        var journal: SQLiteJournal?
        var book = OrderBook(orders: orderList)
        var stationState = StationState(station: stationId)
        if let state {
            let j = try StateOptions.openJournal(at: state, mode: packConfig.coreMode)
            _ = try await importing(orders) { try await j.importOrders(orderList, at: startTime) }
            book = try await j.loadBook()
            stationState = try await j.loadStation(stationId) ?? stationState
            journal = j
        }

        var session = ReplaySession(engine: engine, book: book, station: stationState, start: startTime)
        let printer = ReplayPrinter(format: format, immediate: journal != nil)
        var lastAt: Int64 = 0
        for step in steps {
            switch step {
            case .upsert(let order):
                if let journal {
                    let at = startTime.adding(milliseconds: lastAt)
                    _ = try await importing(scans) { try await journal.importOrders([order], at: at) }
                }
                session.upsert(order)
            case .scan(let scan):
                lastAt = scan.atMs
                let decided = session.decide(scan)
                if let journal {
                    try await journal.record(
                        ScanCommit(decision: decided.decision, previous: session.state, events: decided.events))
                }
                session.accept(decided)
                printer.print(decided)
            }
        }
        printer.printSummary(session)
    }

    private func importing(_ file: String, _ body: () async throws -> ImportSummary) async throws -> ImportSummary {
        do {
            return try await body()
        } catch let error as OrderFileError {
            throw CLIError("\(file): nothing imported:\n\(error)")
        }
    }
}

enum ReplayFormat: String, ExpressibleByArgument, CaseIterable {
    case json, text
}
