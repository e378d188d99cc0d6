import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A read or a transaction on one PostgreSQL connection, through postgres-nio directly: each statement is one round
/// trip (parse, bind, execute in one flight), its values bound in binary, its rows read into `DatabaseValue`s
/// without a generic `Decoder`.
struct PostgresSession: DatabaseSession {
    let connection: PostgresConnection
    let logger: Logger

    var kind: DatabaseKind { .postgres }

    func execute(_ sql: SQL, _ onRow: (Row) throws -> Void) async throws {
        let text = sql.rendered { out, position in
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: String(position).utf8)
        }
        var bindings = PostgresBindings(capacity: sql.binds.count)
        for value in sql.binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let v): try bindings.append(v)
            case .real(let v): try bindings.append(v)
            case .text(let v): try bindings.append(v)
            case .bool(let v): try bindings.append(v)
            case .date(let v): try bindings.append(v)
            case .blob(let v): try bindings.append(ByteBuffer(bytes: v))
            }
        }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: text, binds: bindings), logger: logger)
        var columns: RowColumns?
        for try await row in rows {
            var values: [DatabaseValue] = []
            var names: [String] = []
            for cell in row {
                values.append(try Self.value(of: cell))
                if columns == nil { names.append(cell.columnName) }
            }
            if columns == nil { columns = RowColumns(names: names) }
            try onRow(Row(columns: columns!, values: values))
        }
    }

    /// At most this many values bound in one combined statement (PostgreSQL takes 65,535).
    static let maximumBindsPerStatement = 30_000

    /// The writes as data-modifying `WITH` parts of as few statements as the bound values allow (PostgreSQL runs the
    /// parts of one statement in no promised order: see `DatabaseSession.runWrites`).
    func runWrites(_ statements: [SQL]) async throws {
        var group: [SQL] = []
        var binds = 0
        func send() async throws {
            defer { (group, binds) = ([], 0) }
            guard group.count > 1 else {
                if let only = group.first { try await execute(only) { _ in } }
                return
            }
            var combined = SQL(unsafe: "WITH ")
            for (index, statement) in group.enumerated() {
                combined += SQL(unsafe: (index > 0 ? ", " : "") + "w\(index) AS (") + statement + SQL(unsafe: ")")
            }
            try await execute(combined + SQL(unsafe: " SELECT 1")) { _ in }
        }
        for statement in statements {
            if !group.isEmpty && binds + statement.binds.count > Self.maximumBindsPerStatement { try await send() }
            group.append(statement)
            binds += statement.binds.count
        }
        try await send()
    }

    /// A cell as the repositories read it; a type Tocsin does not store is read as its text.
    private static func value(of cell: PostgresCell) throws -> DatabaseValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .real(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
        case .bool: return .bool(try cell.decode(Bool.self))
        case .timestamptz, .timestamp, .date: return .date(try cell.decode(Date.self))
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }
}
