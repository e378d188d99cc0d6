import Foundation

/// JSON written straight into bytes by a type that knows its own shape, for the answers hot enough to skip
/// `Encodable` (which builds a tree of generic containers per value and sorts every object's keys).
///
/// The writer puts the commas; the caller names members in sorted key order and writes what `JSONTextEncoder`
/// would (tests compare the two byte for byte), so an answer reads the same whichever wrote it.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Whether the container being written has no member or element yet.
    private var first = true

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    /// Names the next member; its value follows. A key from code, which needs no escaping (letters, digits, `_`).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Names the next member with a key from data, escaped as needed.
    public mutating func key(text name: String) {
        separate()
        JSONValue.quote(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    /// Opens the next element of an array; its value follows.
    public mutating func element() {
        separate()
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    public mutating func string(_ text: String) {
        JSONValue.quote(text, into: &bytes)
    }

    public mutating func integer(_ number: Int) {
        bytes.append(contentsOf: String(number).utf8)
    }

    public mutating func bool(_ flag: Bool) {
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    public mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    /// An instant as `JSONTextEncoder(dates: .iso8601)` writes it.
    public mutating func date(_ date: Date) {
        bytes.append(contentsOf: JSONTextEncoder.quotedInstant(date).utf8)
    }

    /// A string, or null.
    public mutating func string(_ text: String?) {
        if let text { string(text) } else { null() }
    }

    /// A string array.
    public mutating func strings(_ texts: [String]) {
        beginArray()
        for text in texts {
            element()
            string(text)
        }
        endArray()
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }
}

/// A value that writes itself as JSON (see `JSONWriter`).
public protocol JSONWritable {
    func write(into writer: inout JSONWriter)
}
