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
