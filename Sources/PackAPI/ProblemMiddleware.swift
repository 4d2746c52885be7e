import Hummingbird
import PackCore

/// Turns every failure into problem+json: the operations' own problems, and
/// Hummingbird's (unknown route, wrong method) with their status.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as APIProblem {
            return problem.response
        } catch let error as any HTTPResponseError {
            let status = Int(error.status.code)
            if status == 404 {
                // A known path asked with another method: 405 and what it takes.
                let allowed = APIRoutes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    var response = APIProblem(
                        status: 405, title: "Method not allowed",
                        detail: "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method)"
                    ).response
                    response.headers[.allow] = allowed.joined(separator: ", ")
                    return response
                }
            }
            let detail = status == 404 ? "no route \(request.method) \(request.uri.path)" : "\(error.status.reasonPhrase)"
            return APIProblem(status: status, title: error.status.reasonPhrase, detail: detail).response
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIProblem(status: 500, title: "Internal error", detail: "\(error)").response
        }
    }
}
