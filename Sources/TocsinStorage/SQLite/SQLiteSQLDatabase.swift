import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// SQLKit's interface over one `SQLiteConnection`, so the repositories' SQL serves SQLite and PostgreSQL alike.
/// A query runs to its end on the caller's thread: no hop per statement, none per row.
struct SQLiteSQLDatabase: SQLDatabase {
    let connection: SQLiteConnection
    let logger: Logger

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { TocsinSQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        let values = try binds.map(SQLiteValue.init(bound:))
        try connection.run(sql, values) { columns, values in onRow(SQLiteRow(columns: columns, values: values)) }
    }
}

/// The SQL that SQLKit writes for SQLite: numbered placeholders, double-quoted identifiers.
struct TocsinSQLiteDialect: SQLDialect {
    var name: String { "sqlite" }
    var identifierQuote: any SQLExpression { SQLRaw("\"") }
    var literalStringQuote: any SQLExpression { SQLRaw("'") }
    var supportsAutoIncrement: Bool { false }
    var autoIncrementClause: any SQLExpression { SQLRaw("AUTOINCREMENT") }
    var supportsReturning: Bool { true }
    var upsertSyntax: SQLUpsertSyntax { .standard }
    func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("?\(position)") }
    func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "1" : "0") }
}

/// One result row. Values decode directly into the types the repositories read (text, numbers, instants, flags),
/// without a generic `Decoder`.
struct SQLiteRow: SQLRow {
    let columns: SQLiteColumns
    let values: [SQLiteValue]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        try value(column) == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let value = try value(column)
        guard let readable = D.self as? any SQLiteReadable.Type else {
            throw SQLiteDecodingError(column: column, message: "\(D.self) cannot be read from a column")
        }
        guard let decoded = readable.init(sqlite: value) as? D else {
            throw SQLiteDecodingError(column: column, message: "holds \(value), not \(D.self)")
        }
        return decoded
    }

    private func value(_ column: String) throws -> SQLiteValue {
        guard let position = columns.positions[column] else {
            throw SQLiteDecodingError(column: column, message: "is not in the result")
        }
        return values[position]
    }
}

struct SQLiteDecodingError: Error, CustomStringConvertible {
    var column: String
    var message: String
    var description: String { "column \(column) \(message)" }
}

/// A type read straight from a stored value; `nil` when the value is not one of it.
protocol SQLiteReadable {
    init?(sqlite value: SQLiteValue)
}

extension String: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        switch value {
        case .text(let text): self = text
        case .integer(let number): self = String(number)
        case .real(let number): self = String(number)
        case .blob(let bytes): self = String(decoding: bytes, as: UTF8.self)
        case .null: return nil
        }
    }
}

extension Int: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        switch value {
        case .integer(let number): self.init(exactly: number)
        case .real(let number): self.init(exactly: number)
        case .text(let text): self.init(text)
        default: return nil
        }
    }
}

extension Int64: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        guard let number = Int(sqlite: value) else { return nil }
        self.init(number)
    }
}

extension Double: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        switch value {
        case .real(let number): self = number
        case .integer(let number): self = Double(number)
        case .text(let text): self.init(text)
        default: return nil
        }
    }
}

extension Bool: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        switch value {
        case .integer(let number): self = number != 0
        case .real(let number): self = number != 0
        case .text(let text):
            switch text.lowercased() {
            case "1", "true": self = true
            case "0", "false": self = false
            default: return nil
            }
        default: return nil
        }
    }
}

extension Date: SQLiteReadable {
    /// Instants are stored as seconds since 1970 (`REAL`); text in ISO 8601 is read too.
    init?(sqlite value: SQLiteValue) {
        switch value {
        case .real(let seconds): self.init(timeIntervalSince1970: seconds)
        case .integer(let seconds): self.init(timeIntervalSince1970: Double(seconds))
        case .text(let text):
            guard let date = (try? Date(text, strategy: .iso8601))
                ?? (try? Date(text, strategy: .iso8601.dateTimeSeparator(.space).year().month().day().time(includingFractionalSeconds: false)))
            else { return nil }
            self = date
        default: return nil
        }
    }
}

extension UUID: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        guard case .text(let text) = value else { return nil }
        self.init(uuidString: text)
    }
}

extension Data: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        switch value {
        case .blob(let bytes): self.init(bytes)
        case .text(let text): self.init(text.utf8)
        default: return nil
        }
    }
}

extension Optional: SQLiteReadable where Wrapped: SQLiteReadable {
    init?(sqlite value: SQLiteValue) {
        if value == .null {
            self = .none
        } else if let wrapped = Wrapped(sqlite: value) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}

extension SQLiteValue {
    /// A value SQLKit bound into a query, stored as sqlite-kit stored it before: instants as seconds since 1970,
    /// flags as 0 and 1.
    init(bound value: any Encodable & Sendable) throws {
        switch value {
        case let text as String: self = .text(text)
        case let number as Int: self = .integer(Int64(number))
        case let number as Int64: self = .integer(number)
        case let number as Int32: self = .integer(Int64(number))
        case let number as Double: self = .real(number)
        case let flag as Bool: self = .integer(flag ? 1 : 0)
        case let date as Date: self = .real(date.timeIntervalSince1970)
        case let id as UUID: self = .text(id.uuidString)
        case let bytes as Data: self = .blob(Array(bytes))
        case let bytes as [UInt8]: self = .blob(bytes)
        case let optional as any OptionalBind: self = try optional.sqliteValue
        default:
            throw SQLiteError(code: 20 /* SQLITE_MISMATCH */, message: "a bound \(type(of: value)) has no SQLite form")
        }
    }
}

/// An optional bound value: `nil` is `NULL`, anything else is its wrapped value.
private protocol OptionalBind {
    var sqliteValue: SQLiteValue { get throws }
}

extension Optional: OptionalBind where Wrapped: Encodable {
    fileprivate var sqliteValue: SQLiteValue {
        get throws {
            switch self {
            case .none: return .null
            case .some(let wrapped as any Encodable & Sendable): return try SQLiteValue(bound: wrapped)
            case .some(let wrapped): throw SQLiteError(code: 20, message: "a bound \(type(of: wrapped)) is not Sendable")
            }
        }
    }
}
