import Foundation
public import PackCore

/// The wall clock, for what the journal records.
public enum WallClock {
    public static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
