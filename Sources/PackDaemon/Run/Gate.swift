/// A one-way gate: closed until `open()`, after which every `wait()` returns at
/// once. The daemon's input (the demo's terminal scanner) waits for the API to
/// be up and the guide printed.
public actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    public func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
