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
    /// SMS and voice providers, in the order they are tried (`TOCSIN_PHONE_PROVIDERS`); none fails SMS and voice
    /// pages, saying so.
    public var phoneProviders: [PhoneProviderSettings] = []

    public enum PhoneProviderSettings: Sendable, Equatable {
        case twilio(TwilioSettings)
        case gateway(sms: GatewaySettings?, voice: GatewaySettings?)

        public var name: String {
            switch self {
            case .twilio: return "twilio"
            case .gateway: return "gateway"
            }
        }
    }

    /// Slack pages (`TOCSIN_SLACK_TOKEN`, `TOCSIN_SLACK_SIGNING_SECRET`, `TOCSIN_SLACK_URL`).
    public var slack: SlackSettings?
    /// A Bearer token for one ntfy server (`TOCSIN_NTFY_TOKEN`, for `TOCSIN_NTFY_URL`), sent to that server only.
    public var ntfyToken: String?
    public var ntfyServer: String?
    /// The networks user-chosen addresses (webhooks, Teams workflows, ntfy topics) may be in:
    /// `TOCSIN_DESTINATION_DENY` (networks denied besides loopback, link-local and 0.0.0.0, e.g. `private`; `none` alone
    /// turns the guard off) and `TOCSIN_DESTINATION_ALLOW` (networks allowed even so, e.g. `127.0.0.1/32`).
    public var destinations = DestinationGuard()
    /// Throttling and bundling per contact method: `TOCSIN_THROTTLE_VOICE` and `TOCSIN_THROTTLE_SMS` ("3/15m": at most 3
    /// in 15 minutes; "off"), `TOCSIN_BUNDLE_WINDOW` ("60s", "2m"; "0" turns bundling off).
    public var pacing = Pacing()
    /// The shared secret an SMS gateway sends replies to `/callbacks/sms-gateway` with (`TOCSIN_SMS_GATEWAY_INBOUND_TOKEN`).
    public var gatewayInboundToken: String?

    /// Where Twilio's requests (SMS replies, keypresses) are checked against: its auth token, when Twilio is configured.
    public var twilioAuthToken: String? {
        for case .twilio(let settings) in phoneProviders { return settings.authToken }
        return nil
    }

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
        do {
            try config.configurePhoneProviders(environment: environment)
        } catch DomainError.validation(let errors) {
            v.merge(errors)
        }
        do {
            try config.configureChat(environment: environment)
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

    /// SMS and voice providers from `TOCSIN_TWILIO_*`, `TOCSIN_SMS_GATEWAY_*`, `TOCSIN_VOICE_GATEWAY_*` and the order
    /// in `TOCSIN_PHONE_PROVIDERS` (default: Twilio, then the gateway, of those configured).
    public mutating func configurePhoneProviders(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var v = Validator()
        func httpURL(_ name: String) -> String? {
            guard let text = value(name) else { return nil }
            guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host?.isEmpty == false else {
                v.add(name, "must be an http or https URL")
                return nil
            }
            return text
        }
        var available: [String: PhoneProviderSettings] = [:]
        let twilio = ["TOCSIN_TWILIO_SID", "TOCSIN_TWILIO_TOKEN", "TOCSIN_TWILIO_FROM"].map(value)
        if twilio.contains(where: { $0 != nil }) || value("TOCSIN_TWILIO_URL") != nil {
            let base = httpURL("TOCSIN_TWILIO_URL") ?? "https://api.twilio.com"
            if let sid = twilio[0], let token = twilio[1], let from = twilio[2] {
                available["twilio"] = .twilio(TwilioSettings(baseURL: base, accountSID: sid, authToken: token, from: from))
            } else {
                for (name, got) in zip(["TOCSIN_TWILIO_SID", "TOCSIN_TWILIO_TOKEN", "TOCSIN_TWILIO_FROM"], twilio) where got == nil {
                    v.add(name, "is needed with the other TOCSIN_TWILIO_ settings")
                }
            }
        }
        let authorization = value("TOCSIN_GATEWAY_AUTHORIZATION")
        let sms = httpURL("TOCSIN_SMS_GATEWAY_URL").map {
            GatewaySettings(url: $0, bodyTemplate: value("TOCSIN_SMS_GATEWAY_BODY") ?? GatewaySettings.defaultTemplate, authorization: authorization)
        }
        let voice = httpURL("TOCSIN_VOICE_GATEWAY_URL").map {
            GatewaySettings(url: $0, bodyTemplate: value("TOCSIN_VOICE_GATEWAY_BODY") ?? GatewaySettings.defaultTemplate, authorization: authorization)
        }
        if sms != nil || voice != nil { available["gateway"] = .gateway(sms: sms, voice: voice) }
        if voice?.takesKeypresses == true, value("TOCSIN_SMS_GATEWAY_INBOUND_TOKEN") == nil {
            v.add("TOCSIN_VOICE_GATEWAY_BODY", "passes on {{reply_url}}, and the keys posted there need TOCSIN_SMS_GATEWAY_INBOUND_TOKEN (the secret the gateway sends them with)")
        }
        var order = ["twilio", "gateway"]
        if let list = value("TOCSIN_PHONE_PROVIDERS") {
            order = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            for name in order where available[name] == nil {
                v.add("TOCSIN_PHONE_PROVIDERS", ["twilio", "gateway"].contains(name) ? "names \(name), which is not configured" : "may name twilio and gateway only")
            }
            if Set(order).count != order.count { v.add("TOCSIN_PHONE_PROVIDERS", "names a provider twice") }
        }
        try v.throwIfInvalid()
        phoneProviders = order.compactMap { available[$0] }
    }

    /// Slack from `TOCSIN_SLACK_TOKEN` and `TOCSIN_SLACK_SIGNING_SECRET` (both, or neither) and `TOCSIN_SLACK_URL`; the
    /// ntfy token from `TOCSIN_NTFY_TOKEN`.
    public mutating func configureChat(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var v = Validator()
        let token = value("TOCSIN_SLACK_TOKEN"), secret = value("TOCSIN_SLACK_SIGNING_SECRET")
        if token != nil || secret != nil || value("TOCSIN_SLACK_URL") != nil {
            var api = "https://slack.com/api"
            if let url = value("TOCSIN_SLACK_URL") {
                if let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false {
                    api = url
                } else {
                    v.add("TOCSIN_SLACK_URL", "must be an http or https URL")
                }
            }
            v.check(token != nil, "TOCSIN_SLACK_TOKEN", "is needed with the other TOCSIN_SLACK_ settings (the bot token, xoxb-…)")
            v.check(secret != nil, "TOCSIN_SLACK_SIGNING_SECRET", "is needed with the other TOCSIN_SLACK_ settings (the app's signing secret)")
            if let token, let secret { slack = SlackSettings(token: token, signingSecret: secret, apiURL: api) }
        }
        for (name, keep) in [("TOCSIN_DESTINATION_DENY", \DestinationGuard.denied), ("TOCSIN_DESTINATION_ALLOW", \DestinationGuard.allowed)] {
            guard let text = environment[name] else { continue }
            switch DestinationGuard.networks(text) {
            case .success(let networks) where keep == \DestinationGuard.denied:
                // Added to the defaults (loopback, link-local, 0.0.0.0): `none` alone turns the guard off.
                let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                destinations.denied = items.contains("none") ? networks : DestinationGuard.defaultDenied + networks
            case .success(let networks): destinations[keyPath: keep] = networks
            case .failure(let bad): v.add(name, "\"\(bad.item.prefix(60))\" is neither a network (10.0.0.0/8, ::1/128) nor one of \(DestinationGuard.groups.keys.sorted().joined(separator: ", ")), none")
            }
        }
        for (name, kind) in [("TOCSIN_THROTTLE_VOICE", ContactMethod.Kind.voice), ("TOCSIN_THROTTLE_SMS", .sms)] {
            guard let text = value(name) else { continue }
            if text == "off" {
                pacing.limits[kind] = nil
            } else if let limit = Self.throttle(text) {
                pacing.limits[kind] = limit
            } else {
                v.add(name, "must be a count and a window, such as 3/15m (1 to 100 messages in 1 to 1440 minutes), or off")
            }
        }
        if let text = value("TOCSIN_BUNDLE_WINDOW") {
            if let seconds = Self.seconds(text), (0...3600).contains(seconds) {
                pacing.bundleWindow = TimeInterval(seconds)
            } else {
                v.add("TOCSIN_BUNDLE_WINDOW", "must be a time from 0 to 1 hour, such as 60s or 2m (0 turns bundling off)")
            }
        }
        gatewayInboundToken = value("TOCSIN_SMS_GATEWAY_INBOUND_TOKEN")
        if let token = gatewayInboundToken, token.utf8.count < 16 {
            v.add("TOCSIN_SMS_GATEWAY_INBOUND_TOKEN", "must be at least 16 characters (a random secret the gateway sends with each reply, key and delivery report)")
        }
        ntfyToken = value("TOCSIN_NTFY_TOKEN")
        ntfyServer = value("TOCSIN_NTFY_URL")
        if ntfyToken != nil {
            // A push address is anyone's to choose: the token goes only to the server it was made for.
            let server = ntfyServer.flatMap(URLComponents.init(string:))
            v.check(["http", "https"].contains(server?.scheme?.lowercased() ?? "") && server?.host?.isEmpty == false,
                    "TOCSIN_NTFY_URL", "must name the ntfy server (an http or https URL) the TOCSIN_NTFY_TOKEN is for")
        }
        try v.throwIfInvalid()
    }

    /// "3/15m" → 3 messages in 900 seconds.
    static func throttle(_ text: String) -> Pacing.Limit? {
        let parts = text.split(separator: "/").map(String.init)
        guard parts.count == 2, parts[0].utf8.count <= 3, let count = Int(parts[0]), (1...100).contains(count),
              let window = seconds(parts[1]), (60...86_400).contains(window) else { return nil }
        return Pacing.Limit(count: count, window: TimeInterval(window))
    }

    /// "90s", "15m", "1h" or a bare number of seconds.
    static func seconds(_ text: String) -> Int? {
        guard (1...8).contains(text.utf8.count) else { return nil }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        let unit = text.last.flatMap { units[$0] }
        guard let number = Int(unit == nil ? text : String(text.dropLast())), number >= 0 else { return nil }
        return number * (unit ?? 1)
    }

    public func databaseLocation() throws -> DatabaseLocation {
        if let databaseURL { return try DatabaseLocation.parse(url: databaseURL) }
        return .sqlite(dataDirectory: dataDirectory)
    }

    public var effectivePublicURL: String {
        publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
