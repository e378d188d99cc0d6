import Foundation

/// Encodes any `Encodable` as compact JSON text with object keys sorted, as `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` does, at a fraction of its cost: values go straight into a small tree of pre-written
/// scalars, with no boxing of each value and no type checks beyond the few types JSON writes specially.
///
/// Instants are written as `dates` says; `Data` as Base64; a `URL` as its absolute string; a non-finite number is
/// refused with `EncodingError.invalidValue`, as `JSONEncoder` refuses it. To spare an array per field, a nested
/// value's coding path is that of the container holding it.
public struct JSONTextEncoder: Sendable {
    public enum DateStyle: Sendable {
        /// ISO 8601 in UTC to the second, `2026-12-03T07:38:00Z` (`JSONEncoder.DateEncodingStrategy.iso8601`).
        case iso8601
        /// Seconds since 2001-01-01, as a number (`JSONEncoder`'s default, `.deferredToDate`).
        case secondsSinceReferenceDate
    }

    public var dates: DateStyle

    public init(dates: DateStyle = .iso8601) {
        self.dates = dates
    }

    public func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encodeBytes(value), as: UTF8.self)
    }

    public func encodeBytes(_ value: some Encodable) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try JSONTextEncoding.node(for: value, path: [], dates: dates).write(into: &out)
        return out
    }
}

