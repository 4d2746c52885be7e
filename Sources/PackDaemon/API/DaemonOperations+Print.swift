import Foundation
public import PackAPI
public import PackCore
import PackPrint
import PackStore

extension DaemonOperations {
    /// CUPS takes no larger document (PrintError.tooLarge).
    static let maxDocumentBytes = 32 << 20

    public func print(_ body: JSONValue) async throws(APIProblem) -> JSONValue {
        guard case .object(let members) = body else {
            throw .invalid("the body must be an object with \"printer\", not \(body.kindName)", field: nil)
        }
        guard case .string(let printer)? = members["printer"] else {
            throw .invalid("\"printer\" is required: one of \(parts.config.printerNames.joined(separator: ", "))", field: "printer")
        }
        guard parts.config.printerNames.contains(printer) else {
            throw APIProblem(
                status: 404, title: "Unknown printer",
                detail: "no printer \"\(printer)\"; configured: \(parts.config.printerNames.joined(separator: ", "))",
                field: "printer")
        }
        let profile = parts.config.profile(named: printer)
        let now = WallClock.now()
        let request: PrintRequest
        if let document = members["document"] {
            let (format, bytes) = try Self.document(document)
            request = PrintRequest(
                id: parts.newId(at: now), printer: printer, format: format.rawValue, document: bytes, createdAt: now)
        } else if let orderValue = members["order"] {
            guard case .string(let orderId) = orderValue else { throw .invalid("\"order\" must be a string", field: "order") }
            let order: Order?
            do {
                // An order may carry a carrier document of megabytes: read and
                // decoded on the render threads, not the ones the scans use.
                let journal = parts.journal
                order = try await withTaskExecutorPreference(RenderThreads.shared) {
                    try await journal.order(lookingUp: orderId)
                }
            } catch {
                throw .unavailable("the journal could not be read: \(error)")
            }
            guard let order else { throw APIProblem(status: 404, title: "Unknown order", detail: "no order \(orderId)", field: "order") }
            let parcel: Parcel
            switch members["parcel"] {
            case .string(let id)?:
                guard let p = order.parcels.first(where: { CodeText.fold($0.id) == CodeText.fold(id) }) else {
                    throw APIProblem(status: 404, title: "Unknown parcel", detail: "order \(order.id) has no parcel \(id)", field: "parcel")
                }
                parcel = p
            case nil, .null?:
                guard order.parcels.count == 1 else {
                    throw .invalid(
                        "order \(order.id) has \(order.parcels.count) parcels: name one in \"parcel\"", field: "parcel")
                }
                parcel = order.parcels[0]
            case let other?:
                throw .invalid("\"parcel\" must be a string, not \(other.kindName)", field: "parcel")
            }
            request = PrintRequest(
                id: parts.newId(at: now), printer: printer, orderId: order.id, parcelId: parcel.id, reprint: false,
                format: profile.language.rawValue, document: nil, createdAt: now)
        } else {
            throw .invalid("give \"order\" (and \"parcel\") or \"document\"", field: "order")
        }
        do {
            try await parts.journal.enqueuePrint([request])
        } catch {
            throw .unavailable("the job could not be written to the journal: \(error)")
        }
        await parts.ring(printer: printer)
        return ["job": .string(request.id), "state": "queued"]
    }

    /// A carrier's own document: `{"format": "zpl", "base64": "..."}`.
    static func document(_ value: JSONValue) throws(APIProblem) -> (LabelDocumentFormat, [UInt8]) {
        guard case .object(let d) = value else { throw .invalid("\"document\" must be an object", field: "document") }
        guard case .string(let name)? = d["format"], let format = LabelDocumentFormat(rawValue: name.lowercased()) else {
            throw .invalid("\"document.format\" must be zpl, tspl, pdf or png", field: "document.format")
        }
        guard case .string(let base64)? = d["base64"] else {
            throw .invalid("\"document.base64\" is required", field: "document.base64")
        }
        guard base64.utf8.count <= (maxDocumentBytes / 3 + 1) * 4 + 4 else {
            throw APIProblem(status: 413, title: "Content too large", detail: "the document is larger than 32 MiB", field: "document.base64")
        }
        guard let data = Data(base64Encoded: base64), !data.isEmpty else {
            throw .invalid("\"document.base64\" is not base64 of a non-empty document", field: "document.base64")
        }
        return (format, [UInt8](data))
    }

    public func job(id: String) async throws(APIProblem) -> JSONValue {
        let job: PrintJob?
        do {
            job = try await parts.journal.printJob(id: id)
        } catch {
            throw .unavailable("the journal could not be read: \(error)")
        }
        guard let job else { throw .notFound("no print job \(id)") }
        let report = await parts.board.report(printer: job.request.printer)
        let state: String =
            switch job.state {
            case .queued: "queued"
            case .sent: parts.isPrinting(job.request.id) ? "printing" : "sent"
            case .completed: "completed"
            case .failed, .cancelled: "failed"
            }
        var message = job.lastError
        if job.state == .cancelled { message = "cancelled: " + (job.lastError ?? "") }
        return [
            "id": .string(job.request.id), "printer": .string(job.request.printer), "state": .string(state),
            "reasons": .array(job.state.isOpen ? (report?.needs ?? []).map { .string($0.description) } : []),
            "message": .optional(message), "order": .optional(job.request.orderId), "parcel": .optional(job.request.parcelId),
            "attempts": .int(Int64(job.attempts)),
            // The CUPS job it is or was (lpstat's <queue>-<id>), for whoever looks at CUPS too.
            "cupsJob": job.cupsJobId.map { .int(Int64($0)) } ?? .null,
        ]
    }
}

extension PrintJobState {
    var isOpen: Bool { self == .queued || self == .sent }
}
