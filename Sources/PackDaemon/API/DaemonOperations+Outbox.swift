public import PackAPI
public import PackCore
import PackStore

/// The outbox's dead letters through the API (contracts.md section 4).
extension DaemonOperations {
    public func outbox() async throws(APIProblem) -> JSONValue {
        do {
            let counts = try await parts.journal.outboxCounts()
            let backlog = try await parts.journal.outboxBacklog()
            let letters = try await parts.journal.deadLetters()
            let inputs = try await parts.journal.inputDeadLetters()
            let states: [OutboxEntry.State] = [.pending, .delivered, .dead, .dropped, .applied]
            return [
                "mode": .string(parts.config.coreMode.rawValue),
                "counts": .object(.init(uniqueKeysWithValues: states.map { ($0.rawValue, JSONValue.int(Int64(counts[$0] ?? 0))) })),
                "oldestPendingAt": .optional(backlog.oldest?.rfc3339),
                "deadLetters": .array(letters.map(DeadLetterJSON.json)),
                "inputDeadLetters": .array(inputs.map(DeadLetterJSON.json)),
            ]
        } catch {
            throw .unavailable("the journal could not be read: \(error)")
        }
    }

    public func retryDeadLetters(_ body: JSONValue) async throws(APIProblem) -> JSONValue {
        let ids = try Self.eventIds(body)
        do {
            let retried = try await parts.journal.retryDeadLetters(ids: ids)
            await parts.outboxChanged()
            parts.logger.notice("dead letters sent again", metadata: ["count": "\(retried.count)"])
            return ["retried": .array(retried.map(JSONValue.string))]
        } catch let unknown as NotDeadLetters {
            throw Self.problem(unknown)
        } catch {
            throw .unavailable("the journal could not be written: \(error)")
        }
    }

    public func dropDeadLetters(_ body: JSONValue) async throws(APIProblem) -> JSONValue {
        let ids = try Self.eventIds(body)
        // Dropping is for good: every dead letter only when asked in so many words.
        if ids == nil, case .object(let members) = body, members["all"] != .bool(true) {
            throw .invalid("name the dead letters to drop (ids), or say \"all\": true", field: "ids")
        }
        guard case .object(let members) = body, case .string(let reason)? = members["reason"],
            !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.utf8.count <= 1000
        else { throw .invalid("reason must say why the events are dropped (1 to 1000 bytes)", field: "reason") }
        do {
            let dropped = try await parts.journal.dropDeadLetters(ids: ids, reason: reason, at: WallClock.now())
            await parts.outboxChanged()
            parts.logger.notice("dead letters dropped", metadata: ["count": "\(dropped.count)", "reason": "\(reason)"])
            return ["dropped": .array(dropped.map(JSONValue.string))]
        } catch let unknown as NotDeadLetters {
            throw Self.problem(unknown)
        } catch {
            throw .unavailable("the journal could not be written: \(error)")
        }
    }

    /// `ids` absent: every dead letter (nil).
    static func eventIds(_ body: JSONValue) throws(APIProblem) -> [String]? {
        guard case .object(let members) = body else { throw .invalid("the body must be a JSON object", field: nil) }
        guard let value = members["ids"] else { return nil }
        guard case .array(let elements) = value, elements.count <= 10_000 else {
            throw .invalid("ids must be an array of at most 10000 event ids", field: "ids")
        }
        var ids: [String] = []
        for (i, element) in elements.enumerated() {
            guard case .string(let id) = element, !id.isEmpty, id.utf8.count <= InputLimits.identifierBytes else {
                throw .invalid("ids[\(i)] must be an event id", field: "ids[\(i)]")
            }
            ids.append(id)
        }
        return ids
    }

    static func problem(_ unknown: NotDeadLetters) -> APIProblem {
        APIProblem(
            status: 404, title: "Not a dead letter", detail: "\(unknown.ids[0]) is not a dead letter", field: "ids[\(unknown.firstIndex)]")
    }
}
