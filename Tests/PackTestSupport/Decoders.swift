import Foundation

/// Independent readers of what packd renders: zbar for barcodes, zplkit for ZPL,
/// poppler's pdftoppm for PDF.
public enum Decoders {
    /// Every symbol zbarimg finds in a PNG, sorted.
    public static func zbar(png: [UInt8]) throws -> [String] {
        let path = try ExternalTool.temporaryFile(png, suffix: ".png")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ExternalTool.run("zbarimg", ["-q", "--raw", path])
        // zbarimg exits 4 when it finds nothing.
        guard result.status == 0 || result.status == 4 else {
            throw DecoderError(message: "zbarimg failed (\(result.status)): \(result.stderr)")
        }
        return result.text.split(separator: "\n").map(String.init).sorted()
    }

    public struct ZPLRendering {
        public var labelCount: Int
        public var png: [UInt8]
    }

    /// zplkit's rendering of a ZPL stream: how many labels it holds, the first as PNG.
    public static func zplkit(_ zpl: [UInt8], dpi: Int) throws -> ZPLRendering {
        let script = """
            import sys
            from zplkit import Options, render
            from zplkit.rendering import Limits
            doc = render(sys.stdin.buffer.read(), Options(profile="zd621", dpi=\(dpi)), limits=Limits(graphic_bytes=4_000_000))
            sys.stderr.write("labels=%d\\n" % len(doc.labels))
            sys.stdout.buffer.write(doc.labels[0].png())
            """
        let result = try ExternalTool.run("python3", ["-c", script], stdin: zpl)
        guard result.status == 0, let line = result.stderr.split(separator: "\n").first(where: { $0.hasPrefix("labels=") })
        else {
            throw DecoderError(message: "zplkit could not render the ZPL: \(result.stderr)")
        }
        return ZPLRendering(labelCount: Int(line.dropFirst("labels=".count))!, png: result.stdout)
    }

    /// The first page of a PDF as a PNG at `dpi`, by poppler's pdftoppm.
    public static func pdfPage(_ pdf: [UInt8], dpi: Int) throws -> [UInt8] {
        let path = try ExternalTool.temporaryFile(pdf, suffix: ".pdf")
        let page = path + "-page"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: page + ".png")
        }
        let result = try ExternalTool.run("pdftoppm", ["-r", String(dpi), "-png", "-singlefile", path, page])
        guard result.status == 0, let png = FileManager.default.contents(atPath: page + ".png") else {
            throw DecoderError(message: "pdftoppm failed: \(result.stderr)")
        }
        return [UInt8](png)
    }
}

public struct DecoderError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
