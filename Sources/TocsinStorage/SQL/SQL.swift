import Foundation

/// A value bound into a statement or read from a row, in the few kinds the repositories store.
public enum DatabaseValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Stored as an integer 0 or 1 on SQLite, as `BOOLEAN` on PostgreSQL.
    case bool(Bool)
    /// Stored as seconds since 1970 (`REAL`) on SQLite, as `TIMESTAMPTZ` on PostgreSQL.
    case date(Date)
    case blob([UInt8])
}

/// A type whose values are bound into SQL as they are, never spliced into its text.
public protocol DatabaseBindable {
    var databaseValue: DatabaseValue { get }
}

extension String: DatabaseBindable { public var databaseValue: DatabaseValue { .text(self) } }
extension Substring: DatabaseBindable { public var databaseValue: DatabaseValue { .text(String(self)) } }
extension Int: DatabaseBindable { public var databaseValue: DatabaseValue { .integer(Int64(self)) } }
extension Int64: DatabaseBindable { public var databaseValue: DatabaseValue { .integer(self) } }
extension Double: DatabaseBindable { public var databaseValue: DatabaseValue { .real(self) } }
extension Bool: DatabaseBindable { public var databaseValue: DatabaseValue { .bool(self) } }
extension Date: DatabaseBindable { public var databaseValue: DatabaseValue { .date(self) } }
extension Array: DatabaseBindable where Element == UInt8 { public var databaseValue: DatabaseValue { .blob(self) } }
extension Optional: DatabaseBindable where Wrapped: DatabaseBindable {
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
}

/// SQL text and the values bound into it, written by interpolation: `"SELECT * FROM t WHERE id = \(bind: id)"`.
/// A bound value never becomes part of the text; each database renders the placeholders its own way
/// (`?` on SQLite, `$1`, `$2`… on PostgreSQL) when the statement runs.
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    /// The text, with `SQL.placeholder` where each bound value goes.
    public private(set) var text: String
    public private(set) var binds: [DatabaseValue]

    /// Marks a bound value's place in `text`. A control character that no statement of Tocsin's contains.
    static let placeholder: UInt8 = 0x01

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    /// Text from code, taken as it is. Never pass it anything a request carried.
    public init(unsafe text: String) {
        self.text = text
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [DatabaseValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(bind value: some DatabaseBindable) {
            text.unicodeScalars.append(Unicode.Scalar(SQL.placeholder))
            binds.append(value.databaseValue)
        }

        /// Comma-separated placeholders, one per value (for `IN (…)`); callers keep the list non-empty.
        public mutating func appendInterpolation(binds values: [some DatabaseBindable]) {
            for (index, value) in values.enumerated() {
                if index > 0 { text += ", " }
                appendInterpolation(bind: value)
            }
        }

        /// A table or column name from code, double-quoted.
        public mutating func appendInterpolation(ident name: String) {
            text += "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }

        public mutating func appendInterpolation(literal number: Int) {
            text += String(number)
        }

        /// Text from code, taken as it is (a column type, say). Never anything a request carried.
        public mutating func appendInterpolation(unsafeRaw text: String) {
            self.text += text
        }

        public mutating func appendInterpolation(_ sql: SQL) {
            text += sql.text
            binds += sql.binds
        }
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var joined = lhs
        joined += rhs
        return joined
    }

    public static func += (lhs: inout SQL, rhs: SQL) {
        lhs.text += rhs.text
        lhs.binds += rhs.binds
    }

    /// The parts with ", " between them, as in a VALUES list.
    static func joined(_ parts: [SQL]) -> SQL {
        parts.joined(separator: ", ")
    }

    /// The text with each placeholder written by `write` (given the 1-based position of the value).
    func rendered(_ write: (inout [UInt8], Int) -> Void) -> String {
        Self.rendered(text, write)
    }

    /// `text`, in which `placeholder` marks each bound value, with each placeholder written by `write`.
    static func rendered(_ text: String, _ write: (inout [UInt8], Int) -> Void) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        var position = 0
        for byte in text.utf8 {
            if byte == placeholder {
                position += 1
                write(&out, position)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Array where Element == SQL {
    public func joined(separator: String) -> SQL {
        var joined = SQL(unsafe: "")
        for (index, part) in enumerated() {
            if index > 0 { joined += SQL(unsafe: separator) }
            joined += part
        }
        return joined
    }
}
