import Foundation
import PackCore

/// The wall clock, for commands that stamp what they record.
enum Clock {
    static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
