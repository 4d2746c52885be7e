import Foundation

/// Collects a pipe's lines on a thread of its own; a test waits, with a limit,
/// until they satisfy a condition.
final class LineWatcher: @unchecked Sendable {
    private let condition = NSCondition()
    private var collected: [String] = []
    private var partial = Data()
    private var ended = false

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                condition.lock()
                partial.append(data)
                while let newline = partial.firstIndex(of: 0x0A) {
                    collected.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
                    partial = Data(partial[(newline + 1)...])
                }
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            if !partial.isEmpty { collected.append(String(decoding: partial, as: UTF8.self)) }
            ended = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Every line, once the writer has closed the pipe (the process has ended).
    func untilEnd(seconds: Double = 60) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !ended && condition.wait(until: deadline) {}
        return collected
    }

    var lines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return collected
    }

    /// True once `predicate` holds; false after `seconds`.
    func wait(seconds: Double = 20, _ predicate: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !predicate(collected) {
            if !condition.wait(until: deadline) { return predicate(collected) }
        }
        return true
    }
}
