public import PackAPI
import Foundation
import PackCore
import PackLabels
import Synchronization

/// `GET /stations/{id}`: the station display page.
extension DaemonOperations {
    public func displayPage(station: String, token: String?) async throws(APIProblem) -> String {
        try known(station)
        let codes = parts.config.engineConfig(forStation: station).controlCodes
        var barcodes: [String: String] = [:]
        for code in [codes.acknowledge, codes.cancel, codes.reprint] {
            if let image = await ControlCardImages.shared.dataURI(code) { barcodes[code] = image }
        }
        return StationPage.html(
            StationPage.Settings(
                station: station, token: token, language: parts.config.display.language, codes: codes, barcodes: barcodes))
    }
}

/// The control codes' barcodes as PNG data URIs, drawn once each (cairo, off the
/// cooperative threads) and kept: a station has three.
final class ControlCardImages: Sendable {
    static let shared = ControlCardImages()
    private let drawn = Mutex<[String: String]>([:])

    func dataURI(_ code: String) async -> String? {
        if let known = drawn.withLock({ $0[code] }) { return known }
        let image = try? await OffPool.run { () throws -> String in
            let label = try LabelRenderer().render(ControlCard.template(code: code), data: LabelData(), format: .png)
            return "data:image/png;base64," + Data(label.bytes).base64EncodedString()
        }
        if let image { drawn.withLock { $0[code] = image } }
        return image
    }
}
