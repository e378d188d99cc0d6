import Foundation
import TocsinCore

extension Row {
    func id(_ column: String) throws -> UUID {
        let text = try decode(column: column, as: String.self)
        guard let id = UUID(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "column \(column) holds \(text), not a UUID"))
        }
        return id
    }

    func optionalID(_ column: String) throws -> UUID? {
        guard let text = try decode(column: column, as: String?.self) else { return nil }
        return UUID(text: text)
    }
}

enum SQLText {
    /// A LIKE pattern that matches `text` anywhere, with LIKE's own wildcards taken literally (use with `ESCAPE '\'`).
    static func containsPattern(_ text: String) -> String {
        var escaped = ""
        for character in text.lowercased() {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    static func whereClause(_ conditions: [SQL]) -> SQL {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }

    static func page(_ page: PageRequest) -> SQL {
        " LIMIT \(literal: page.limit) OFFSET \(literal: page.offset)"
    }
}
