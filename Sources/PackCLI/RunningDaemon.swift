import AsyncHTTPClient
import Foundation
import NIOCore
import PackCore
import PackDaemon
import PackStore

/// The `packd run` of a state directory, spoken to through its HTTP API: what a
/// command does when the daemon holds the journal's orders in memory and would
/// not see them written behind its back.
struct RunningDaemon {
    let listen: String
    let token: String
    let pid: Int32

    /// The daemon running on the configuration's state directory, or nil when none runs.
    static func find(_ config: PackConfig, stateDirectory: String) throws -> RunningDaemon? {
        guard let holder = try StateLock.holder(of: stateDirectory) else { return nil }
        guard let listen = holder.listen else {
            throw CLIError("packd (pid \(holder.pid)) is starting on \(stateDirectory): try again once it is ready")
        }
        let token: String
        do {
            token = try APIToken.resolve(file: config.api.tokenFile, stateDirectory: stateDirectory, defaultName: "api.token").token
        } catch {
            throw CLIError(
                "packd (pid \(holder.pid)) runs on \(stateDirectory), so the orders go through its API, but its token cannot be read: \(error) (run as root or as the packd user)")
        }
        return RunningDaemon(listen: listen, token: token, pid: holder.pid)
    }

    /// Where to send `path`: the TCP address, or the unix socket (`http+unix://`).
    func url(_ path: String) -> String {
        if listen.hasPrefix("unix:") {
            let socket = String(listen.dropFirst(5)).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return "http+unix://\(socket)\(path)"
        }
        return "http://\(listen)\(path)"
    }

    /// `POST /v1/orders` in requests of at most 10,000 orders (the API's limit);
    /// each request is all or nothing.
    func importOrders(_ orders: [Order]) async throws -> (summary: ImportSummary, requests: Int) {
        // The shared client needs no shutdown (one made here would have to be shut
        // down before it is released, or AsyncHTTPClient stops the process).
        let client = HTTPClient.shared
        var summary = ImportSummary(added: 0, replaced: 0)
        var requests = 0
        for start in stride(from: 0, to: max(orders.count, 1), by: 10_000) {
            let chunk = orders[start..<min(start + 10_000, orders.count)]
            var body = "{\"orders\":["
            for (i, order) in chunk.enumerated() {
                if i > 0 { body += "," }
                order.json.write(to: &body)
            }
            body += "]}"
            var request = HTTPClientRequest(url: url("/v1/orders"))
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.body = .bytes(ByteBuffer(string: body))
            let response: HTTPClientResponse
            let answer: ByteBuffer
            do {
                response = try await client.execute(request, timeout: .seconds(300))
                answer = try await response.body.collect(upTo: 16 << 20)
            } catch {
                throw CLIError("packd (pid \(pid)) at \(listen) did not answer: \(error)")
            }
            let text = String(buffer: answer)
            let json = try? JSONParser.parse(text)
            guard response.status.code == 200, case .object(let members)? = json else {
                let detail = json?["detail"]?.stringValue ?? text
                throw CLIError(
                    "packd at \(listen) refused the orders (HTTP \(response.status.code))\(start > 0 ? " from order \(start + 1) on; the ones before went in" : ""): \(detail)")
            }
            requests += 1
            if case .int(let n)? = members["added"] { summary.added += Int(n) }
            if case .int(let n)? = members["replaced"] { summary.replaced += Int(n) }
            if case .array(let shipped)? = members["alreadyShipped"] {
                for entry in shipped {
                    if let order = entry["order"]?.stringValue, let parcel = entry["parcel"]?.stringValue {
                        summary.alreadyShipped.append(ParcelKey(orderId: order, parcelId: parcel))
                    }
                }
            }
        }
        return (summary, requests)
    }
}
