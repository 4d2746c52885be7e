import CPackdLinux
import Foundation
import Glibc

/// One `packd run` per state directory, and how to reach it. `packd run` holds an
/// exclusive lock on `<state_dir>/packd.lock` for its whole life and writes into
/// it where its API listens. A second `packd run` on the same state is refused
/// (two daemons on one journal would each believe their own book); a command
/// that changes what the daemon holds in memory (`packd orders import`) finds
/// the running daemon here and goes through its API. The kernel drops the lock
/// with the process, however it ends, so a crash leaves nothing stale.
///
/// A POSIX record lock (fcntl), not flock: a command only asks who holds it
/// (F_GETLK) and never takes one, so a command looking while packd starts cannot
/// make packd's own lock fail. (packd opens this file once and keeps it open: a
/// record lock ends when its process closes any descriptor of the file.)
public final class StateLock: Sendable {
    public static let fileName = "packd.lock"
    private let fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var holder: Holder?
        public var description: String {
            "another packd runs on this state directory (\(holder.map { "pid \($0.pid)" } ?? "its lock \(path) is held")): one packd per state directory"
        }
    }

    /// What the running packd wrote into its lock.
    public struct Holder: Sendable, Equatable {
        public var pid: Int32
        /// Where its API listens (`127.0.0.1:7780`, `unix:/run/packd/api.sock`); nil until it listens.
        public var listen: String?
    }

    /// Takes the state directory's lock, or throws `Held` when a live packd has it.
    public static func acquire(stateDirectory: String) throws -> StateLock {
        let path = (stateDirectory as NSString).appendingPathComponent(fileName)
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        guard packd_lock_file(fd) == 0 else {
            close(fd)
            throw Held(path: path, holder: try? holder(of: stateDirectory))
        }
        let lock = StateLock(fd: fd, path: path)
        lock.record(listen: nil)
        return lock
    }

    /// Writes the holder's pid and, once it listens, its API address.
    public func record(listen: String?) {
        let text = "pid=\(getpid())\n" + (listen.map { "listen=\($0)\n" } ?? "")
        ftruncate(fd, 0)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// The live packd on this state directory, or nil when none runs (its lock is free).
    public static func holder(of stateDirectory: String) throws -> Holder? {
        let path = (stateDirectory as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }  // no packd ever ran here
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        defer { close(fd) }
        let pid = packd_lock_holder(fd)
        guard pid != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        let text = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
        var holder = Holder(pid: max(0, pid), listen: nil)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("pid="), holder.pid == 0 { holder.pid = Int32(line.dropFirst(4)) ?? 0 }
            if line.hasPrefix("listen=") { holder.listen = String(line.dropFirst(7)) }
        }
        return holder
    }
}
