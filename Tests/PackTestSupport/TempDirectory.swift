import Foundation

/// A directory of its own for one test (or one suite instance), removed when the
/// value goes: the suite's one way to make a temporary directory.
public final class TempDirectory: Sendable {
    public let path: String

    /// `/tmp/packd-<prefix>-<UUID>`; the prefix says whose it is when one is left behind.
    public init(_ prefix: String = "test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("packd-\(prefix)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` in the directory and returns its path.
    @discardableResult
    public func file(_ name: String, _ contents: String) -> String {
        file(name, bytes: Array(contents.utf8))
    }

    @discardableResult
    public func file(_ name: String, bytes: [UInt8]) -> String {
        let p = sub(name)
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// The path of `name` in the directory (nothing is made).
    public func sub(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
