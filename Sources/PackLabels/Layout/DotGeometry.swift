/// Millimetres to printer dots at one resolution. Everything after the template
/// is laid out in whole dots so that bars and modules land on the print head's grid.
struct DotGeometry: Sendable {
    let dpi: Int

    var dotsPerMm: Double { Double(dpi) / 25.4 }

    func dots(_ mm: Double) -> Int { Int((mm * dotsPerMm).rounded()) }

    func rect(_ r: MillimetreRect) -> DotRect {
        let x = dots(r.x)
        let y = dots(r.y)
        // Right and bottom edges are rounded on their own so adjacent boxes meet.
        return DotRect(x: x, y: y, width: dots(r.x + r.width) - x, height: dots(r.y + r.height) - y)
    }

    /// Points (1/72 inch) to dots.
    func dots(points: Double) -> Double { points * Double(dpi) / 72 }

    func millimetres(_ dots: Int) -> String {
        let mm = Double(dots) / dotsPerMm
        return String((mm * 10).rounded() / 10)
    }
}

struct DotRect: Sendable, Equatable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int

    var maxX: Int { x + width }
    var maxY: Int { y + height }
}
