/// One thing `packd doctor` looked at: fine, or a problem with its fix.
public struct DoctorCheck: Sendable, Equatable {
    public enum Status: String, Sendable { case ok, warning, problem }

    public var area: String
    public var status: Status
    public var summary: String
    /// What to do about it, for a warning or a problem.
    public var fix: String?

    public static func ok(_ area: String, _ summary: String) -> DoctorCheck {
        DoctorCheck(area: area, status: .ok, summary: summary, fix: nil)
    }

    public static func problem(_ area: String, _ summary: String, fix: String) -> DoctorCheck {
        DoctorCheck(area: area, status: .problem, summary: summary, fix: fix)
    }

    public static func warning(_ area: String, _ summary: String, fix: String) -> DoctorCheck {
        DoctorCheck(area: area, status: .warning, summary: summary, fix: fix)
    }
}
