import Hummingbird
import PackCore

/// Request bodies: JSON only, within a size limit, parsed with packd's own
/// parser so a syntax error names its line and column.
enum JSONBody {
    /// When one value of the body cannot be read (a number out of range), the problem
    /// names its field as the route's other field errors do: by `field` (the
    /// path from the body's root, or as an order document names it, `orderFieldPath`).
    static func read(
        _ request: Request, limit: Int, field: @Sendable (JSONSyntaxError) -> String? = { $0.valuePath(under: "") }
    ) async throws(APIProblem) -> JSONValue {
        // docs/api.md promises 415 for a body that is not declared JSON; a body with no
        // Content-Type at all is not declared JSON either (curl -d would send a form).
        guard let type = request.headers[.contentType] else {
            throw APIProblem(
                status: 415, title: "Unsupported media type",
                detail: "bodies are JSON: send Content-Type: application/json (the request had no Content-Type)")
        }
        let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard media == "application/json" || media.hasSuffix("+json") else {
            throw APIProblem(
                status: 415, title: "Unsupported media type",
                detail: "bodies are JSON: send Content-Type: application/json, not \(type)")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        } catch {
            throw APIProblem.badRequest("the body could not be read: \(error)")
        }
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw APIProblem.badRequest("the request has no body; send a JSON object") }
        do {
            // A large body is parsed off the cooperative threads the scans use.
            return bytes.count > 256 << 10
                ? try await OffPool.run { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
                : try JSONParser.parse(bytes)
        } catch {
            if let field = field(error) {
                throw APIProblem.invalid("\(field): \(error.message) (\(error.position))", field: field)
            }
            throw APIProblem.badRequest("the body is not valid JSON: \(error)")
        }
    }

    static func tooLarge(_ limit: Int) -> APIProblem {
        APIProblem(status: 413, title: "Content too large", detail: "the body is larger than \(limit) bytes")
    }
}