extension JSONValue {
    /// The value as compact JSON text, object keys sorted, numbers as `JSONEncoder` writes them: the API's writer.
    public var jsonText: String {
        var out: [UInt8] = []
        JSONTextEncoding.jsonValue(self).write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The tree of one encoding: scalars already written as JSON text (or a string to quote when written), arrays and
/// objects filled in by their containers.
private enum JSONNode {
    case scalar(String)
    case string(String)
    case array(ArrayBox)
    case object(ObjectBox)

    final class ArrayBox {
        var items: [JSONNode] = []
    }

    /// Members in the order they were encoded; written sorted by key, the last of a repeated key winning.
    final class ObjectBox {
        var members: [(key: String, node: JSONNode)] = []

        func set(_ key: String, _ node: JSONNode) {
            members.append((key, node))
        }
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .scalar(let text):
            out.append(contentsOf: text.utf8)
        case .string(let text):
            JSONValue.quote(text, into: &out)
        case .array(let box):
            out.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let box):
            out.append(UInt8(ascii: "{"))
            // Keys in byte order (code point order, as JSONEncoder's .sortedKeys); a stable sort keeps a repeated key's
            // encodings in order, and only the last of them is written.
            // Insertion sort: an object has a handful of members, often nearly in order.
            var sorted = box.members
            for i in sorted.indices.dropFirst() {
                var j = i
                while j > 0, sorted[i].key.utf8.lexicographicallyPrecedes(sorted[j - 1].key.utf8) { j -= 1 }
                if j < i { sorted.insert(sorted.remove(at: i), at: j) }
            }
            var first = true
            for (position, member) in sorted.enumerated() {
                if position + 1 < sorted.count, sorted[position + 1].key == member.key { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONValue.quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.node.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

private enum JSONTextEncoding {
    static func node<T: Encodable>(for value: T, path: [any CodingKey], dates: JSONTextEncoder.DateStyle) throws -> JSONNode {
        // The types JSON writes specially. A comparison of metadata picks the case, then the cast (which cannot fail
        // there) reads the value: no chain of failing dynamic casts for every nested struct.
        if T.self == String.self, let text = value as? String { return .string(text) }
        if T.self == Int.self, let integer = value as? Int { return .scalar(String(integer)) }
        if T.self == Bool.self, let flag = value as? Bool { return .scalar(flag ? "true" : "false") }
        if T.self == Double.self, let real = value as? Double { return try number(real, path) }
        if T.self == Date.self, let instant = value as? Date { return try date(instant, path, dates) }
        if T.self == JSONValue.self, let json = value as? JSONValue { return jsonValue(json) }
        if T.self == URL.self, let url = value as? URL { return .string(url.absoluteString) }
        if T.self == Data.self, let data = value as? Data { return .string(data.base64EncodedString()) }
        if T.self == Decimal.self, let decimal = value as? Decimal { return .scalar(decimal.description) }
        let encoder = NodeEncoder(codingPath: path, dates: dates)
        try value.encode(to: encoder)
        // A value that encoded nothing is an empty object, as with JSONEncoder.
        return encoder.result ?? .object(JSONNode.ObjectBox())
    }

    /// As JSONEncoder writes a number: its own shortest text (a `Float` as a `Float`), less a trailing ".0".
    static func number<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F, _ path: @autoclosure () -> [any CodingKey]) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path(), debugDescription: "\(value) is not a JSON number"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .scalar(text)
    }

    static func date(_ date: Date, _ path: [any CodingKey], _ style: JSONTextEncoder.DateStyle) throws -> JSONNode {
        switch style {
        case .secondsSinceReferenceDate: return try number(date.timeIntervalSinceReferenceDate, path)
        case .iso8601: return .scalar(iso8601(date, quoted: true))
        }
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC (in JSON quotes if `quoted`), the second rounded down, computed from the day
    /// count (proleptic Gregorian).
    static func iso8601(_ date: Date, quoted: Bool = false) -> String {
        func foundation() -> String {
            let text = ISO8601DateFormatter().string(from: date)
            return quoted ? "\"" + text + "\"" : text
        }
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e14 else { return foundation() }
        let whole = Int64(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Outside four digits (Tocsin refuses such instants on input): Foundation writes it.
        guard (0...9999).contains(year) else { return foundation() }
        // Written in place, byte by byte.
        let length = quoted ? 22 : 20
        return String(unsafeUninitializedCapacity: length) { out in
            var at = 0
            func put(_ byte: UInt8) { out[at] = byte; at += 1 }
            func two(_ n: Int64) { put(UInt8(ascii: "0") + UInt8(n / 10)); put(UInt8(ascii: "0") + UInt8(n % 10)) }
            if quoted { put(UInt8(ascii: "\"")) }
            two(year / 100); two(year % 100); put(UInt8(ascii: "-")); two(month); put(UInt8(ascii: "-")); two(day)
            put(UInt8(ascii: "T")); two(secondOfDay / 3600); put(UInt8(ascii: ":")); two(secondOfDay / 60 % 60)
            put(UInt8(ascii: ":")); two(secondOfDay % 60); put(UInt8(ascii: "Z"))
            if quoted { put(UInt8(ascii: "\"")) }
            return at
        }
    }

    static func jsonValue(_ value: JSONValue) -> JSONNode {
        switch value {
        case .null: return .scalar("null")
        case .bool(let flag): return .scalar(flag ? "true" : "false")
        // A JSON text has no NaN or infinity; one made in code is written as null rather than as invalid JSON.
        case .number(let real): return (try? number(real, [])) ?? .scalar("null")
        case .string(let text): return .string(text)
        case .array(let items):
            let box = JSONNode.ArrayBox()
            box.items = items.map(jsonValue)
            return .array(box)
        case .object(let members):
            let box = JSONNode.ObjectBox()
            box.members = members.map { ($0.key, jsonValue($0.value)) }
            return .object(box)
        }
    }
}

/// The `Encoder` handed to a type's `encode(to:)`: whichever container it asks for becomes its node.
private final class NodeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let dates: JSONTextEncoder.DateStyle
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var result: JSONNode?

    init(codingPath: [any CodingKey], dates: JSONTextEncoder.DateStyle) {
        self.codingPath = codingPath
        self.dates = dates
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONNode.ObjectBox
        if case .object(let existing) = result {
            box = existing
        } else {
            box = JSONNode.ObjectBox()
            result = .object(box)
        }
        return KeyedEncodingContainer(KeyedNodeContainer(box: box, codingPath: codingPath, dates: dates))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONNode.ArrayBox
        if case .array(let existing) = result {
            box = existing
        } else {
            box = JSONNode.ArrayBox()
            result = .array(box)
        }
        return UnkeyedNodeContainer(box: box, codingPath: codingPath, dates: dates)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(encoder: self)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONNode.ObjectBox
    let codingPath: [any CodingKey]
    let dates: JSONTextEncoder.DateStyle

    mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, .scalar("null")) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key.stringValue, .scalar(value ? "true" : "false")) }
    mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        box.set(key.stringValue, try JSONTextEncoding.number(value, codingPath + [key]))
    }

    mutating func encode(_ value: Int8, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box.set(key.stringValue, .scalar(String(value))) }
    mutating func encode(_ value: Float, forKey key: Key) throws { box.set(key.stringValue, try JSONTextEncoding.number(value, codingPath + [key])) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(key.stringValue, try JSONTextEncoding.node(for: value, path: codingPath, dates: dates))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONNode.ObjectBox()
        box.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(box: nested, codingPath: codingPath + [key], dates: dates))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONNode.ArrayBox()
        box.set(key.stringValue, .array(nested))
        return UnkeyedNodeContainer(box: nested, codingPath: codingPath + [key], dates: dates)
    }

