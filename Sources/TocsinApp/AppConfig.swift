import Foundation
import Logging
import TocsinCore
import TocsinNotify
import TocsinStorage

/// Every setting, read once (flags over environment over defaults) and passed down.
public struct AppConfig: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var dataDirectory: String = "./tocsin-data"
    /// When set, overrides the embedded SQLite database.
    public var databaseURL: String?
    /// The address people use to reach this server; defaults to http://host:port.
    public var publicURL: String?
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    public var bcryptCost: UInt8 = 12
    /// E-mail for pages (`TOCSIN_SMTP_URL`, `TOCSIN_SMTP_FROM`, `TOCSIN_SMTP_CA_FILE`); nil sends no e-mail, and
    /// e-mail pages fail saying so.
    public var smtp: SMTPSettings?

    public enum LogFormat: String, Sendable, CaseIterable { case text, json }

    public init() {}

    /// Reads `TOCSIN_*` variables over the defaults; flags are applied on top by the caller.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        var v = Validator()
        if let host = environment["TOCSIN_HOST"], !host.isEmpty { config.host = host }
        if let port = environment["TOCSIN_PORT"], !port.isEmpty {
            if let n = Int(port), (0...65535).contains(n) { config.port = n } else { v.add("TOCSIN_PORT", "must be a port number") }
        }
        if let dir = environment["TOCSIN_DATA_DIR"], !dir.isEmpty { config.dataDirectory = dir }
        if let url = environment["TOCSIN_DATABASE_URL"], !url.isEmpty { config.databaseURL = url }
        if let url = environment["TOCSIN_PUBLIC_URL"], !url.isEmpty { config.publicURL = url }
        if let level = environment["TOCSIN_LOG_LEVEL"], !level.isEmpty {
            if let parsed = Logger.Level(rawValue: level) { config.logLevel = parsed } else { v.add("TOCSIN_LOG_LEVEL", "must be trace, debug, info, notice, warning, error or critical") }
        }
        if let format = environment["TOCSIN_LOG_FORMAT"], !format.isEmpty {
            if let parsed = LogFormat(rawValue: format) { config.logFormat = parsed } else { v.add("TOCSIN_LOG_FORMAT", "must be text or json") }
        }
        do {
            try config.configureSMTP(url: nil, from: nil, environment: environment)
        } catch DomainError.validation(let errors) {
            v.merge(errors)
        }
        try v.throwIfInvalid()
        return config
    }

    /// The mail server from flags (`url`, `from`) over the environment; nothing when neither names one.
    public mutating func configureSMTP(url: String?, from: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let url = url ?? environment["TOCSIN_SMTP_URL"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            if from != nil { throw DomainError.invalid("--smtp-from", "needs --smtp-url (or TOCSIN_SMTP_URL)") }
            return
        }
        smtp = try SMTPSettings.parse(url: url, from: from ?? environment["TOCSIN_SMTP_FROM"],
                                      trustRootsFile: environment["TOCSIN_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 })
    }

    public func databaseLocation() throws -> DatabaseLocation {
        if let databaseURL { return try DatabaseLocation.parse(url: databaseURL) }
        return .sqlite(dataDirectory: dataDirectory)
    }

    public var effectivePublicURL: String {
        publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
