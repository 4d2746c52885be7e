/// One open device, as the reader loop drives it: its fd to wait on, what to do
/// when it is readable, and when it wants a timer (a keyboard scanner's pause).
protocol DeviceSession: AnyObject {
    var fd: Int32 { get }
    /// Reads what is there. `nil` events with a reason means the device is gone.
    func readAvailable(into events: inout [DeviceEvent]) -> String?
    /// Milliseconds until `idle` should run, or nil for no timer.
    func idleTimeout() -> Int32?
    func idle(into events: inout [DeviceEvent])
    /// The device went away: say what was lost, if anything.
    func dropPartial(into events: inout [DeviceEvent])
}
