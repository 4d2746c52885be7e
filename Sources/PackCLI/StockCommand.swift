import ArgumentParser
import PackCore
import PackDaemon
import PackStore

struct StockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "The embedded stock ledger (local mode): stock per SKU and its movements.",
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show stock per SKU, or one SKU's movements.")

        @Option(help: "Show this SKU's movements.")
        var sku: String?

        @Option(help: "How many movements to show.")
        var limit = 50

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        @OptionGroup var options: StateOptions

        func run() async throws {
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                if let sku {
                    let moves = try await journal.stockMovements(sku: sku, limit: max(1, limit))
                    if json {
                        for m in moves { Output.line(StockFormatting.json(m).serialized()) }
                    } else {
                        StockFormatting.printMovements(moves, sku: sku)
                    }
                    return
                }
                let levels = try await journal.stockLevels()
                if json {
                    for l in levels {
                        Output.line(
                            JSONValue.object([
                                "sku": .string(l.sku), "quantity": .int(Int64(l.quantity)),
                                "movements": .int(Int64(l.movements)), "lastMovementAt": .string(l.lastMovementAt.rfc3339),
                            ]).serialized())
                    }
                } else {
                    StockFormatting.printLevels(levels)
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a stock count: the SKU has QTY units now.")

        @Argument(help: "The SKU counted.")
        var sku: String

        @Argument(help: "The units on hand.")
        var quantity: Int

        @Option(help: "A note kept with the count (who counted, why).")
        var note: String?

        @OptionGroup var options: StateOptions

        func validate() throws {
            guard quantity >= 0 else { throw ValidationError("QTY must be 0 or more, not \(quantity)") }
            guard quantity <= 1_000_000_000 else { throw ValidationError("QTY must be at most 1000000000") }
            guard !sku.isEmpty, CodeText.trim(sku) == sku, sku.utf8.count <= 128 else {
                throw ValidationError("SKU must be 1 to 128 bytes without surrounding spaces or control characters")
            }
        }

        func run() async throws {
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                let move = try await journal.setStock(sku: sku, quantity: quantity, at: WallClock.now(), note: note)
                Output.line("\(sku): counted \(quantity) (\(move.delta >= 0 ? "+" : "")\(move.delta) against the ledger)")
            }
        }
    }
}

enum StockFormatting {
    static func json(_ m: StockMovement) -> JSONValue {
        .object([
            "seq": .int(m.seq), "sku": .string(m.sku), "delta": .int(Int64(m.delta)),
            "balance": .int(Int64(m.balance)), "kind": .string(m.kind.rawValue), "reference": .optional(m.reference),
            "at": .string(m.at.rfc3339),
        ])
    }

    static func printLevels(_ levels: [StockLevel]) {
        guard !levels.isEmpty else {
            Output.line("The stock ledger is empty. Record a count with: packd stock set SKU QTY")
            return
        }
        let width = max(3, levels.map { $0.sku.count }.max() ?? 3)
        Output.line(pad("SKU", width) + "  " + lpad("ON HAND", 9) + "  " + lpad("MOVES", 6) + "  LAST MOVEMENT")
        for l in levels {
            Output.line(
                pad(l.sku, width) + "  " + lpad(String(l.quantity), 9) + "  " + lpad(String(l.movements), 6) + "  "
                    + l.lastMovementAt.rfc3339)
        }
    }

    static func printMovements(_ moves: [StockMovement], sku: String) {
        guard !moves.isEmpty else {
            Output.line("No movements for \(sku).")
            return
        }
        Output.line(lpad("SEQ", 6) + "  " + pad("AT", 24) + "  " + pad("KIND", 8) + "  " + lpad("DELTA", 7) + "  "
            + lpad("BALANCE", 8) + "  REFERENCE")
        for m in moves {
            Output.line(
                lpad(String(m.seq), 6) + "  " + pad(m.at.rfc3339, 24) + "  " + pad(m.kind.rawValue, 8) + "  "
                    + lpad((m.delta > 0 ? "+" : "") + String(m.delta), 7) + "  " + lpad(String(m.balance), 8) + "  "
                    + (m.reference ?? ""))
        }
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
}
