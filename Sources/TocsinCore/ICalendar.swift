import Foundation

/// An iCalendar (RFC 5545) document of plain events in UTC, as Google Calendar, Outlook and Apple Calendar read
/// subscribed feeds: CRLF line ends, lines folded at 75 octets, text escaped.
public struct ICalendar: Sendable {
    public struct Event: Sendable, Equatable {
        public var uid: String
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String

        public init(uid: String, start: Date, end: Date, summary: String, description: String = "") {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
        }
    }

    public var name: String
    public var events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    public func render(stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tocsin//On-call schedules//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:\(Self.text(name))", "X-PUBLISHED-TTL:PT1H", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:\(Self.text(event.uid))", "DTSTAMP:\(Self.utc(stamp))", "DTSTART:\(Self.utc(event.start))",
                "DTEND:\(Self.utc(event.end))", "SUMMARY:\(Self.text(event.summary))", "TRANSP:TRANSPARENT",
            ]
            if !event.description.isEmpty { lines.append("DESCRIPTION:\(Self.text(event.description))") }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261123T090000Z`
    static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// TEXT values: backslash, semicolon, comma and newlines escaped; other control characters dropped.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = ""
        var count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(character)
            count += size
        }
        return out
    }
}
