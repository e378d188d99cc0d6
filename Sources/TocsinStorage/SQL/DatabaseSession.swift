import Foundation

/// One connection's worth of a database, for the statements of one read or one transaction. SQLite and PostgreSQL
/// each implement it; the repositories are written once against it.
public protocol DatabaseSession: Sendable {
    var kind: DatabaseKind { get }
    /// Runs one statement, handing each result row to `onRow` as it is read.
    func execute(_ sql: SQL, _ onRow: (Row) throws -> Void) async throws
    /// Runs statements that change rows and return none. SQLite runs them in order; PostgreSQL sends them as one
    /// statement (one round trip) whose parts share one snapshot and run in no promised order, so none may depend on
    /// another: read what it writes, change a row it changes, or need a unique index to see its change first. A
    /// foreign key to a row another part inserts is checked at the end, and holds.
    func runWrites(_ statements: [SQL]) async throws
}

extension DatabaseSession {
    public func runWrites(_ statements: [SQL]) async throws {
        for statement in statements { try await execute(statement) { _ in } }
    }

    public func raw(_ sql: SQL) -> Statement {
        Statement(session: self, sql: sql)
    }
}

/// A statement about to run, read in the way the caller needs.
public struct Statement {
    let session: any DatabaseSession
    let sql: SQL

    public func run() async throws {
        try await session.execute(sql) { _ in }
    }

    public func all() async throws -> [Row] {
        var rows: [Row] = []
        try await session.execute(sql) { rows.append($0) }
        return rows
    }

    /// The first row, if any. Callers that want one row of many say `LIMIT 1`.
    public func first() async throws -> Row? {
        var first: Row?
        try await session.execute(sql) { row in if first == nil { first = row } }
        return first
    }

    public func all<T: DatabaseReadable>(decodingColumn column: String, as type: T.Type) async throws -> [T] {
        var values: [T] = []
        try await session.execute(sql) { values.append(try $0.decode(column: column, as: T.self)) }
        return values
    }

    public func first<T: DatabaseReadable>(decodingColumn column: String, as type: T.Type) async throws -> T? {
        try await first()?.decode(column: column, as: T.self)
    }
}

/// A result's column names, shared by its rows, with the position of each name (the first, where names repeat).
public final class RowColumns: Sendable {
    public let names: [String]
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }
}

/// One result row. Values are read straight into the types the repositories use, without a generic `Decoder`.
public struct Row: Sendable {
    let columns: RowColumns
    let values: [DatabaseValue]

    public var allColumns: [String] { columns.names }

    public func contains(column: String) -> Bool { columns.positions[column] != nil }

    public func decodeNil(column: String) throws -> Bool {
        try value(column) == .null
    }

    public func decode<T: DatabaseReadable>(column: String, as type: T.Type = T.self) throws -> T {
        let value = try value(column)
        guard let decoded = T(databaseValue: value) else {
            throw RowDecodingError(column: column, message: "holds \(value), not \(T.self)")
        }
        return decoded
    }

    func value(_ column: String) throws -> DatabaseValue {
        guard let position = columns.positions[column] else {
            throw RowDecodingError(column: column, message: "is not in the result")
        }
        return values[position]
    }
}

public struct RowDecodingError: Error, CustomStringConvertible {
    public var column: String
    public var message: String
    public var description: String { "column \(column) \(message)" }
}

/// A type read straight from a stored value; `nil` when the value is not one of it. Each reads what either database
/// stores for it (a flag is an integer on SQLite and a boolean on PostgreSQL, an instant a number or a timestamp).
public protocol DatabaseReadable {
    init?(databaseValue value: DatabaseValue)
}

extension String: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        switch value {
        case .text(let text): self = text
        case .integer(let number): self = String(number)
        case .real(let number): self = String(number)
        case .bool(let flag): self = flag ? "true" : "false"
        case .blob(let bytes): self = String(decoding: bytes, as: UTF8.self)
        case .date, .null: return nil
        }
    }
}

extension Int: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        switch value {
        case .integer(let number): self.init(exactly: number)
        case .real(let number): self.init(exactly: number)
        case .bool(let flag): self = flag ? 1 : 0
        case .text(let text): self.init(text)
        default: return nil
        }
    }
}

extension Int64: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        guard let number = Int(databaseValue: value) else { return nil }
        self.init(number)
    }
}

extension Double: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        switch value {
        case .real(let number): self = number
        case .integer(let number): self = Double(number)
        case .text(let text): self.init(text)
        default: return nil
        }
    }
}

extension Bool: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        switch value {
        case .bool(let flag): self = flag
        case .integer(let number): self = number != 0
        case .real(let number): self = number != 0
        case .text(let text):
            switch text.lowercased() {
            case "1", "true", "t": self = true
            case "0", "false", "f": self = false
            default: return nil
            }
        default: return nil
        }
    }
}

extension Date: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        switch value {
        case .date(let date): self = date
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

extension UUID: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        guard case .text(let text) = value else { return nil }
        self.init(text: text)
    }
}

extension Data: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        switch value {
        case .blob(let bytes): self.init(bytes)
        case .text(let text): self.init(text.utf8)
        default: return nil
        }
    }
}

extension Optional: DatabaseReadable where Wrapped: DatabaseReadable {
    public init?(databaseValue value: DatabaseValue) {
        if value == .null {
            self = .none
        } else if let wrapped = Wrapped(databaseValue: value) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}
