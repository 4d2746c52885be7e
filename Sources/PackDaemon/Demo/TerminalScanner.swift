import Foundation
public import PackCore
import PackDevices
import PackStore
public import ServiceLifecycle

/// The demo's scanner: the terminal. Each line typed (or pasted) is a scan at
/// the demo station; with no terminal on standard input it plays a scan script
/// and ends, which stops the demo.
public struct TerminalScanner: Service {
    let parts: DaemonParts
    let station: String
    let printer: String
    /// nil: read the terminal.
    let script: [ReplayStep]?
    let say: @Sendable (String) -> Void

    public init(parts: DaemonParts, station: String, printer: String, script: [ReplayStep]?, say: @escaping @Sendable (String) -> Void) {
        self.parts = parts
        self.station = station
        self.printer = printer
        self.script = script
        self.say = say
    }

    public func run() async throws {
        await parts.ready.wait()
        if let script {
            let start = MonotonicClock.milliseconds()
            for step in script {
                switch step {
                case .scan(let scan):
                    say("> \(scan.code)")
                    // The script's own times, so that its double reads are debounced as written.
                    let decided = try await decide(scan.code, atMs: start + scan.atMs)
                    if !decided.decision.labels.isEmpty { try await labelsOut() }
                case .upsert(let order):
                    _ = try await parts.hub.upsert([order], at: WallClock.now(), approval: parts.approvalPrinting)
                    say("(order \(order.id) is now \(order.status.rawValue))")
                }
            }
            try await labelsOut()
            return
        }
        for await line in Self.lines() {
            let code = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !code.isEmpty else { continue }
            try await decide(code, atMs: MonotonicClock.milliseconds())
        }
    }

    @discardableResult
    private func decide(_ code: String, atMs: Int64) async throws -> StationLanes.Decided {
        let scan = Scan(code: code, device: "terminal", atMs: atMs)
        let decided = try await parts.lanes.enqueue(scan, station: station, now: { WallClock.now() }).value
        let outcome = decided.decision.outcome
        let mark = outcome.kind.sound == .error || outcome.kind == .intercepted ? "✘" : "✔"
        say("  \(mark) \(outcome.kind.rawValue): \(outcome.message)")
        return decided
    }

    /// Waits (up to 30 s) for the printer's queue to empty: the label is out.
    private func labelsOut() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, try await parts.journal.nextPrintJob(printer: printer) != nil {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Standard input's lines, read on a thread of their own (a blocking read).
    static func lines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
    }
}
