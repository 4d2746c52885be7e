import Synchronization

/// A value threads and tasks share, behind a lock.
public final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    public init(_ value: Value) { self.value = Mutex(value) }
    public func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
