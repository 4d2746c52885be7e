import Dispatch
public import PackPrint

/// One printer's line to CUPS: libcups calls block, and an `http_t` serves one
/// caller at a time, so each printer gets a serial queue of its own with its own
/// connection. A slow or absent printer never holds up another, nor the stations.
public final class CupsLane: @unchecked Sendable {
    private let server: String?
    private let queue: DispatchQueue
    // Touched only on `queue`.
    private var connection: CupsConnection?

    public init(server: String?, label: String) {
        self.server = server
        self.queue = DispatchQueue(label: "packd.cups.\(label)")
    }

    /// Runs `body` with a connection on this lane's queue; a connection that
    /// failed is dropped and made anew next time.
    public func call<T: Sendable>(_ body: @escaping @Sendable (CupsConnection) throws(PrintError) -> T) async throws(PrintError) -> T {
        let result: Result<T, PrintError> = await withCheckedContinuation { continuation in
            queue.async {
                do {
                    let c = try self.connection ?? CupsConnection(server: self.server)
                    self.connection = c
                    continuation.resume(returning: .success(try body(c)))
                } catch let error as PrintError {
                    if error.kind == .serverUnreachable || error.kind == .cups { self.connection = nil }
                    continuation.resume(returning: .failure(error))
                } catch {
                    continuation.resume(returning: .failure(PrintError(.cups, printer: nil, "\(error)")))
                }
            }
        }
        return try result.get()
    }
}
