import Foundation
import Testing
@testable import TocsinStorage

/// The query type: values never enter the text, and placeholders are numbered right after `+` and `joined`.
@Suite("SQL statements")
struct SQLTests {
    private func postgres(_ sql: SQL) -> String {
        sql.rendered { out, position in out += Array("$\(position)".utf8) }
    }

    private func sqlite(_ sql: SQL) -> String {
        sql.rendered { out, _ in out.append(UInt8(ascii: "?")) }
    }

    @Test("bound values stay out of the text, whatever they hold, and come back in order")
    func binds() {
        let hostile = "x'); DROP TABLE users; --"
        let none: String? = nil
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let sql: SQL = "SELECT * FROM t WHERE a = \(bind: hostile) AND b = \(bind: 42) AND c = \(bind: none) AND d < \(bind: at) AND e = \(bind: true)"
        #expect(postgres(sql) == "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d < $4 AND e = $5")
        #expect(sqlite(sql) == "SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d < ? AND e = ?")
        #expect(sql.binds == [.text(hostile), .integer(42), .null, .date(at), .bool(true)])
    }

    @Test("placeholders are numbered across concatenation, lists and joined rows")
    func numbering() {
        let where1: SQL = " WHERE a = \(bind: 1)"
        let rows = [SQL]([ "(\(bind: "x"), \(bind: 2))", "(\(bind: "y"), \(bind: 3))" ])
        let sql = "INSERT INTO t (a, b) VALUES " + SQL.joined(rows) + where1 + " AND k IN (\(binds: ["p", "q"]))"
        #expect(postgres(sql) == "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) WHERE a = $5 AND k IN ($6, $7)")
        #expect(sql.binds == [.text("x"), .integer(2), .text("y"), .integer(3), .integer(1), .text("p"), .text("q")])
        let conditions: [SQL] = ["a = \(bind: 1)", "b = \(bind: 2)"]
        #expect(postgres("SELECT 1 WHERE " + conditions.joined(separator: " AND ")) == "SELECT 1 WHERE a = $1 AND b = $2")
        #expect(postgres([SQL]().joined(separator: ", ")) == "")
    }

    @Test("identifiers are double-quoted with quotes doubled; literals and raw text are written as they are")
    func identifiers() {
        let sql: SQL = "SELECT * FROM \(ident: "odd\"name") LIMIT \(literal: 50) OFFSET \(literal: 0)\(unsafeRaw: " -- raw")"
        #expect(postgres(sql) == "SELECT * FROM \"odd\"\"name\" LIMIT 50 OFFSET 0 -- raw")
        #expect(sql.binds.isEmpty)
    }
}
