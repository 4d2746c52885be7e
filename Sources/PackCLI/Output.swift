import Foundation

/// Buffered standard output: replaying a million scans must not cost a write(2) each.
enum Output {
    nonisolated(unsafe) private static var buffer: [UInt8] = []

    static func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    static func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes one line at once, unbuffered: for lines that promise something has
    /// happened (a durable confirmation), which must not sit in a buffer.
    static func lineNow(_ text: String) {
        flush()
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
