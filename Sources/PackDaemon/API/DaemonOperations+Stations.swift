public import PackAPI
public import PackCore
import PackDevices
import PackStore

extension DaemonOperations {
    /// The longest code accepted through the API: a scanner never reads more.
    static let maxCodeLength = InputLimits.scanCodeBytes

    public func scan(station: String, body: JSONValue) async throws(APIProblem) -> JSONValue {
        try known(station)
        guard case .object(let members) = body else {
            throw .invalid("the body must be {\"code\": \"...\"}, not \(body.kindName)", field: nil)
        }
        guard let codeValue = members["code"] else { throw .invalid("\"code\" is required", field: "code") }
        guard case .string(let code) = codeValue else { throw .invalid("\"code\" must be a string, not \(codeValue.kindName)", field: "code") }
        guard code.utf8.count <= Self.maxCodeLength else {
            throw .invalid("\"code\" is \(code.utf8.count) bytes; a code is at most \(Self.maxCodeLength)", field: "code")
        }
        guard !code.unicodeScalars.contains("\0") else { throw .invalid("\"code\" contains NUL", field: "code") }
        var device = "api"
        if let d = members["device"], d != .null {
            guard case .string(let text) = d, !text.isEmpty, text.utf8.count <= 128 else {
                throw .invalid("\"device\" must be a string of 1 to 128 bytes", field: "device")
            }
            device = text
        }
        let scan = Scan(code: code, device: device, atMs: MonotonicClock.milliseconds())
        do {
            return try await parts.lanes.enqueue(scan, station: station, now: { WallClock.now() }).value.outcome
        } catch {
            parts.logger.error("scan not decided", metadata: ["station": "\(station)", "error": "\(error)"])
            throw .unavailable("the scan could not be made durable (\(error)); nothing was shipped: scan it again")
        }
    }

    public func station(id: String) async throws(APIProblem) -> JSONValue {
        try known(id)
        do {
            return try await stationJSON(id)
        } catch {
            throw .unavailable("the station could not be read: \(error)")
        }
    }

    public func events(station: String, lastEventId: String?) async throws(APIProblem) -> AsyncStream<ServerSentEvent> {
        try known(station)
        // The state and the subscription are taken together between two of the
        // station's decisions: read apart, an outcome published in between would
        // be in neither (the state read before it, the stream subscribed after).
        do {
            return try await parts.lanes.between(station: station) { [self] in
                let snapshot = try await stationJSON(station)
                return await parts.events.subscribe(station: station, lastEventId: lastEventId, snapshot: snapshot)
            }
        } catch {
            throw .unavailable("the station could not be read: \(error)")
        }
    }

    func known(_ station: String) throws(APIProblem) {
        guard parts.stations.contains(station) else {
            throw APIProblem(
                status: 404, title: "Unknown station",
                detail: "no station \"\(station)\"; configured: \(parts.stations.joined(separator: ", "))", field: "station")
        }
    }

    /// `GET /v1/stations/{id}`: what the packer's screen shows.
    func stationJSON(_ id: String) async throws -> JSONValue {
        let view = try await parts.hub.view(of: id)
        var open: JSONValue = .null
        if let parcel = view.state.open {
            let order = try await parts.journal.order(id: parcel.key.orderId)
            let lines = (view.parcel?.items ?? []).map { line -> JSONValue in
                [
                    "sku": .string(line.sku), "name": .optional(order?.line(sku: line.sku)?.name),
                    "verified": .int(Int64(parcel.verified[line.sku] ?? 0)), "expected": .int(Int64(line.qty)),
                ]
            }
            open = [
                "order": .string(parcel.key.orderId), "parcel": .string(parcel.key.parcelId), "waybill": .string(parcel.waybill),
                "lines": .array(lines), "carrier": .optional(order?.carrier?.code), "service": .optional(order?.carrier?.service),
                "country": .optional(order?.recipient?.country), "remark": .optional(order?.remark),
            ]
        }
        let pending: JSONValue = view.state.pendingError.map {
            ["outcome": .string($0.kind.rawValue), "code": .string($0.code), "message": .string($0.message)]
        } ?? .null
        var printer: JSONValue = .null
        if let profile = parts.config.printer(forStation: id) {
            let report = await parts.board.report(printer: profile.name)
            printer = [
                "name": .string(profile.name), "ready": report.map { .bool($0.isReady) } ?? .null,
                "needs": .array((report?.needs ?? []).map { .string($0.description) }), "message": .optional(report?.message),
            ]
        }
        let backlog = try await parts.journal.outboxBacklog()
        return [
            "id": .string(id), "operator": .optional(view.state.operatorId), "openParcel": open, "pendingError": pending,
            "printer": printer, "outboxBacklog": .int(Int64(backlog.pending)),
            "outboxOldestAgeSeconds": backlog.oldest.map { .int(max(0, (WallClock.now().millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 1000)) } ?? .null,
            "outboxDeadLetters": .int(Int64(backlog.dead)),
            // Why delivery waits when it is the core that refuses packd's token.
            "coreRefusesToken": .bool(parts.coreToken.refusal != nil),
            "labelPolicy": .string(parts.config.engineConfig(forStation: id).labelPolicy.rawValue),
            "shipped": .int(Int64(parts.shippedCount(station: id))),
            "scanners": .array(parts.devices.all.filter { $0.station == id }.map { ["name": .string($0.identity.name ?? $0.identity.devnode), "state": .string($0.state)] }),
        ]
    }
}
