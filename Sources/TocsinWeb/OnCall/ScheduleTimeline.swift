import Foundation
import TocsinCore

/// A schedule drawn as rows of bars over time, as inline SVG (no script, no inline style): each layer alone,
/// the overrides, and the final result. Days are labelled in the viewer's zone. A legend says which colour is
/// whom; every bar names its person and time in a tooltip, and on the bar itself where the name fits.
enum ScheduleTimeline {
    struct Row {
        var label: String
        var spans: [OnCallSpan]
    }

    static let dayWidth = 96, rowHeight = 30, lineHeight = 16, top = 26
    /// The label column grows with the longest name up to this width; longer names wrap onto more lines.
    static let minimumLabelWidth = 150, maximumLabelWidth = 240
    /// Rough widths of one character of the 12 px bar text and the 13 px bold label text, to judge what fits
    /// without measuring.
    static let characterWidth = 7, labelCharacterWidth = 8

    static let palette = ["#cfe3ff", "#ffd9b3", "#d4f2d0", "#f5d0f0", "#fff1a8", "#d6d2ff", "#c9f0ee", "#ffd1d1",
                          "#e2e6ea", "#f9c7a4", "#b8e0c2", "#e7c8ff"]

    /// Colours by order of first appearance, so the people on one page differ while there are colours to spare.
    static func colours(_ rows: [Row]) -> [(userID: UUID, colour: String)] {
        var seen: [UUID] = []
        for span in rows.flatMap(\.spans) where !seen.contains(span.userID) { seen.append(span.userID) }
        return seen.enumerated().map { ($1, palette[$0 % palette.count]) }
    }

    /// The name if it fits in `width` pixels, else the first name, else the initials, else nothing.
    static func fitted(_ name: String, width: Int) -> String? {
        let words = name.split(separator: " ").map(String.init)
        let initials = words.compactMap(\.first).map(String.init).joined()
        return [name, words.first ?? name, initials].first { !$0.isEmpty && $0.count * characterWidth + 8 <= width }
    }

    /// A label broken into lines of at most `perLine` characters, at spaces where it can be.
    static func wrapped(_ label: String, perLine: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in label.split(separator: " ").map(String.init) {
            var rest = word
            while rest.count > perLine {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(rest.prefix(perLine)))
                rest = String(rest.dropFirst(perLine))
            }
            if line.isEmpty { line = rest } else if line.count + 1 + rest.count <= perLine { line += " " + rest } else {
                lines.append(line)
                line = rest
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    static func render(rows: [Row], from: Date, days: Int, now: Date, names: [UUID: String], timeZone: String) -> HTML {
        let longest = rows.map(\.label.count).max() ?? 0
        let labelWidth = min(max(longest * labelCharacterWidth + 16, minimumLabelWidth), maximumLabelWidth)
        let labels = rows.map { wrapped($0.label, perLine: (labelWidth - 16) / labelCharacterWidth) }
        let heights = labels.map { max(rowHeight, $0.count * lineHeight + 10) }
        let tops = heights.indices.map { index in top + heights.prefix(index).reduce(0, +) }
        let width = labelWidth + days * dayWidth
        let height = top + heights.reduce(0, +) + 4
        let total = Double(days) * 86_400
        let colours = colours(rows)
        let colourOf = Dictionary(uniqueKeysWithValues: colours.map { ($0.userID, $0.colour) })
        func x(_ date: Date) -> Int { labelWidth + Int((date.timeIntervalSince(from) / total * Double(days * dayWidth)).rounded()) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let dayFormatter = DateFormatter()
        dayFormatter.locale = Locale(identifier: "en_GB")
        dayFormatter.timeZone = calendar.timeZone
        dayFormatter.dateFormat = "EEE d MMM"
        var parts: [HTML] = []
        for day in 0..<days {
            guard let start = calendar.date(byAdding: .day, value: day, to: from) else { continue }
            let left = x(start)
            parts.append("<line x1=\"\(left)\" y1=\"0\" x2=\"\(left)\" y2=\"\(height)\" stroke=\"#dde1e6\"/>")
            parts.append("<text x=\"\(left + 4)\" y=\"16\" font-size=\"12\" fill=\"#5b6470\">\(dayFormatter.string(from: start))</text>")
        }
        for (index, row) in rows.enumerated() {
            let y = tops[index], rowHeight = heights[index]
            let tspans = labels[index].enumerated().map { number, line -> HTML in
                "<tspan x=\"6\" dy=\"\(number == 0 ? 0 : lineHeight)\">\(line)</tspan>"
            }
            let lines: HTML = labels[index].count == 1 ? "\(row.label)" : "\(tspans)"
            let firstLine = y + (rowHeight - (labels[index].count - 1) * lineHeight) / 2 + 5
            parts.append("<text x=\"6\" y=\"\(firstLine)\" font-size=\"13\" font-weight=\"600\" fill=\"#1b1f24\">\(lines)</text>")
            for span in row.spans {
                let left = x(span.start), right = x(span.end)
                let name = names[span.userID] ?? "Unknown"
                let when = "\(Pages.formatDate(span.start, timeZone: timeZone)) – \(Pages.formatDate(span.end, timeZone: timeZone))"
                let label: HTML = fitted(name, width: right - left).map {
                    "<text x=\"\(left + 4)\" y=\"\(y + rowHeight / 2 + 4)\" font-size=\"12\" fill=\"#1b1f24\">\($0)</text>"
                } ?? ""
                parts.append("""
                <g><title>\(name): \(when)</title><rect x="\(left)" y="\(y + 4)" width="\(max(1, right - left))" height="\(rowHeight - 8)" rx="3" \
                fill="\(colourOf[span.userID] ?? palette[0])" stroke="#5b6470" stroke-width="0.5"/>\(label)</g>
                """)
            }
        }
        if now >= from && now < from.addingTimeInterval(total) {
            parts.append("<line x1=\"\(x(now))\" y1=\"0\" x2=\"\(x(now))\" y2=\"\(height)\" stroke=\"#b3261e\" stroke-width=\"2\"><title>Now</title></line>")
        }
        let legend = colours.map { entry -> HTML in
            """
            <li><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><rect width="14" height="14" rx="3" \
            fill="\(entry.colour)" stroke="#5b6470" stroke-width="0.5"/></svg>\(names[entry.userID] ?? "Unknown")</li>
            """
        }
        return """
        <p class="scroll-hint muted" id="timeline-hint">\(String(days / 7)) weeks: scroll sideways to see them all →</p>
        <div class="scroll-x" aria-describedby="timeline-hint"><svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
        viewBox="0 0 \(width) \(height)" role="img" aria-label="On-call timeline">\(parts)</svg></div>
        \(legend.isEmpty ? HTML.empty : HTML("<ul class=\"legend\" aria-label=\"Who is which colour\">\(legend)</ul>"))
        """
    }
}
