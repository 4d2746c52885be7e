import Foundation
import Logging
import OrderedCollections
import PackCore
import PackStore
import PostgresNIO

/// Writes one decision in one statement, `packd_commit` (FleetCommitFunction),
/// which decides every transition another station could race on the rows
/// themselves and refuses the whole commit when one was lost.
enum FleetCommitWriter {
    /// Commits the decision in one round trip: `packd_commit_durably` commits
    /// before it answers. `db` must not be in a transaction (PostgreSQL refuses
    /// COMMIT in a procedure called inside one). Returns the notifications to send,
    /// the commit being on disk.
    static func commit(_ commit: ScanCommit, node: String, mode: CoreMode, on db: PostgresConnection, logger: Logger) async throws
        -> [String]
    {
        let argument = Self.argument(commit, node: node, mode: mode).serialized()
        do {
            var notes: [String] = []
            for try await row in try await db.checkedQuery("CALL packd_commit_durably(\(argument)::jsonb)", logger: logger)
                .decode([String].self)
            {
                notes = row
            }
            return notes
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == refusedState {
            throw refusal(error)
        }
    }

    /// The SQLSTATE `packd_commit` refuses a commit with.
    static let refusedState = "PD001"

    /// The commit as `packd_commit` reads it.
    static func argument(_ commit: ScanCommit, node: String, mode: CoreMode) -> JSONValue {
        let orderIds = Set(commit.changes.map(\.parcel.orderId)).sorted()
        let changes: [JSONValue] = commit.changes.map { change in
            let key = change.parcel
            var members: OrderedDictionary<String, JSONValue> = ["order": .string(key.orderId), "parcel": .string(key.parcelId)]
            switch change {
            case .open(_, let station):
                members["kind"] = "open"
                members["station"] = .string(station)
            case .release(_, let station):
                members["kind"] = "release"
                members["station"] = .string(station)
            case .ship:
                // Either verified at this station, or claimed whole (一单一件) while nobody had it.
                let shipped = commit.events.first { $0.type == .parcelShipped && $0.draft.parcelId == key.parcelId }
                members["kind"] = "ship"
                members["station"] = .optional(shipped?.draft.station)
                members["at"] = shipped.map { .int($0.draft.occurredAt.millisecondsSinceEpoch) } ?? .null
            }
            return .object(members)
        }
        let station: JSONValue =
            commit.station.map { station in
                [
                    "id": .string(station.station), "state": .string(station.json.serialized()),
                    "at": .int(commit.events.first?.draft.occurredAt.millisecondsSinceEpoch ?? 0),
                ]
            } ?? .null
        let state: OutboxEntry.State = mode == .local ? .applied : .pending
        let events: [JSONValue] = commit.events.map { event in
            var members: OrderedDictionary<String, JSONValue> = [
                "id": .string(event.id), "type": .string(event.type.rawValue), "order": .string(event.draft.orderId),
                "parcel": .optional(event.draft.parcelId), "at": .int(event.draft.occurredAt.millisecondsSinceEpoch),
                "payload": .string(event.json.serialized()), "state": .string(state.rawValue),
            ]
            // In local mode shipments go to the shared stock ledger, one SKU after
            // another in one order, so two shipments never deadlock on the levels.
            if mode == .local, event.type == .parcelShipped {
                var deltas: [String: Int] = [:]
                for item in event.draft.items ?? [] { deltas[item.sku, default: 0] -= item.qty }
                members["stock"] = .array(
                    deltas.sorted { $0.key < $1.key }.map { ["sku": .string($0.key), "delta": .int(Int64($0.value))] })
            }
            return .object(members)
        }
        let labels: [JSONValue] = commit.labels.map { r in
            [
                "id": .string(r.id), "printer": .string(r.printer), "station": .optional(r.station), "order": .optional(r.orderId),
                "parcel": .optional(r.parcelId), "reprint": .bool(r.reprint), "format": .string(r.format),
                "document": r.document.map { .string(Data($0).base64EncodedString()) } ?? .null,
                "at": .int(r.createdAt.millisecondsSinceEpoch),
            ]
        }
        return [
            "node": .string(node), "orders": .array(orderIds.map(JSONValue.string)), "changes": .array(changes),
            "station": station, "events": .array(events), "labels": .array(labels),
        ]
    }

    /// What `packd_commit` said when it refused: the parcel as it is now.
    static func refusal(_ error: PSQLError) -> JournalError {
        let detail = error.serverInfo?[.detail].flatMap { try? JSONParser.parse($0) }
        let key = ParcelKey(orderId: detail?["order"]?.stringValue ?? "?", parcelId: detail?["parcel"]?.stringValue ?? "?")
        switch detail?["kind"]?.stringValue {
        case "shipped": return .alreadyShipped(key)
        case "unknown": return .unknownParcel(key)
        default: return .lostRace(key, reason: detail?["reason"]?.stringValue ?? "changed at another station")
        }
    }
}

/// Tells every packd that an order or one of its parcels changed; PostgreSQL
/// delivers it when (and only if) the transaction commits.
enum FleetNotifier {
    static func announce(orderId: String, node: String, on db: PostgresConnection, logger: Logger) async throws {
        let payload = "\(node)\n\(orderId)"
        try await db.checkedQuery("SELECT pg_notify(\(PostgresJournal.channel), \(payload))", logger: logger)
    }

    /// Tells the packd that owns a printer that a label for it was queued by
    /// another one. The payload starts with BEL, which no node name holds.
    static func printQueued(jobId: String, owner: String, by node: String, on db: PostgresConnection, logger: Logger) async throws {
        let payload = "\(printMark)\(owner)\n\(node)\n\(jobId)"
        try await db.checkedQuery("SELECT pg_notify(\(PostgresJournal.channel), \(payload))", logger: logger)
    }

    static let printMark: Character = "\u{7}"

    static let parcelsMark: Character = "\u{2}"

    /// A notification's meaning: an order changed (read it), parcels of an order
    /// changed to these states (`packd_commit`: no read needed), or a label was
    /// queued.
    enum Note: Equatable {
        case order(id: String, by: String)
        case parcels(orderId: String, by: String, states: [ParcelKey: ParcelState])
        case print(jobId: String, owner: String, by: String)

        init?(payload: String) {
            if payload.first == FleetNotifier.parcelsMark {
                guard let split = payload.firstIndex(of: "\n"),
                    let json = try? JSONParser.parse(String(payload[payload.index(after: split)...])),
                    let orderId = json["o"]?.stringValue, case .array(let parcels)? = json["p"]
                else { return nil }
                var states: [ParcelKey: ParcelState] = [:]
                for parcel in parcels {
                    guard case .array(let fields) = parcel, fields.count == 3, let id = fields[0].stringValue,
                        let state = fields[1].stringValue
                    else { return nil }
                    states[ParcelKey(orderId: orderId, parcelId: id)] = PostgresJournal.parcelState(state, fields[2].stringValue)
                }
                self = .parcels(orderId: orderId, by: String(payload.dropFirst()[..<split]), states: states)
            } else if payload.first == FleetNotifier.printMark {
                let parts = payload.dropFirst().split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { return nil }
                self = .print(jobId: String(parts[2]), owner: String(parts[0]), by: String(parts[1]))
            } else {
                guard let split = payload.firstIndex(of: "\n") else { return nil }
                self = .order(id: String(payload[payload.index(after: split)...]), by: String(payload[..<split]))
            }
        }
    }
}
