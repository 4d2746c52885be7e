import Foundation
import PackTestSupport
import PackCore
import PackStore
import PackTestRequirements
import Testing

/// A process that confirms shipments from four stations is SIGKILLed mid-run, twice.
/// Every shipment it reported as confirmed must be in the journal with its event
/// and its stock movements, and no shipment may be half-written.
@Suite(.offCooperativePool) struct DurabilityTests {
    let dir = TempDirectory()

    @Test(.timeLimit(.minutes(3)))
    func killedMidRunLosesNoConfirmedShipment() async throws {
        let state = dir.sub("state")
        let first = try ShipLoop.runUntilKilled(state: state, after: 150)
        // Struck mid-run: confirmations made, and orders left to ship.
        #expect(first.count >= 150 && first.count < 5000, "\(first.count) confirmed before the kill")
        try await verify(state: state, confirmed: first)

        let second = try ShipLoop.runUntilKilled(state: state, after: 150)
        #expect(second.count >= 150 && first.count + second.count < 5000, "\(second.count) confirmed before the kill")
        #expect(Set(first).isDisjoint(with: second), "a parcel was confirmed twice")
        try await verify(state: state, confirmed: first + second)
    }

    func verify(state: String, confirmed: [String]) async throws {
        let journal = try SQLiteJournal(directory: state)
        #expect(try await journal.integrityCheck() == "ok")
        let shipped = Set(try await journal.parcelStates().filter { $0.state == "shipped" }.map(\.key.parcelId))
        let missing = Set(confirmed).subtracting(shipped)
        #expect(missing.isEmpty, "confirmed but not in the journal: \(missing.sorted().prefix(5))")

        let events = try await journal.outbox(limit: 1_000_000).filter { $0.type == .parcelShipped }
        let eventParcels = try events.map { try JSONParser.parse($0.payload)["parcelId"]?.stringValue ?? "" }
        #expect(Set(eventParcels) == shipped, "a shipment without its event, or an event without its shipment")
        #expect(eventParcels.count == shipped.count, "a parcel.shipped event was written twice")

        // Each synthetic parcel holds two SKUs: two ledger movements per shipment.
        let levels = try await journal.stockLevels()
        let moved = levels.reduce(0) { $0 + $1.movements }
        let units = levels.reduce(0) { $0 - $1.quantity }
        #expect(moved == 2 * shipped.count)
        #expect(units == 2 * shipped.count)
    }
}

/// Drives `packd debug ship-loop` and kills it with SIGKILL after `after` confirmations.
enum ShipLoop {
    static func runUntilKilled(state: String, after threshold: Int) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Packd.binary)
        process.arguments = ["debug", "ship-loop", "--state", state, "--stations", "4", "--orders", "5000"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.startDyingWithUs()

        let reader = LineWatcher(out.fileHandleForReading)
        let reached = reader.wait(seconds: 90) { $0.count >= threshold }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit(seconds: 60)
        let lines = reader.untilEnd()
        guard reached else {
            throw CLIFailure("ship-loop confirmed only \(lines.count) shipments in 90 s (exit \(process.terminationStatus))")
        }
        #expect(process.terminationReason == .uncaughtSignal)
        return lines.compactMap { $0.hasPrefix("confirmed ") ? String($0.dropFirst(10)) : nil }
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
