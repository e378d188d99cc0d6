import ArgumentParser
import Foundation
import Logging
import TocsinApp
import TocsinCore
import TocsinStorage
import TocsinUseCases

@main
struct Tocsin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tocsin",
        abstract: "Tocsin: alerts in, the right person paged, incidents run, customers told, lessons kept.",
        subcommands: [Serve.self, Migrate.self, UserCommand.self, TokenCommand.self, SetupLink.self, OnCall.self]
    )
}

/// `--data-dir` and `--database-url`, shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory of the embedded SQLite database (env TOCSIN_DATA_DIR; default ./tocsin-data).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "postgres://user:pass@host:port/db (or sqlite:///path) instead of the embedded database (env TOCSIN_DATABASE_URL).")
    var databaseURL: String?

    func config() throws -> AppConfig {
        var config = try AppConfig.fromEnvironment()
        if let dataDirectory { config.dataDirectory = dataDirectory }
        if let databaseURL { config.databaseURL = databaseURL }
        return config
    }
}

enum CLI {
    static func bootstrapLogging(_ config: AppConfig) {
        LoggingSystem.bootstrap { label in
            switch config.logFormat {
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = config.logLevel
                return handler
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = config.logLevel
                return handler
            }
        }
    }

    /// Opens and migrates the database, runs `body`, and always closes it.
    static func withDatabase<T>(_ config: AppConfig, migrate: Bool = true, _ body: (Database, Logger) async throws -> T) async throws -> T {
        var quiet = config
        if quiet.logLevel < .warning { quiet.logLevel = .warning }
        bootstrapLogging(quiet)
        let logger = TocsinApplication.makeLogger(quiet)
        let database = migrate
            ? try await TocsinApplication.openDatabase(config, logger: logger)
            : try await Database.open(try config.databaseLocation(), logger: logger)
        do {
            let result = try await body(database, logger)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    /// Account actions over the database, as the server does them (the same bcrypt cost).
    static func accounts(_ config: AppConfig, _ database: Database) -> Accounts {
        Accounts(store: SQLStore(database: database), passwords: PasswordHasher(cost: config.bcryptCost), now: { Date() })
    }

    /// A link people open, under the server's public address.
    static func link(_ config: AppConfig, _ path: String) -> String {
        let base = config.effectivePublicURL
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    static func fail(_ error: any Error) -> ValidationError {
        ValidationError(String(describing: error))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (HTTP, API, pages).")

    @Option(help: "Address to listen on (env TOCSIN_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env TOCSIN_PORT; default 8080).") var port: Int?
    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("public-url"), help: "The URL people reach Tocsin at, for links (env TOCSIN_PUBLIC_URL).") var publicURL: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env TOCSIN_LOG_LEVEL).") var logLevel: String?
    @Option(name: .customLong("log-format"), help: "text or json (env TOCSIN_LOG_FORMAT).") var logFormat: String?
    @Option(name: .customLong("smtp-url"), help: "Mail server for e-mail pages: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://… (env TOCSIN_SMTP_URL).")
    var smtpURL: String?
    @Option(name: .customLong("smtp-from"), help: "The address e-mail pages come from (env TOCSIN_SMTP_FROM).") var smtpFrom: String?
    @Option(name: .customLong("twilio-url"), help: "Base URL of a Twilio-compatible API (env TOCSIN_TWILIO_URL; default https://api.twilio.com).")
    var twilioURL: String?
    @Option(name: .customLong("twilio-sid"), help: "Twilio account SID (env TOCSIN_TWILIO_SID).") var twilioSID: String?
    @Option(name: .customLong("twilio-token"), help: "Twilio auth token; prefer the environment, flags show in ps (env TOCSIN_TWILIO_TOKEN).")
    var twilioToken: String?
    @Option(name: .customLong("twilio-from"), help: "The number SMS and calls come from (env TOCSIN_TWILIO_FROM).") var twilioFrom: String?
    @Option(name: .customLong("slack-token"), help: "Slack bot token, xoxb-…; prefer the environment (env TOCSIN_SLACK_TOKEN).") var slackToken: String?
    @Option(name: .customLong("slack-signing-secret"), help: "The Slack app's signing secret (env TOCSIN_SLACK_SIGNING_SECRET).")
    var slackSigningSecret: String?

    func run() async throws {
        var config = try database.config()
        if let host { config.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
            config.port = port
        }
        if let publicURL { config.publicURL = publicURL }
        if smtpURL != nil || smtpFrom != nil {
            do { try config.configureSMTP(url: smtpURL, from: smtpFrom) } catch let error as DomainError { throw ValidationError(error.description) }
        }
        // Channel flags stand in for their variables; the settings are then read again with them.
        let channelFlags = [("TOCSIN_TWILIO_URL", twilioURL), ("TOCSIN_TWILIO_SID", twilioSID), ("TOCSIN_TWILIO_TOKEN", twilioToken),
                            ("TOCSIN_TWILIO_FROM", twilioFrom), ("TOCSIN_SLACK_TOKEN", slackToken), ("TOCSIN_SLACK_SIGNING_SECRET", slackSigningSecret)]
            .compactMap { name, value in value.map { (name, $0) } }
        if !channelFlags.isEmpty {
            let environment = ProcessInfo.processInfo.environment.merging(channelFlags) { _, flag in flag }
            do {
                try config.configurePhoneProviders(environment: environment)
                try config.configureChat(environment: environment)
            } catch let error as DomainError {
                throw ValidationError(error.description)
            }
        }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level must be trace, debug, info, notice, warning or error") }
            config.logLevel = level
        }
        if let logFormat {
            guard let format = AppConfig.LogFormat(rawValue: logFormat) else { throw ValidationError("--log-format must be text or json") }
            config.logFormat = format
        }
        CLI.bootstrapLogging(config)
        let logger = TocsinApplication.makeLogger(config)
        let location = try config.databaseLocation()
        logger.info("opening database", metadata: ["database": "\(location)"])
        let database = try await TocsinApplication.openDatabase(config, logger: logger)
        let setupSecret = try await CLI.accounts(config, database).prepareSetup()
        let publicURL = config.effectivePublicURL
        let host = config.host
        let app = TocsinApplication.build(config: config, database: database, logger: logger, onServerRunning: { port in
            logger.notice("tocsin is serving", metadata: ["address": "\(host):\(port)", "database": "\(location)"])
            if let setupSecret {
                // Plain stdout, so it is easy to find and copy on the first start.
                Self.printNow("""

                Tocsin has no accounts yet. Open this link to create the first owner (valid 24 hours, until restart):

                    \(publicURL)/setup?token=\(setupSecret)

                or run: tocsin user create --role owner --email you@example.com --name "Your Name"

                """)
            }
        })
        try await app.runService()
    }
}

extension Serve {
    /// Written straight to the file descriptor, so it shows at once even when stdout is a pipe.
    static func printNow(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date (serve also does this at start).")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Only show which migrations are applied.") var status = false

