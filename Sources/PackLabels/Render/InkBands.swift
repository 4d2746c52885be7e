/// Splits a label's raster into the rectangles that hold ink, so that ZPL and TSPL
/// send graphics for the text and rules only, not for a label's worth of white.
struct InkBand: Sendable, Equatable {
    /// Position in dots; `x` is a multiple of 8.
    var x: Int
    var y: Int
    var bitmap: Bitmap
}

extension Bitmap {
    /// Runs of rows with ink, joined when fewer than `gap` blank rows part them,
    /// each cropped to the byte columns its ink spans.
    func inkBands(gap: Int = 24) -> [InkBand] {
        var bands: [InkBand] = []
        var runStart: Int?
        var lastInk = -1
        var firstByte = Int.max
        var lastByte = -1
        func close() {
            guard let start = runStart else { return }
            let band = crop(byteX: firstByte, byteWidth: lastByte - firstByte + 1, y: start, height: lastInk - start + 1)
            bands.append(InkBand(x: firstByte * 8, y: start, bitmap: band))
            runStart = nil
            firstByte = Int.max
            lastByte = -1
        }
        bits.withUnsafeBufferPointer { buffer in
            for row in 0..<height {
                let base = row * bytesPerRow
                var first = -1
                var last = -1
                for i in 0..<bytesPerRow where buffer[base + i] != 0 {
                    if first < 0 { first = i }
                    last = i
                }
                guard first >= 0 else { continue }
                if runStart != nil, row - lastInk > gap { close() }
                if runStart == nil { runStart = row }
                lastInk = row
                firstByte = min(firstByte, first)
                lastByte = max(lastByte, last)
            }
        }
        close()
        return bands
    }
}
