/// A template filled with one parcel's data and placed on the dot grid of one
/// resolution: what every encoder draws. Text is fitted later, by the painter,
/// because only Pango knows how wide it is.
struct LabelLayout: Sendable {
    let widthDots: Int
    let heightDots: Int
    let dpi: Int
    let items: [PlacedElement]
}

enum PlacedElement: Sendable {
    case text(PlacedText)
    case barcode(PlacedBarcode)
    case line(x1: Int, y1: Int, x2: Int, y2: Int, thickness: Int)
    case box(DotRect, thickness: Int, filled: Bool)
    case image(DotRect, LabelImage, subject: String)
}

extension LabelLayout {
    /// The layout moved by a calibration offset, in dots. Positions stay on the
    /// label (printers take no negative coordinates); what moves past an edge is cut.
    func shifted(dx: Int, dy: Int) -> LabelLayout {
        guard dx != 0 || dy != 0 else { return self }
        func x(_ v: Int) -> Int { max(0, v + dx) }
        func y(_ v: Int) -> Int { max(0, v + dy) }
        func rect(_ r: DotRect) -> DotRect { DotRect(x: x(r.x), y: y(r.y), width: r.width, height: r.height) }
        func text(_ t: PlacedText) -> PlacedText {
            var moved = t
            moved.frame = rect(t.frame)
            return moved
        }
        let moved: [PlacedElement] = items.map { item in
            switch item {
            case .text(let t): return .text(text(t))
            case .barcode(var b):
                (b.x, b.y, b.caption) = (x(b.x), y(b.y), b.caption.map(text))
                return .barcode(b)
            case .line(let x1, let y1, let x2, let y2, let t): return .line(x1: x(x1), y1: y(y1), x2: x(x2), y2: y(y2), thickness: t)
            case .box(let r, let t, let filled): return .box(rect(r), thickness: t, filled: filled)
            case .image(let r, let image, let subject): return .image(rect(r), image, subject: subject)
            }
        }
        return LabelLayout(widthDots: widthDots, heightDots: heightDots, dpi: dpi, items: moved)
    }
}

extension PlacedElement {
    /// A rule or an outline box along the dot grid: what printers draw natively
    /// (ZPL ^GB, TSPL BAR/BOX) instead of receiving it as graphics.
    var isPlainShape: Bool {
        switch self {
        case .line(let x1, let y1, let x2, let y2, _): x1 == x2 || y1 == y2
        case .box(_, _, let filled): !filled
        default: false
        }
    }

    /// A rule as a rectangle of dots (from its top-left corner).
    var ruleRect: DotRect? {
        guard case .line(let x1, let y1, let x2, let y2, let thickness) = self, x1 == x2 || y1 == y2 else { return nil }
        return DotRect(x: x1, y: y1, width: max(x2 - x1, thickness), height: max(y2 - y1, thickness))
    }
}

struct PlacedText: Sendable {
    let subject: String
    var frame: DotRect
    var text: String
    let style: TextStyle
    let fontFamily: String
    let sizeDots: Double
    let minSizeDots: Double
}

struct PlacedBarcode: Sendable {
    let subject: String
    let style: BarcodeStyle
    let data: String
    let symbol: BarcodeSymbol
    /// Top-left of the symbol, dots per module across, and the height of a row.
    var x: Int
    var y: Int
    let module: Int
    let rowHeight: Int
    /// The data printed under a linear symbol, when asked for.
    var caption: PlacedText?

    var widthDots: Int { symbol.width * module }
    var heightDots: Int { symbol.rows * rowHeight }
}

