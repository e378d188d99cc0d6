import CSQLite
import Foundation

/// A failure SQLite reported, with its extended result code and its message.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    /// Any kind of constraint failure: the primary result code is `SQLITE_CONSTRAINT` whatever the extended one says.
    var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }
    var isBusy: Bool { code & 0xff == SQLITE_BUSY }
    var description: String { "SQLite error \(code): \(message)" }
}

/// One SQLite connection on the system library, used by one caller at a time (the connection pool sees to it).
///
/// Statements are prepared once per distinct SQL text and kept (up to `statementCacheCapacity`, least recently used
/// out first), so a statement that runs for every event is parsed and planned once. Everything runs on the caller's
/// thread, without a hop: stepping a statement is work in memory. What may block — waiting for another process's
/// write lock, and the `fsync` of a commit — is done on the backend's own thread (see `SQLiteBackend`).
final class SQLiteConnection: @unchecked Sendable {
    static let statementCacheCapacity = 256

    private let handle: OpaquePointer
    private var statements: [String: CachedStatement] = [:]
    private var uses: UInt64 = 0

    private final class CachedStatement {
        let pointer: OpaquePointer
        var lastUse: UInt64
        init(pointer: OpaquePointer, lastUse: UInt64) {
            self.pointer = pointer
            self.lastUse = lastUse
        }
    }

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard let handle else { throw SQLiteError(code: code, message: "cannot open \(path)") }
        guard code == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
        self.handle = handle
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement.pointer) }
        sqlite3_close_v2(handle)
    }

    /// How long a statement waits for a lock another connection holds before failing with `SQLITE_BUSY`.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    var cachedStatementCount: Int { statements.count }

    /// Runs one statement with its bound values, handing each result row to `onRow` (column names, values). The text
    /// marks each value's place with `?` or with `SQL.placeholder`.
    func run(_ sql: String, _ binds: [DatabaseValue], onRow: (RowColumns, [DatabaseValue]) throws -> Void = { _, _ in }) throws {
        let statement = try prepared(sql)
        defer {
            // Reset at once: a statement left mid-way would hold its read transaction open.
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let parameters = Int(sqlite3_bind_parameter_count(statement))
        guard binds.count == parameters else {
            throw SQLiteError(code: SQLITE_RANGE, message: "the statement takes \(parameters) values, \(binds.count) were given")
        }
        for (index, value) in binds.enumerated() { try bind(value, at: Int32(index + 1), in: statement) }
        var columns: RowColumns?
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            let count = Int(sqlite3_column_count(statement))
            if columns == nil {
                columns = RowColumns(names: (0..<count).map { String(cString: sqlite3_column_name(statement, Int32($0))) })
            }
            var values: [DatabaseValue] = []
            values.reserveCapacity(count)
            for column in 0..<Int32(count) { values.append(value(at: column, in: statement)) }
            try onRow(columns!, values)
        }
    }

    /// The first column of the first row, for `PRAGMA` checks.
    func scalar(_ sql: String) throws -> DatabaseValue? {
        var first: DatabaseValue?
        try run(sql, []) { _, values in if first == nil { first = values.first } }
        return first
    }

    /// The statement for `sql`, which may mark its bound values with `SQL.placeholder`: kept by that text, so a
    /// statement that runs again is found without writing its `?`s anew.
    private func prepared(_ sql: String) throws -> OpaquePointer {
        uses &+= 1
        if let cached = statements[sql] {
            cached.lastUse = uses
            return cached.pointer
        }
        let rendered = SQL.rendered(sql) { out, _ in out.append(UInt8(ascii: "?")) }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = rendered.withCString { text in
            let code = sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            if code == SQLITE_OK, let tail, tail.pointee != 0, !String(cString: tail).allSatisfy(\.isWhitespace) {
                // One statement per call: a second one would silently not run.
                return SQLITE_MISUSE
            }
            return code
        }
        guard code == SQLITE_OK, let statement else {
            let failure = code == SQLITE_MISUSE ? SQLiteError(code: code, message: "more than one statement in one call") : error(code)
            sqlite3_finalize(statement)
            throw failure
        }
        if statements.count >= Self.statementCacheCapacity, let oldest = statements.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            sqlite3_finalize(oldest.value.pointer)
            statements.removeValue(forKey: oldest.key)
        }
        statements[sql] = CachedStatement(pointer: statement, lastUse: uses)
        return statement
    }

    private func bind(_ value: DatabaseValue, at index: Int32, in statement: OpaquePointer) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(statement, index)
        case .integer(let v): code = sqlite3_bind_int64(statement, index, v)
        case .real(let v): code = sqlite3_bind_double(statement, index, v)
        case .bool(let v): code = sqlite3_bind_int64(statement, index, v ? 1 : 0)
        case .date(let v): code = sqlite3_bind_double(statement, index, v.timeIntervalSince1970)
        case .text(let v):
            var text = v
            code = text.withUTF8 { bytes in
                // An empty buffer may have no address, and a NULL pointer would bind NULL: bind "" from a literal.
                guard let base = bytes.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, sqliteTransient) }
                return sqlite3_bind_text64(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                           UInt64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
            }
        case .blob(let v):
            code = v.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return sqlite3_bind_zeroblob(statement, index, 0) }
                return sqlite3_bind_blob64(statement, index, base, UInt64(bytes.count), sqliteTransient)
            }
        }
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func value(at column: Int32, in statement: OpaquePointer) -> DatabaseValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the call returns. The C macro does not import.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
