import Foundation
import TocsinCore

/// Where the data lives: an embedded SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`, or `sqlite:///path/to/file.db`.
    public static func parse(url: String) throws -> DatabaseLocation {
        let text = url.trimmed
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DomainError.invalid("database_url", "sqlite URL needs a path, e.g. sqlite:///var/lib/tocsin/tocsin.db") }
            return .sqlite(path: path)
        }
        return .postgres(try PostgresURL.parse(text))
    }

    /// The embedded default inside a data directory.
    public static func sqlite(dataDirectory: String) -> DatabaseLocation {
        .sqlite(path: (dataDirectory as NSString).appendingPathComponent("tocsin.db"))
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url): return url.description
        }
    }
}

public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    public static func parse(_ text: String) throws -> PostgresURL {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else {
            throw DomainError.invalid("database_url", "must start with postgres:// or sqlite://")
        }
        guard let host = parts.host, !host.isEmpty else { throw DomainError.invalid("database_url", "has no host") }
        guard let user = parts.user, !user.isEmpty else { throw DomainError.invalid("database_url", "has no user name") }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw DomainError.invalid("database_url", "has no database name") }
        var tls = TLSMode.prefer
        if let mode = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            switch mode {
            case "disable": tls = .disable
            case "allow", "prefer": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default: throw DomainError.invalid("database_url", "sslmode must be disable, prefer or require")
            }
        }
        return PostgresURL(host: host, port: parts.port ?? 5432, username: user.removingPercentEncoding ?? user,
                           password: parts.password?.removingPercentEncoding, database: database, tls: tls)
    }

    /// The same server, another database.
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// Without the password, for logs.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}