extension LabelLayout {
    /// Fills `template` with `data` at `dpi`; throws naming the element whose data
    /// cannot be drawn (a barcode that cannot encode it, or cannot fit its box).
    init(template: LabelTemplate, data: LabelData, dpi: Int) throws(LabelError) {
        let geometry = DotGeometry(dpi: dpi)
        let defaultFont = template.font ?? LabelTemplate.defaultFont
        var items: [PlacedElement] = []
        var problems: [LabelProblem] = []
        for element in template.elements {
            let frame = geometry.rect(element.frame)
            switch element.content {
            case .text(let style, let text):
                items.append(
                    .text(
                        PlacedText(
                            subject: element.subject, frame: frame, text: TextSanitizer.tidy(text.resolve(data)),
                            style: style, fontFamily: style.font ?? defaultFont,
                            sizeDots: geometry.dots(points: style.size), minSizeDots: geometry.dots(points: style.minSize))))
            case .barcode(let style, let field):
                do {
                    items.append(
                        .barcode(
                            try Self.placeBarcode(
                                field.resolve(data), style: style, in: frame, subject: element.subject,
                                font: defaultFont, geometry: geometry)))
                } catch {
                    problems.append(LabelProblem(subject: element.subject, message: error.message))
                }
            case .line(let thickness):
                items.append(
                    .line(
                        x1: frame.x, y1: frame.y, x2: frame.maxX, y2: frame.maxY,
                        thickness: max(1, geometry.dots(thickness))))
            case .box(let thickness, let filled):
                items.append(.box(frame, thickness: max(1, geometry.dots(thickness)), filled: filled))
            case .image(let image):
                items.append(.image(frame, image, subject: element.subject))
            }
        }
        if !problems.isEmpty { throw LabelError(problems: problems) }
        self.init(
            widthDots: geometry.dots(template.widthMm), heightDots: geometry.dots(template.heightMm), dpi: dpi,
            items: items)
    }

    private static func placeBarcode(
        _ data: String, style: BarcodeStyle, in frame: DotRect, subject: String, font: String, geometry: DotGeometry
    ) throws(BarcodeEncodingError) -> PlacedBarcode {
        let symbol = try BarcodeSymbol.encode(data, as: style)
        var caption: PlacedText?
        var symbolArea = frame
        if style.humanReadable, style.symbology.isLinear {
            let size = geometry.dots(points: style.textSize)
            let captionHeight = Int((size * 1.25).rounded(.up))
            symbolArea.height -= captionHeight
            caption = PlacedText(
                subject: subject, frame: DotRect(x: frame.x, y: symbolArea.maxY, width: frame.width, height: captionHeight),
                text: TextSanitizer.clean(data), style: TextStyle(size: style.textSize, align: .center),
                fontFamily: font, sizeDots: size, minSizeDots: size)
        }
        let module = min(symbolArea.width / symbol.width, style.symbology.isLinear ? Int.max : symbolArea.height / symbol.rows)
        guard module >= 1, symbolArea.height >= (style.symbology.isLinear ? 8 : symbol.rows) else {
            let needed = style.symbology.isLinear
                ? "\(symbol.width) dots across" : "\(symbol.width)x\(symbol.rows) dots"
            throw BarcodeEncodingError(
                message: "\(data.utf8.count) bytes of data need a \(style.symbology.rawValue) symbol of \(needed) at least; "
                    + "the box is \(symbolArea.width)x\(max(0, symbolArea.height)) dots at \(geometry.dpi) dpi "
                    + "(\(geometry.millimetres(symbolArea.width)) mm wide): make it larger or the data shorter")
        }
        let rowHeight: Int
        switch style.symbology {
        case .code128, .ean13: rowHeight = symbolArea.height
        // PDF417 rows are three modules tall (ISO/IEC 15438 recommends at least 3).
        case .pdf417: rowHeight = max(1, min(module * 3, symbolArea.height / symbol.rows))
        case .qr, .datamatrix: rowHeight = module
        }
        let width = symbol.width * module
        let height = symbol.rows * rowHeight
        return PlacedBarcode(
            subject: subject, style: style, data: data, symbol: symbol,
            x: symbolArea.x + (symbolArea.width - width) / 2,
            y: style.symbology.isLinear ? symbolArea.y : symbolArea.y + (symbolArea.height - height) / 2,
            module: module, rowHeight: rowHeight, caption: caption)
    }
}
