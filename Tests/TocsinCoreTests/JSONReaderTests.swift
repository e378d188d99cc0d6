import Foundation
import PropertyBased
import Testing
import TocsinCore

/// Random JSON values, a few levels deep, with the characters that need escaping.
private let scalarGen = zip(Gen.int(in: 0...4), Gen.int(in: -1_000_000...1_000_000), Gen.element(of: ["", "a", "é", "\"", "\\", "/", "\n\t", "\u{1}", "😀", "\u{FFFF}", "日本"]).array(of: 0...4))
    .map { kind, n, parts -> JSONValue in
        switch kind {
        case 0: return .null
        case 1: return .bool(n % 2 == 0)
        case 2: return .number(Double(n) / 8)
        default: return .string(parts.compactMap { $0 }.joined())
        }
    }

private let valueGen = zip(scalarGen.array(of: 0...6), Gen.int(in: 0...2), Gen.element(of: ["k", "key", "é", "a\"b", ""]).array(of: 0...6))
    .map { scalars, shape, keys -> JSONValue in
        switch shape {
        case 0: return .array(scalars)
        case 1: return .object(Dictionary(zip(keys.compactMap { $0 }, scalars), uniquingKeysWith: { _, last in last }))
        default: return .object(["nested": .array(scalars), "deeper": .object(["list": .array(scalars.reversed())])])
        }
    }

@Suite("JSON reader")
struct JSONReaderTests {
    @Test("reads back whatever JSONEncoder writes, as JSONDecoder would")
    func roundTrip() async {
        await propertyCheck(count: 300, input: valueGen) { value in
            let data = try! JSONEncoder().encode(value)
            #expect((try? JSONValue.parse(data)) == value)
            #expect((try? JSONValue.parse(data)) == (try? JSONDecoder().decode(JSONValue.self, from: data)))
            #expect((try? JSONValue.parse(Data(value.jsonText.utf8))) == value, "the writer's text reads back as the value")
            #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(value.jsonText.utf8))) == value, "and JSONDecoder agrees")
        }
    }

    @Test("a quoted string reads back as itself, whatever it holds")
    func quoting() async {
        await propertyCheck(count: 300, input: Gen.element(of: ["", "a", "é", "\"", "\\", "/", "\n\t\r", "\u{1}", "\u{1f}", "😀", "日本", "</script>"]).array(of: 0...8)) { parts in
            let text = parts.compactMap { $0 }.joined()
            #expect((try? JSONValue.parse(Data(JSONValue.quoted(text).utf8))) == .string(text))
        }
    }

    @Test("escapes, surrogate pairs, numbers and whitespace", arguments: [
        (#"  {"a" : [1, -0.5, 2e3, 1E-2, true, false, null] }  "#, JSONValue.object(["a": [1, .number(-0.5), 2000, .number(0.01), true, false, nil]])),
        (#""\u00e9\ud83d\ude00\n\/\\\"""#, .string("é😀\n/\\\"")),
        (#""\ud800x""#, .string("\u{FFFD}x")),
        (#"{"k":1,"k":2}"#, .object(["k": 2])),
        ("[]", .array([])),
        ("{}", .object([:])),
    ])
    func valid(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(Data(text.utf8)) == expected)
    }

    @Test("refuses what is not JSON", arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "[1] 2", "\"a", "\"\u{1}\"",
        "\"\\x\"", "\"\\u12\"", "{\"a\" 1}", "[1 2]", "NaN", "1e999", "// comment\n1",
    ])
    func invalid(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data(text.utf8)) }
    }

    @Test("invalid UTF-8 and nesting beyond 512 levels are refused without crashing")
    func limits() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) }
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect((try? JSONValue.parse(Data(fine.utf8))) != nil)
        let huge = String(repeating: "[", count: 100_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data(huge.utf8)) }
    }
}
