import Foundation
import TocsinCore

/// A schedule drawn as rows of bars over time, as inline SVG (no script, no inline style): each layer alone,
/// the overrides, and the final result. Days are labelled in the viewer's zone.
enum ScheduleTimeline {
    struct Row {
        var label: String
        var spans: [OnCallSpan]
    }

    static let labelWidth = 150, dayWidth = 96, rowHeight = 30, top = 26

    static let palette = ["#cfe3ff", "#ffd9b3", "#d4f2d0", "#f5d0f0", "#fff1a8", "#d6d2ff", "#c9f0ee", "#ffd1d1"]

    static func colour(_ user: UUID) -> String {
        palette[Int(user.uuid.15) % palette.count]
    }

    static func render(rows: [Row], from: Date, days: Int, now: Date, names: [UUID: String], timeZone: String) -> HTML {
        let width = labelWidth + days * dayWidth
        let height = top + rows.count * rowHeight + 4
        let total = Double(days) * 86_400
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
            let y = top + index * rowHeight
            parts.append("<text x=\"6\" y=\"\(y + 19)\" font-size=\"13\" font-weight=\"600\" fill=\"#1b1f24\">\(row.label.count > 20 ? String(row.label.prefix(19)) + "…" : row.label)</text>")
            for span in row.spans {
                let left = x(span.start), right = x(span.end)
                let name = names[span.userID] ?? "Unknown"
                let when = "\(Pages.formatDate(span.start, timeZone: timeZone)) – \(Pages.formatDate(span.end, timeZone: timeZone))"
                let label: HTML = right - left > 40
                    ? "<text x=\"\(left + 4)\" y=\"\(y + 19)\" font-size=\"12\" fill=\"#1b1f24\">\(name.count * 7 > right - left - 8 ? String(name.prefix(max(1, (right - left - 8) / 7))) : name)</text>"
                    : ""
                parts.append("""
                <g><title>\(name): \(when)</title><rect x="\(left)" y="\(y + 4)" width="\(max(1, right - left))" height="\(rowHeight - 8)" rx="3" \
                fill="\(colour(span.userID))" stroke="#5b6470" stroke-width="0.5"/>\(label)</g>
                """)
            }
        }
        if now >= from && now < from.addingTimeInterval(total) {
            parts.append("<line x1=\"\(x(now))\" y1=\"0\" x2=\"\(x(now))\" y2=\"\(height)\" stroke=\"#b3261e\" stroke-width=\"2\"><title>Now</title></line>")
        }
        return """
        <div class="scroll-x"><svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        role="img" aria-label="On-call timeline">\(parts)</svg></div>
        """
    }
}
