import Foundation
import Testing
@testable import TocsinCore

/// The API's JSON writer must write what Foundation's `JSONEncoder` (sorted keys, slashes unescaped, ISO 8601 dates)
/// writes, byte for byte, for the shapes the wire types have.
@Suite("JSON text encoder")
struct JSONTextEncoderTests {
    private struct Link: Codable, Equatable {
        var title: String
        var url: String
    }

    private enum Kind: String, Codable { case one, two }

    private struct Wire: Encodable {
        var id: String
        var name: String
        var count: Int
        var big: Int64
        var ratio: Double
        var flag: Bool
        var at: Date
        var missing: String?
        var present: String?
        var kind: Kind
        var links: [Link]
        var labels: [String: String]
        var nested: [[Int]]
        var free: JSONValue
        var bytes: Data
        var address: URL

        enum CodingKeys: String, CodingKey {
            case id, name, count, big, ratio, flag, at, missing, present, kind, links, labels, nested, free, bytes, address
            case zNull = "z_null"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(count, forKey: .count)
            try c.encode(big, forKey: .big)
            try c.encode(ratio, forKey: .ratio)
            try c.encode(flag, forKey: .flag)
            try c.encode(at, forKey: .at)
            try c.encodeIfPresent(missing, forKey: .missing)
            try c.encodeIfPresent(present, forKey: .present)
            try c.encode(kind, forKey: .kind)
            try c.encode(links, forKey: .links)
            try c.encode(labels, forKey: .labels)
            try c.encode(nested, forKey: .nested)
            try c.encode(free, forKey: .free)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(address, forKey: .address)
            try c.encodeNil(forKey: .zNull)
        }
    }

    private func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("a wire type with every kind of field is written exactly as JSONEncoder writes it")
    func sameAsFoundation() throws {
        let strings = ["", "plain", "Ünïcødé ✓ 🚨", "quote \" backslash \\ slash / tab \t newline \n return \r", "nul \u{0} bell \u{7} backspace \u{8} feed \u{c} escape \u{1b} del \u{7f}",
                       "line \u{2028} separator", "a/b/c https://x.example/y?z=1&w=2"]
        let ratios: [Double] = [0, 1, -1, 0.5, 0.1, 2.0, 1e-5, 123_456_789.25, 1e15, 1e16, -0.0, 3.141592653589793]
        for (index, text) in strings.enumerated() {
            let wire = Wire(
                id: UUID().uuidString.lowercased(), name: text, count: index * 1_000 - 3, big: index.isMultiple(of: 2) ? .max : .min,
                ratio: ratios[index % ratios.count], flag: index.isMultiple(of: 2),
                at: Date(timeIntervalSince1970: 1_795_000_000 + Double(index) * 86_399.75),
                missing: nil, present: text, kind: index.isMultiple(of: 2) ? .one : .two,
                links: [Link(title: text, url: "https://grafana.example.com/d/\(index)")], labels: ["b": text, "a": "1", "a_b": "2", "aB": "3"],
                nested: [[1, 2], [], [index]], free: ["z": [1, "two", nil, true], "a": ["nested": .number(2.5)]],
                bytes: Data(text.utf8), address: URL(string: "https://example.com/a/b?c=\(index)")!)
            #expect(try JSONTextEncoder().encode(wire) == foundation(wire))
        }
        for ratio in ratios {
            #expect(try JSONTextEncoder().encode(["r": ratio]) == foundation(["r": ratio]), "\(ratio)")
            #expect(try JSONTextEncoder().encode([Float(ratio)]) == foundation([Float(ratio)]), "\(ratio) as a Float")
        }
        #expect(try JSONTextEncoder().encode([Link]()) == "[]")
        #expect(try JSONTextEncoder().encode([String: Int]()) == "{}")
    }

    @Test("instants are written to the second in UTC as JSONEncoder's .iso8601 writes them, from 1900 to 9999")
    func instants() throws {
        var generator = SystemRandomNumberGenerator()
        var dates = [Instants.earliest, Instants.latest, Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.5),
                     Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 4_107_542_399.999)]
        for _ in 0..<2_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: Instants.earliest.timeIntervalSince1970...Instants.latest.timeIntervalSince1970,
                                                                   using: &generator)))
        }
        for date in dates {
            #expect(try JSONTextEncoder().encode([date]) == foundation([date]), "\(date.timeIntervalSince1970)")
        }
    }

    private struct Twice: Encodable {
        enum Key: String, CodingKey { case b, a, c }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(1, forKey: .b)
            try c.encode("first", forKey: .a)
            try c.encode(3, forKey: .c)
            try c.encode("second", forKey: .a)
        }
    }

    @Test("a key encoded twice keeps its last value, as with JSONEncoder")
    func repeatedKey() throws {
        #expect(try JSONTextEncoder().encode(Twice()) == foundation(Twice()))
        #expect(try JSONTextEncoder().encode(Twice()) == #"{"a":"second","b":1,"c":3}"#)
    }

    @Test("a number JSON cannot hold is refused, as JSONEncoder refuses it")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try JSONTextEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONTextEncoder().encode(["x": Double.infinity]) }
    }
}

@Suite("JSON value decoder")
struct JSONValueDecoderTests {
    private struct Stored: Codable, Equatable {
        enum Kind: String, Codable { case weekly, daily }
        struct Layer: Codable, Equatable {
            var start: Date
            var members: [String]
            var handoff: Int?
        }
        var kind: Kind
        var days: Set<Int>
        var layers: [Layer]
        var labels: [String: String]
        var note: String?
        var ratio: Double
        var flag: Bool
        var free: JSONValue
    }

    @Test("what JSONEncoder stored decodes to the same value JSONDecoder reads, and bad shapes are errors, not traps")
    func sameAsFoundation() throws {
        let value = Stored(kind: .weekly, days: [1, 3, 5],
                           layers: [.init(start: Date(timeIntervalSince1970: 1_795_000_000.25), members: ["a", "b"], handoff: 9),
                                    .init(start: Date(timeIntervalSince1970: -2_000_000_000), members: [], handoff: nil)],
                           labels: ["team": "db", "ü": "✓"], note: nil, ratio: 0.1, flag: true, free: ["x": [1, nil, "y"]])
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        #expect(try JSONValueDecoder().decode(Stored.self, from: text) == JSONDecoder().decode(Stored.self, from: Data(text.utf8)))
        #expect(try JSONValueDecoder().decode(Stored.self, from: text) == value)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([Int].self, from: "[1.5]") }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([Int8].self, from: "[300]") }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Stored.self, from: "{}") }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([String].self, from: "[\"a\",") }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([String: Int].self, from: "[1]") }
    }
}