    mutating func superEncoder() -> any Encoder {
        SuperEncoder(parent: box, key: "super", codingPath: codingPath, dates: dates)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        SuperEncoder(parent: box, key: key.stringValue, codingPath: codingPath + [key], dates: dates)
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let box: JSONNode.ArrayBox
    let codingPath: [any CodingKey]
    let dates: JSONTextEncoder.DateStyle
    var count: Int { box.items.count }

    mutating func encodeNil() throws { box.items.append(.scalar("null")) }
    mutating func encode(_ value: Bool) throws { box.items.append(.scalar(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
    mutating func encode(_ value: Int) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: Double) throws { box.items.append(try JSONTextEncoding.number(value, codingPath)) }

    mutating func encode(_ value: Int8) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: Int16) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: Int32) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: Int64) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: UInt) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: UInt8) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: UInt16) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: UInt32) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: UInt64) throws { box.items.append(.scalar(String(value))) }
    mutating func encode(_ value: Float) throws { box.items.append(try JSONTextEncoding.number(value, codingPath)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.items.append(try JSONTextEncoding.node(for: value, path: codingPath, dates: dates))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONNode.ObjectBox()
        box.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(box: nested, codingPath: codingPath, dates: dates))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONNode.ArrayBox()
        box.items.append(.array(nested))
        return UnkeyedNodeContainer(box: nested, codingPath: codingPath, dates: dates)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = NodeEncoder(codingPath: codingPath, dates: dates)
        let object = JSONNode.ObjectBox()
        encoder.result = .object(object)
        box.items.append(.object(object))
        return encoder
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.result = .scalar("null") }
    mutating func encode(_ value: Bool) throws { encoder.result = .scalar(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.result = .string(value) }
    mutating func encode(_ value: Int) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: Double) throws { encoder.result = try JSONTextEncoding.number(value, codingPath) }
    mutating func encode(_ value: Int8) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.result = .scalar(String(value)) }
    mutating func encode(_ value: Float) throws { encoder.result = try JSONTextEncoding.number(value, codingPath) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.result = try JSONTextEncoding.node(for: value, path: codingPath, dates: encoder.dates)
    }
}

/// `superEncoder(forKey:)`: an encoder whose container lands under the parent's key.
private final class SuperEncoder: Encoder {
    let parent: JSONNode.ObjectBox
    let key: String
    let inner: NodeEncoder
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(parent: JSONNode.ObjectBox, key: String, codingPath: [any CodingKey], dates: JSONTextEncoder.DateStyle) {
        self.parent = parent
        self.key = key
        inner = NodeEncoder(codingPath: codingPath, dates: dates)
    }

    deinit { parent.set(key, inner.result ?? .object(JSONNode.ObjectBox())) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}

/// An array position in a coding path.
struct JSONIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

extension JSONTextEncoder {
    /// An instant as `.iso8601` writes it, in JSON quotes (for `JSONWriter`).
    static func quotedInstant(_ date: Date) -> String {
        JSONTextEncoding.iso8601(date, quoted: true)
    }
}
