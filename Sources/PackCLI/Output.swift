import Foundation
import Synchronization

/// Buffered standard output: replaying a million scans must not cost a write(2) each.
enum Output {
    private static let buffer = Mutex<[UInt8]>([])

    static func line(_ text: String) {
        let full = buffer.withLock { b -> [UInt8]? in
            b.append(contentsOf: text.utf8)
            b.append(0x0A)
            guard b.count >= 1 << 16 else { return nil }
            defer { b.removeAll(keepingCapacity: true) }
            return b
        }
        if let full { FileHandle.standardOutput.write(Data(full)) }
    }

    static func flush() {
        let pending = buffer.withLock { b -> [UInt8] in
            defer { b.removeAll(keepingCapacity: true) }
            return b
        }
        if !pending.isEmpty { FileHandle.standardOutput.write(Data(pending)) }
    }

    /// Writes one line at once, unbuffered: for lines that promise something has
    /// happened (a durable confirmation), which must not sit in a buffer.
    static func lineNow(_ text: String) {
        flush()
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
