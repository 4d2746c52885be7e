public import PackAPI
import PackCore

/// `GET /stations/{id}`: the station display page.
extension DaemonOperations {
    public func displayPage(station: String, token: String?) async throws(APIProblem) -> String {
        try known(station)
        let engine = parts.config.engineConfig(forStation: station)
        return StationPage.html(
            StationPage.Settings(
                station: station, token: token, language: parts.config.display.language, codes: engine.controlCodes))
    }
}
