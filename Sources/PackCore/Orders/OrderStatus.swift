public enum OrderStatus: String, Sendable, CaseIterable, Codable {
    case approved
    case onHold = "on_hold"
    case cancelled
    case refunded
    case shipped

    /// Statuses that stop a parcel at the packing station.
    public var intercepts: Bool {
        switch self {
        case .onHold, .cancelled, .refunded: true
        case .approved, .shipped: false
        }
    }
}
