import Dispatch

/// Runs CPU-heavy work (parsing a 10,000-order request) on a dispatch thread,
/// not on one of Swift's few cooperative threads, where it would hold up the
/// stations' scans meanwhile.
public enum OffPool {
    static let queue = DispatchQueue(label: "packd.off-pool", qos: .utility, attributes: .concurrent)

    public static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