    func run() async throws {
        let config = try database.config()
        try await CLI.withDatabase(config, migrate: !status) { database, _ in
            let applied = (try? await Migrator(database: database).appliedVersions()) ?? []
            for migration in Migrations.all {
                print("\(applied.contains(migration.version) ? "applied" : "pending")  \(migration.version)  \(migration.name)")
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.",
                                                    subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account.",
            discussion: "The password is read from standard input when it is not a terminal (one line), and asked for otherwise. With --invite no password is set and an invitation link is printed."
        )

        @Option(help: "E-mail address (the sign-in name).") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "owner, admin, responder or observer.") var role: String = "responder"
        @Option(name: .customLong("time-zone"), help: "IANA time zone, e.g. Europe/Berlin.") var timeZone: String = "UTC"
        @Flag(help: "Set no password; print an invitation link instead.") var invite = false
        @Option(name: .customLong("public-url"), help: "Base URL for the invitation link (env TOCSIN_PUBLIC_URL).") var publicURL: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            var config = try database.config()
            if let publicURL { config.publicURL = publicURL }
            let password = invite ? nil : try Self.readPassword()
            try await CLI.withDatabase(config) { database, logger in
                let accounts = CLI.accounts(config, database)
                do {
                    let (user, invitation) = try await accounts.createUser(
                        NewUser(name: name, email: email, timeZone: timeZone, role: role, password: password), by: nil)
                    print("created \(user.role.rawValue) \(user.email) (\(user.id.uuidString.lowercased()))")
                    if let invitation { print(CLI.link(config, "/invite?token=" + invitation)) }
                } catch let error as DomainError {
                    throw CLI.fail(error)
                }
            }
        }

