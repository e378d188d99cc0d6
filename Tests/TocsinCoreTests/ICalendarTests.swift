import Foundation
import Testing
import TocsinCore

@Suite("iCalendar")
struct ICalendarTests {
    @Test("events in UTC with CRLF line ends, escaped text and lines folded at 75 octets without splitting a character")
    func render() {
        let start = Date(timeIntervalSince1970: 1_795_424_400)
        let calendar = ICalendar(name: "On call: Platform; EMEA, \\ night", events: [
            ICalendar.Event(uid: "a@tocsin", start: start, end: start.addingTimeInterval(6 * 3600),
                            summary: "Ünïcödé name on call " + String(repeating: "é", count: 60), description: "line one\nline two"),
        ])
        let text = calendar.render(stamp: start)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
        #expect(text.contains("X-WR-CALNAME:On call: Platform\\; EMEA\\, \\\\ night\r\n"))
        #expect(text.contains("DTSTART:20261123T090000Z\r\nDTEND:20261123T150000Z\r\n"))
        #expect(text.contains("DESCRIPTION:line one\\nline two\r\n"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 75, "\(line)")
        }
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:Ünïcödé name on call " + String(repeating: "é", count: 60) + "\r\n"))
    }
}
