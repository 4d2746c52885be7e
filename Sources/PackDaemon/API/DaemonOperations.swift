public import PackAPI
public import PackCore
import OrderedCollections
import PackStore

/// The operations the HTTP routes call, carried out by the daemon's parts.
public struct DaemonOperations: PackOperations {
    let parts: DaemonParts

    public init(parts: DaemonParts) { self.parts = parts }

    /// At most this many orders in one request (contracts.md section 5).
    static let maxOrdersPerRequest = InputLimits.ordersPerRequest

    public func upsertOrders(_ body: JSONValue) async throws(APIProblem) -> JSONValue {
        let elements: [JSONValue]
        let root: String
        if case .object(let members) = body, let list = members["orders"] {
            guard case .array(let array) = list else { throw .invalid("\"orders\" must be an array", field: "orders") }
            elements = array
            root = "orders"
        } else if case .object = body {
            elements = [body]
            root = "order"
        } else {
            throw .invalid("the body must be an order object or {\"orders\": [...]}, not \(body.kindName)", field: nil)
        }
        guard elements.count <= Self.maxOrdersPerRequest else {
            throw APIProblem(
                status: 413, title: "Too many orders",
                detail: "\(elements.count) orders in one request; at most \(Self.maxOrdersPerRequest)", field: root)
        }
        let orders: [Order]
        do {
            let decode = { @Sendable () throws(OrderFileError) -> [Order] in
                root == "order"
                    ? [try OrderDecoder().decodeOrder(elements[0], at: "order")]
                    : try OrderDecoder().decodeList(elements, root: "orders")
            }
            // Validating thousands of orders is work for a dispatch thread, not for
            // the cooperative threads the stations' scans use.
            orders = elements.count > 100 ? try await OffPool.run(decode) : try decode()
        } catch {
            throw Self.problem(error)
        }
        let summary: ImportSummary
        do {
            summary = try await parts.hub.upsert(orders, at: WallClock.now(), approval: parts.approvalPrinting)
        } catch let error as OrderFileError {
            throw Self.problem(error)
        } catch {
            parts.logger.error("orders not imported", metadata: ["error": "\(error)"])
            throw .unavailable("the orders could not be written to the journal: \(error)")
        }
        await parts.announce(summary)
        parts.logger.info(
            "orders imported",
            metadata: ["added": "\(summary.added)", "replaced": "\(summary.replaced)", "labels": "\(summary.labels.count)"])
        return [
            "added": .int(Int64(summary.added)), "replaced": .int(Int64(summary.replaced)),
            "labels": .array(
                summary.labels.map { label in
                    var members: OrderedDictionary<String, JSONValue> = [
                        "job": .string(label.request.id), "order": .optional(label.request.orderId),
                        "parcel": .optional(label.request.parcelId), "printer": .string(label.request.printer),
                        "reason": .string(label.reason),
                    ]
                    // With a shared store: the packd whose printer it is, when another.
                    if let node = label.node { members["node"] = .string(node) }
                    return .object(members)
                }),
            "cancelledLabels": .array(summary.cancelledLabels.map(JSONValue.string)),
            // Parcels of an order sent again after retention deleted it, which had shipped.
            "alreadyShipped": .array(
                summary.alreadyShipped.map { ["order": .string($0.orderId), "parcel": .string($0.parcelId)] }),
        ]
    }

    /// Every problem an order file had, each with its JSON path.
    static func problem(_ error: OrderFileError) -> APIProblem {
        APIProblem(
            status: 422, title: "Invalid order", detail: error.description, field: error.problems.first?.path,
            errors: error.problems.map { ($0.path, $0.message) })
    }

    public func order(id: String) async throws(APIProblem) -> JSONValue {
        do {
            guard let order = try await parts.journal.order(lookingUp: id) else { throw APIProblem.notFound("no order \(id)") }
            let parcels = try await parts.journal.parcelStates(orderId: order.id)
            let labels = try await parts.journal.approvalLabels(orderId: order.id)
            guard case .object(var members) = order.json else { return order.json }
            members["parcels"] = .array(
                order.parcels.map { parcel in
                    let state = parcels.first { $0.key.parcelId == parcel.id }
                    guard case .object(var p) = parcel.json else { return parcel.json }
                    p["state"] = .string(state?.state ?? "pending")
                    p["station"] = .optional(state?.shippedStation ?? state?.openStation)
                    p["shippedAt"] = .optional(state?.shippedAt?.rfc3339)
                    p["labels"] = .array(
                        labels.filter { $0.parcelId == parcel.id }.map {
                            ["job": .string($0.jobId), "reason": .string($0.reason), "state": .optional($0.state)]
                        })
                    return .object(p)
                })
            // How many versions of the order packd has taken (1: the first).
            let revision = try await parts.journal.orderRevision(id: order.id)
            members["revision"] = revision.map { .int(Int64($0)) } ?? .null
            return .object(members)
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw .unavailable("the journal could not be read: \(error)")
        }
    }

    public func devices() async throws(APIProblem) -> JSONValue {
        let scanners = parts.devices.all.map(\.json)
        var printers: [JSONValue] = []
        for name in parts.config.printerNames {
            let profile = parts.config.profile(named: name)
            let report = await parts.board.report(printer: name)
            let stations = parts.config.stations(printingOn: name)
            printers.append([
                "name": .string(name), "queue": .string(profile.queue), "language": .string(profile.language.rawValue),
                "stations": .array(stations.map(JSONValue.string)), "ready": report.map { .bool($0.isReady) } ?? .null,
                "message": .optional(report?.message),
            ])
        }
        return ["scanners": .array(scanners), "printers": .array(printers), "scales": []]
    }

    public func metrics() async -> String { parts.metrics?.text() ?? "" }
}
