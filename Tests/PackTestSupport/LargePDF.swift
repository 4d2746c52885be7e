import Foundation

/// A one-page PDF of about `bytes` bytes: a 100x150 mm page filled by one
/// uncompressed greyscale image of noise, which poppler must decode and scale
/// whole to rasterise the page (a carrier's scanned label at its worst).
public enum LargePDF {
    public static func make(bytes: Int, seed: UInt64 = 1) -> [UInt8] {
        let side = max(16, Int(Double(max(0, bytes - 1024)).squareRoot()))
        var out: [UInt8] = []
        out.reserveCapacity(side * side + 2048)
        var offsets: [Int] = []
        func add(_ text: String) { out += Array(text.utf8) }
        add("%PDF-1.4\n")
        offsets.append(out.count)
        add("1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n")
        offsets.append(out.count)
        add("2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n")
        offsets.append(out.count)
        add("3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 283 425] /Resources <</XObject <</Im0 4 0 R>>>> /Contents 5 0 R>> endobj\n")
        offsets.append(out.count)
        add("4 0 obj <</Type /XObject /Subtype /Image /Width \(side) /Height \(side) /ColorSpace /DeviceGray /BitsPerComponent 8 /Length \(side * side)>>\nstream\n")
        var state = seed | 1
        for _ in 0..<(side * side) {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            out.append(UInt8(truncatingIfNeeded: state))
        }
        add("\nendstream\nendobj\n")
        let content = "q 283 0 0 425 0 0 cm /Im0 Do Q"
        offsets.append(out.count)
        add("5 0 obj <</Length \(content.utf8.count)>>\nstream\n\(content)\nendstream\nendobj\n")
        let xref = out.count
        add("xref\n0 6\n0000000000 65535 f \n")
        for offset in offsets { add(String(format: "%010d 00000 n \n", offset)) }
        add("trailer <</Size 6 /Root 1 0 R>>\nstartxref\n\(xref)\n%%EOF\n")
        return out
    }
}
