import Foundation
import Testing
@testable import TocsinCore

@Suite("Identifiers")
struct IdentifierTests {
    @Test("an id's stored text is its lowercase UUID string, for any id")
    func storedText() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.db == id.uuidString.lowercased())
        }
        let edges = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        #expect(edges.map(\.db) == ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"])
    }

    @Test("time-ordered ids are version 7, carry the millisecond, and sort as text in the order they were made")
    func timeOrdered() throws {
        let instant = Date(timeIntervalSince1970: 1_795_000_000.125)
        let id = UUID.timeOrdered(at: instant)
        let text = id.db
        #expect(text.prefix(13) == "01a1ee56-5e7d")  // 1_795_000_000_125 ms = 0x01A1EE565E7D
        #expect(Array(text)[14] == "7")
        #expect("89ab".contains(Array(text)[19]))
        #expect(UUID(uuidString: text) == id)

        var made: [(Date, String)] = []
        for step in 0..<2_000 {
            let at = instant.addingTimeInterval(Double(step / 4) * 0.001)  // four ids per millisecond
            made.append((at, UUID.timeOrdered(at: at).db))
        }
        #expect(Set(made.map(\.1)).count == made.count)
        let sorted = made.sorted { $0.1 < $1.1 }
        #expect(sorted.map(\.0) == made.map(\.0))
    }

    @Test("a clock before 1970, far in the future or not a number still gives a valid id, never a trap")
    func oddClocks() {
        for instant in [Date(timeIntervalSince1970: -5), Date.distantPast, Date.distantFuture,
                        Date(timeIntervalSince1970: .infinity), Date(timeIntervalSince1970: .nan)] {
            let text = UUID.timeOrdered(at: instant).db
            #expect(text.count == 36)
            #expect(Array(text)[14] == "7")
        }
        #expect(UUID.timeOrdered(at: .distantPast).db.hasPrefix("00000000-0000-7"))
    }
}

@Suite("Identifier text")
struct IdentifierTextTests {
    @Test("an id's text reads back as Foundation reads it, in either case; anything else is not an id (stricter than sscanf)")
    func parse() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUID(text: id.db) == id)
            #expect(UUID(text: id.uuidString) == id)
        }
        let id = UUID()
        let text = id.db
        for bad in ["", text.dropLast().description, text + "0", text.replacingOccurrences(of: "-", with: ""),
                    " " + text.dropFirst(), String(text.prefix(8)) + "_" + text.dropFirst(9), "g" + text.dropFirst(),
                    String(text.prefix(35)) + "é", "{" + text + "}"] {
            #expect(UUID(text: bad) == nil, "\(bad)")
        }
        // 36 bytes each, yet no id: digits where the dashes go, a dash one place early, a character of two bytes.
        let early: String = String(text.prefix(7)) + "-" + String(text.dropFirst(7).dropLast())
        let wide: String = String(text.prefix(34)) + "é"
        for bad in [String(repeating: "a", count: 36), early, wide] {
            #expect(bad.utf8.count == 36 && UUID(text: bad) == nil, "\(bad)")
        }
    }
}

@Suite("Trimming")
struct TrimmingTests {
    @Test("trimmed drops the white space and newlines Foundation drops, and keeps text with none as it is")
    func sameAsFoundation() {
        let samples = ["", " ", "plain", "  both  ", "\ttab\n", "\u{00A0}no-break\u{00A0}", "\u{2028}line\u{3000}", "inner  space",
                       "é", " é ", "\r\n", "x\u{200B}", "\u{FEFF}bom"]
        for text in samples {
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }
}
