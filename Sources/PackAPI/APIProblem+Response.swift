public import Hummingbird
import PackCore

extension APIProblem {
    /// `application/problem+json`.
    public var response: Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json.serialized() + "\n")))
    }
}

extension Response {
    /// `application/json` with one serialised value.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }
}
