extension PackConfig {
    /// What each key is fine on its own but wrong together: a station printing on
    /// approval with no printer, a scanner feeding a station with no rules.
    public var consistencyProblems: [String] {
        var problems: [String] = []
        for station in stationIds where engineConfig(forStation: station).labelPolicy == .onApproval && printer(forStation: station) == nil {
            problems.append("stations.\(station): label_policy = \"on_approval\" needs a printer ([engine] or [stations.\(station)] printer)")
        }
        if engine.labelPolicy == .onApproval, defaultPrinter == nil {
            problems.append("engine: label_policy = \"on_approval\" needs engine.printer")
        }
        return problems
    }
}
