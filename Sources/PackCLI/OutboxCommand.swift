import ArgumentParser
import PackCore
import PackDaemon
import PackStore

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Events on their way to the core: counts, dead letters, and sending them again or letting them go.",
        discussion: """
            A dead letter is an event the core refused for good (a 4xx other than 408, 409
            and 429). Later events of its order wait behind it. Fix the cause at the core,
            then send it again; or drop it with a reason, which lets the events behind it go.

              packd outbox                         counts and dead letters
              packd outbox retry --all             send every dead letter again
              packd outbox drop 01JD3Z... --reason "refund booked by hand in the ERP"
            """,
        subcommands: [List.self, Retry.self, Drop.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the outbox's counts and its dead letters.")

        @Flag(help: "Include dropped dead letters.")
        var all = false

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        @OptionGroup var options: StateOptions

        func run() async throws {
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                let counts = try await journal.outboxCounts()
                let letters = try await journal.deadLetters(includeDropped: all)
                if json {
                    Output.line(
                        JSONValue.object(
                            .init(uniqueKeysWithValues: [OutboxEntry.State.pending, .delivered, .dead, .dropped, .applied].map {
                                ($0.rawValue, JSONValue.int(Int64(counts[$0] ?? 0)))
                            })
                        ).serialized())
                    for letter in letters { Output.line(DeadLetterJSON.json(letter).serialized()) }
                    return
                }
                Output.line(
                    "pending \(counts[.pending] ?? 0)  delivered \(counts[.delivered] ?? 0)  dead \(counts[.dead] ?? 0)"
                        + "  dropped \(counts[.dropped] ?? 0)  applied locally \(counts[.applied] ?? 0)")
                for letter in letters {
                    var line = "\(letter.state.rawValue)  \(letter.id)  \(letter.type)  order \(letter.orderId)"
                    if let status = letter.status { line += "  HTTP \(status)" }
                    if letter.held > 0 { line += "  holds \(letter.held) later event(s)" }
                    if let response = letter.response, !response.isEmpty { line += "\n    core: \(response.prefix(300))" }
                    if let reason = letter.dropReason { line += "\n    dropped: \(reason)" }
                    Output.line(line)
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead letters again (a running packd picks them up within a second).")

        @Argument(help: "Event ids (ULIDs) of dead letters.")
        var ids: [String] = []

        @Flag(help: "Every dead letter.")
        var all = false

        @OptionGroup var options: StateOptions

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("name event ids or --all, not both") }
        }

        func run() async throws {
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                let retried = try await OutboxCommand.refusingUnknown { try await journal.retryDeadLetters(ids: all ? nil : ids) }
                Output.line("\(retried.count) dead letter(s) will be sent again")
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let dead letters go for good, with a reason; the events behind them are sent.")

        @Argument(help: "Event ids (ULIDs) of dead letters.")
        var ids: [String] = []

        @Flag(help: "Every dead letter.")
        var all = false

        @Option(help: "Why (kept with the event).")
        var reason: String

        @OptionGroup var options: StateOptions

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("name event ids or --all, not both") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.utf8.count <= 1000 else {
                throw ValidationError("--reason must say why, in at most 1000 bytes")
            }
        }

        func run() async throws {
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                let dropped = try await OutboxCommand.refusingUnknown {
                    try await journal.dropDeadLetters(ids: all ? nil : ids, reason: reason, at: WallClock.now())
                }
                Output.line("\(dropped.count) dead letter(s) dropped")
            }
        }
    }

    /// The journal changes nothing unless every id named is a dead letter; the user hears which are not.
    static func refusingUnknown(_ work: () async throws -> [String]) async throws -> [String] {
        do {
            return try await work()
        } catch let unknown as NotDeadLetters {
            throw CLIError(unknown.description)
        }
    }
}