        static func readPassword() throws -> String {
            if isatty(STDIN_FILENO) == 0 {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("no password on standard input (or pass --invite)")
                }
                return line
            }
            guard let first = getpass("Password: ").map({ String(cString: $0) }),
                  let second = getpass("Password again: ").map({ String(cString: $0) })
            else { throw ValidationError("could not read the password") }
            guard first == second else { throw ValidationError("the passwords do not match") }
            return first
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await CLI.withDatabase(try database.config()) { database, _ in
                let store = SQLStore(database: database)
                for user in try await Page.all({ try await store.users(UserFilter(), page: $0) }) {
                    print("\(user.id.uuidString.lowercased())  \(user.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  \(user.email)  \(user.name)")
                }
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for a user and print it alone on standard output.")

        @Option(help: "Whose token it is.") var email: String
        @Option(help: "What the token is for.") var name: String = "command line"
        @Flag(name: .customLong("read-only"), help: "The token can only read.") var readOnly = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let config = try database.config()
            try await CLI.withDatabase(config) { database, logger in
                guard let user = try await SQLStore(database: database).user(email: email) else { throw ValidationError("no account has the e-mail \(email)") }
                do {
                    let (_, secret) = try await CLI.accounts(config, database).createToken(for: user, name: name, readOnly: readOnly)
                    print(secret)
                } catch let error as DomainError {
                    throw CLI.fail(error)
                }
            }
        }
    }
}

struct SetupLink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "setup-link", abstract: "Print a new first-owner setup link (only while there are no accounts).")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("public-url"), help: "Base URL of the link (env TOCSIN_PUBLIC_URL).") var publicURL: String?

    func run() async throws {
        var config = try database.config()
        if let publicURL { config.publicURL = publicURL }
        try await CLI.withDatabase(config) { database, logger in
            guard let secret = try await CLI.accounts(config, database).prepareSetup() else {
                throw ValidationError("Tocsin already has accounts; sign in instead")
            }
            print(CLI.link(config, "/setup?token=" + secret))
        }
    }
}

struct OnCall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oncall",
        abstract: "Who is on call: now, at an instant, or over an interval (the final timeline after layers and overrides).")
    @OptionGroup var database: DatabaseOptions

    @Option(help: "A schedule's name or id (default: every schedule).")
    var schedule: String?

    @Option(help: "Only this person's time (e-mail address).")
    var user: String?

    @Option(help: "ISO 8601 instant (default: now). Without --until: who is on call at this instant.")
    var since: String?

    @Option(help: "ISO 8601 instant: list every shift from --since until this.")
    var until: String?

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    func run() async throws {
        func instant(_ text: String?, _ name: String) throws -> Date? {
            guard let text else { return nil }
            guard let date = ISO8601.parse(text) else { throw ValidationError("--\(name) must be an ISO 8601 instant, e.g. 2026-11-23T09:00:00Z") }
            return date
        }
        let since = try instant(since, "since") ?? Date()
        let until = try instant(until, "until")
        try await CLI.withDatabase(try database.config()) { database, _ in
            let store = SQLStore(database: database)
            let queries = OnCallQueries(store: store)
            var userID: UUID?
            if let user {
                guard let found = try await store.user(email: user.lowercased()) else { throw ValidationError("nobody has the e-mail address \(user)") }
                userID = found.id
            }
            var schedules: [OnCallSchedule]?
            if let schedule {
                let matches = try await queries.allSchedules().filter { $0.id.uuidString.lowercased() == schedule.lowercased() || $0.name.lowercased() == schedule.lowercased() }
                guard let match = matches.first else { throw ValidationError("no schedule is named \(schedule)") }
                schedules = [match]
            }
            let found: [OnCallEntry]
            do {
                found = try await queries.answer(schedules: schedules, userID: userID, since: since, until: until)
            } catch DomainError.validation(let fields) {
                throw ValidationError(fields.map { "--\($0.field) \($0.reason)" }.joined(separator: "; "))
            }
            let names = Dictionary(uniqueKeysWithValues: try await store.users(ids: Array(Set(found.map(\.userID)))).map { ($0.id, $0) })
            for entry in found {
                let person = names[entry.userID]
                let start = entry.start.iso8601(in: entry.schedule.timeZone), end = entry.end.iso8601(in: entry.schedule.timeZone)
                if json {
                    let object: [String: String] = ["schedule_id": entry.schedule.id.uuidString.lowercased(), "schedule": entry.schedule.name,
                                                    "user_id": entry.userID.uuidString.lowercased(), "email": person?.email ?? "", "start": start, "end": end]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("\(start)  \(end)  \(entry.schedule.name)  \(person?.name ?? "?") <\(person?.email ?? "?")>")
                }
            }
            if found.isEmpty && !json { FileHandle.standardError.write(Data("nobody is on call\(until == nil ? " then" : " in that interval")\n".utf8)) }
        }
    }
}
