import ArgumentParser
import PackCore
import PackDaemon
import PackStore

struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Manage the orders in the journal.",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace orders from a JSON or CSV file, all or nothing.",
            discussion: "JSON: an array of orders or {\"orders\": [...]} (docs/orders.md). CSV: one row per order line (docs/orders-csv.md)."
        )

        @Argument(help: "The order file.")
        var file: String

        @Option(help: "json or csv (default: from the extension or the content).")
        var format: OrderFileFormatArgument?

        @OptionGroup var options: StateOptions

        func run() async throws {
            let config = try options.loadConfig()
            let orders = try OrderFiles.read(file, format: format?.value)
            // A running packd holds the orders in memory: written behind its back
            // they would not scan (nor print on approval) until its restart. With
            // the shared store the fleet's packd hear of every change anyway.
            if config.store.backend == .sqlite,
                let daemon = try RunningDaemon.find(config, stateDirectory: options.directory(config))
            {
                let (summary, requests) = try await daemon.importOrders(orders)
                Output.line(
                    "Imported \(orders.count) order(s) from \(file): \(summary.added) new, \(summary.replaced) replaced "
                        + "(through the running packd, pid \(daemon.pid), at \(daemon.listen)"
                        + (requests > 1 ? "; \(requests) requests of at most 10,000 orders, each all or nothing)" : ")"))
                report(summary)
                return
            }
            try await options.withJournal(config) { journal in
                let summary: ImportSummary
                do {
                    summary = try await journal.importOrders(
                        orders, at: WallClock.now(), approval: DaemonParts.approvalPrinting(config))
                } catch let error as OrderFileError {
                    throw CLIError("\(file): nothing imported:\n\(error)")
                }
                Output.line(
                    "Imported \(orders.count) order(s) from \(file): \(summary.added) new, \(summary.replaced) replaced "
                        + "(journal: \(options.journalLocation(config)))")
                report(summary)
            }
        }

        private func report(_ summary: ImportSummary) {
            for key in summary.alreadyShipped {
                Output.line("  \(key.orderId) parcel \(key.parcelId): shipped before (remembered after retention); it stays shipped")
            }
        }
    }
}

struct OrderFileFormatArgument: ExpressibleByArgument {
    var value: OrderFileFormat
    init?(argument: String) {
        guard let v = OrderFileFormat(rawValue: argument.lowercased()) else { return nil }
        value = v
    }
    static var allValueStrings: [String] { OrderFileFormat.allCases.map(\.rawValue) }
}

/// Reads and validates an order file; any error means nothing is used.
enum OrderFiles {
    static func read(_ path: String, format: OrderFileFormat?) throws -> [Order] {
        let bytes = try InputFile.read(path, what: "order")
        let format = format ?? OrderFileFormat.detect(path: path, bytes: bytes)
        do {
            return try format.decode(bytes)
        } catch {
            throw CLIError("\(path): nothing imported:\n\(error)")
        }
    }
}
