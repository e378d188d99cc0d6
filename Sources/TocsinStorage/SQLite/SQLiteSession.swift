import Foundation

/// A read or a transaction on one `SQLiteConnection`. A statement runs to its end on the caller's thread: no hop per
/// statement, none per row.
struct SQLiteSession: DatabaseSession {
    let connection: SQLiteConnection

    var kind: DatabaseKind { .sqlite }

    func execute(_ sql: SQL, _ onRow: (Row) throws -> Void) async throws {
        let text = sql.rendered { out, _ in out.append(UInt8(ascii: "?")) }
        try connection.run(text, sql.binds) { columns, values in try onRow(Row(columns: columns, values: values)) }
    }
}
