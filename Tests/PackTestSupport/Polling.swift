import Foundation

/// Waits, at most `seconds`, until `condition` holds: the one bounded poll the
/// tests use for what they cannot be told of (a log line, a metric, a row).
public func waitUntil(_ what: String, seconds: Double = 30, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw PollTimeout("never within \(seconds) s: \(what)") }
        usleep(20_000)
    }
}

public struct PollTimeout: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
