import Foundation
import TocsinCore

/// Draws a service between what it depends on (left) and what depends on it (right), as inline SVG at its
/// drawn size: a narrow screen scrolls it sideways rather than shrinking the names past reading.
enum DependencyDiagram {
    static let boxWidth = 200, boxHeight = 36, rowGap = 14, columnGap = 90, margin = 16

    static func render(service: Service, dependsOn: [Service], dependents: [Service]) -> HTML {
        let rows = max(1, dependsOn.count, dependents.count)
        let height = margin * 2 + rows * boxHeight + (rows - 1) * rowGap
        // An empty side is left out, so a phone opens on the service itself rather than on blank space.
        let columns = 1 + (dependsOn.isEmpty ? 0 : 1) + (dependents.isEmpty ? 0 : 1)
        let width = margin * 2 + columns * boxWidth + (columns - 1) * columnGap
        let centreY = height / 2 - boxHeight / 2
        let leftX = margin, middleX = dependsOn.isEmpty ? margin : margin + boxWidth + columnGap, rightX = middleX + boxWidth + columnGap

        func y(_ index: Int, of count: Int) -> Int {
            let block = count * boxHeight + (count - 1) * rowGap
            return (height - block) / 2 + index * (boxHeight + rowGap)
        }
        func box(_ s: Service, x: Int, y: Int, current: Bool) -> HTML {
            let label = s.name.count > 24 ? String(s.name.prefix(23)) + "…" : s.name
            let fill = current ? "#20242a" : (s.tier == 1 ? "#fdecea" : "#ffffff")
            let text = current ? "#ffffff" : "#1b1f24"
            let shape: HTML = """
            <rect x="\(x)" y="\(y)" width="\(boxWidth)" height="\(boxHeight)" rx="6" fill="\(fill)" stroke="#5b6470"/>\
            <text x="\(x + boxWidth / 2)" y="\(y + boxHeight / 2 + 5)" text-anchor="middle" font-size="14" fill="\(text)">\(label)</text>
            """
            return current ? "<g><title>\(s.name)</title>\(shape)</g>" : "<a href=\"/services/\(s.id.db)\"><title>\(s.name) (tier \(s.tier))</title>\(shape)</a>"
        }
        func arrow(fromX: Int, fromY: Int, toX: Int, toY: Int) -> HTML {
            "<line x1=\"\(fromX)\" y1=\"\(fromY)\" x2=\"\(toX)\" y2=\"\(toY)\" stroke=\"#5b6470\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>"
        }

        var parts: [HTML] = []
        // Arrows point from a service to what it depends on.
        for (index, dependency) in dependsOn.enumerated() {
            let top = y(index, of: dependsOn.count)
            parts.append(arrow(fromX: middleX, fromY: centreY + boxHeight / 2, toX: leftX + boxWidth + 4, toY: top + boxHeight / 2))
            parts.append(box(dependency, x: leftX, y: top, current: false))
        }
        for (index, dependent) in dependents.enumerated() {
            let top = y(index, of: dependents.count)
            parts.append(arrow(fromX: rightX, fromY: top + boxHeight / 2, toX: middleX + boxWidth + 4, toY: centreY + boxHeight / 2))
            parts.append(box(dependent, x: rightX, y: top, current: false))
        }
        parts.append(box(service, x: middleX, y: centreY, current: true))
        let caption: HTML = """
        \(dependsOn.isEmpty ? HTML.empty : HTML("<text x=\"\(leftX)\" y=\"12\" font-size=\"11\" fill=\"#5b6470\">DEPENDS ON</text>"))\
        \(dependents.isEmpty ? HTML.empty : HTML("<text x=\"\(rightX)\" y=\"12\" font-size=\"11\" fill=\"#5b6470\">USED BY</text>"))
        """
        return """
        <div class="scroll-x"><svg class="deps" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="Dependencies of \(service.name)" xmlns="http://www.w3.org/2000/svg">
        <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6470"/></marker></defs>
        \(caption)\(parts)
        </svg></div>
        """
    }
}
