import Foundation

/// A read or a transaction on one `SQLiteConnection`. A statement runs to its end on the caller's thread: no hop per
/// statement, none per row.
struct SQLiteSession: DatabaseSession {
    let connection: SQLiteConnection

    var kind: DatabaseKind { .sqlite }

    func execute(_ sql: SQL, _ onRow: (Row) throws -> Void) async throws {
        try connection.run(sql.text, sql.binds) { columns, values in try onRow(Row(columns: columns, values: values)) }
    }
}
