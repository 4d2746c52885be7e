import Foundation
import PackDaemon
import PackTestSupport
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct SystemdNotifierQueueTests {
    /// A receiver that stopped reading (its datagram queue full) must not hold
    /// packd: before, the watchdog's ping blocked a shared thread and packd could
    /// no longer stop on SIGTERM.
    @Test(.timeLimit(.minutes(1)))
    func aFullNotifySocketDropsMessagesInsteadOfBlocking() throws {
        let temp = TempDirectory("notify")
        let dir = temp.path
        let listener = try NotifyListener(path: "\(dir)/notify.sock")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        var sent = 0
        for _ in 0..<5_000 where notifier.notify("WATCHDOG=1") { sent += 1 }
        #expect(sent > 0)
        #expect(sent < 5_000, "the queue never filled: the test proves nothing")
        // Once read, messages go through again.
        #expect(listener.wait(for: "WATCHDOG=1", timeout: 5))
    }
}
