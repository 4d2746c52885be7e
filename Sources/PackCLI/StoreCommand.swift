import ArgumentParser
import Foundation
import PackDaemon
import PackFleet
import PackStore

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The fleet's shared store (docs/fleet.md).",
        subcommands: [Migrate.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move this station's SQLite journal into the shared PostgreSQL store.",
            discussion: """
                Reads the journal in the state directory (left unchanged) and writes its orders, parcel states, \
                stations, outbox, stock ledger, unprinted labels, feed cursor and input dead letters into the store \
                that the configuration's [store] url names, in one transaction: all of it or nothing. Orders the store \
                already has are merged: a parcel shipped or open here is shipped or open there; a parcel shipped on \
                two PCs is named and left as the store has it. Running it again changes nothing.

                Stop packd on this PC first, and start it again with [store] backend = "postgres" afterwards.

                Example:
                  systemctl stop packd
                  packd store migrate --from sqlite --to postgres --config /etc/packd/packd.toml --dry-run
                  packd store migrate --from sqlite --to postgres --config /etc/packd/packd.toml
                  systemctl start packd
                """)

        @Option(help: "Where from: sqlite (this station's journal).")
        var from: String

        @Option(help: "Where to: postgres (the store the configuration's [store] url names).")
        var to: String

        @Option(help: "This PC's node name in the fleet (default: [store] node, else the one packd run would take: the host name and a hash of the machine id and state directory).")
        var node: String?

        @Flag(help: "Do everything, report it, and write nothing.")
        var dryRun = false

        @OptionGroup var options: StateOptions

        func validate() throws {
            guard from == "sqlite" else { throw ValidationError("--from must be \"sqlite\", not \"\(from)\"") }
            guard to == "postgres" else { throw ValidationError("--to must be \"postgres\", not \"\(to)\"") }
        }

        func run() async throws {
            let config = try options.loadConfig()
            guard config.store.url != nil else {
                throw CLIError("the configuration has no [store] url: set [store] backend = \"postgres\" and url (docs/fleet.md) first")
            }
            let source: JournalExport
            do {
                source = try JournalExport(directory: options.directory(config))
            } catch {
                throw CLIError("\(error)")
            }
            let (store, address) = try await StateOptions.openSharedStore(
                config, stateDirectory: options.directory(config), node: node)
            let summary: FleetImportSummary
            do {
                summary = try await FleetJournalImport.run(source, into: store, dryRun: dryRun) { progress in
                    // Progress on a terminal only: a log of a scripted run needs the summary alone.
                    if isatty(2) != 0 { FileHandle.standardError.write(Data("packd store migrate: \(progress)\n".utf8)) }
                }
            } catch {
                await store.close()
                throw CLIError("nothing was moved: \(FleetStoreError.describe(error))")
            }
            await store.close()
            Self.print(summary, from: source.path, to: address.description, node: store.node, dryRun: dryRun)
        }

        static func print(_ s: FleetImportSummary, from: String, to: String, node: String, dryRun: Bool) {
            Output.line(dryRun ? "dry run: \(from) → \(to) (node \(node)) would move:" : "moved \(from) → \(to) (node \(node)):")
            Output.line("  orders: \(s.ordersNew) new, \(s.ordersMerged) merged into the store's; parcels: \(s.parcelsShipped) shipped, \(s.parcelsOpen) open")
            Output.line("  outbox: \(s.events) event(s), \(s.eventsWaiting) waiting for the core; \(s.eventsAlreadyThere) already in the store")
            Output.line("  stock ledger: \(s.movements) movement(s); \(s.movementsAlreadyThere) already in the store")
            Output.line("  stations: \(s.stations); unprinted labels: \(s.printJobs); feed cursors: \(s.feedCursors); input dead letters: \(s.inputDeadLetters); labels on approval: \(s.approvalLabels)")
            if !s.conflicts.isEmpty {
                Output.line("  \(s.conflicts.count) conflict(s), the store's state kept:")
                for conflict in s.conflicts.prefix(50) { Output.line("    \(conflict)") }
                if s.conflicts.count > 50 { Output.line("    and \(s.conflicts.count - 50) more") }
            }
        }
    }
}
