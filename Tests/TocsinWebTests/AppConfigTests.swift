import Foundation
import Testing
import TocsinApp
import TocsinCore
import TocsinNotify

@Suite("Configuration")
struct AppConfigTests {
    @Test("the mail server is read from the environment, and a bad one is refused at start naming the variable")
    func smtp() throws {
        let config = try AppConfig.fromEnvironment(["TOCSIN_SMTP_URL": "smtp://relay:p%40ss@mail.example.com", "TOCSIN_SMTP_FROM": "tocsin@example.com"])
        #expect(config.smtp?.host == "mail.example.com")
        #expect(config.smtp?.port == 587)
        #expect(config.smtp?.password == "p@ss")
        #expect(try AppConfig.fromEnvironment([:]).smtp == nil)
        #expect(throws: DomainError.validation([FieldError("TOCSIN_SMTP_FROM", "must be the address pages are sent from, e.g. tocsin@example.com")])) {
            try AppConfig.fromEnvironment(["TOCSIN_SMTP_URL": "smtp://mail.example.com"])
        }
        #expect(throws: DomainError.validation([FieldError("TOCSIN_PORT", "must be a port number"),
                                                FieldError("TOCSIN_SMTP_URL", "must look like smtp://user:password@mail.example.com:587 (or smtps:// for TLS from the start)")])) {
            try AppConfig.fromEnvironment(["TOCSIN_PORT": "x", "TOCSIN_SMTP_URL": "mail.example.com", "TOCSIN_SMTP_FROM": "t@example.com"])
        }
        var flagged = AppConfig()
        #expect(throws: DomainError.self) { try flagged.configureSMTP(url: nil, from: "t@example.com", environment: [:]) }
        try flagged.configureSMTP(url: "smtps://mail.example.com", from: "t@example.com", environment: [:])
        #expect(flagged.smtp?.implicitTLS == true)
    }

    @Test("SMS and voice providers: Twilio and a gateway, in the order asked; half a Twilio setting or an unknown provider is refused, named")
    func phoneProviders() throws {
        #expect(try AppConfig.fromEnvironment([:]).phoneProviders.isEmpty)
        let twilio = ["TOCSIN_TWILIO_SID": "AC1", "TOCSIN_TWILIO_TOKEN": "t", "TOCSIN_TWILIO_FROM": "+15005550006"]
        let both = try AppConfig.fromEnvironment(twilio.merging(["TOCSIN_SMS_GATEWAY_URL": "https://sms.example.com/send"]) { a, _ in a })
        #expect(both.phoneProviders.map(\.name) == ["twilio", "gateway"])
        #expect(both.phoneProviders.first == .twilio(TwilioSettings(accountSID: "AC1", authToken: "t", from: "+15005550006")))
        #expect(both.twilioAuthToken == "t")
        let reordered = try AppConfig.fromEnvironment(twilio.merging(["TOCSIN_VOICE_GATEWAY_URL": "http://127.0.0.1:9/call",
                                                                      "TOCSIN_PHONE_PROVIDERS": "gateway, twilio"]) { a, _ in a })
        #expect(reordered.phoneProviders.map(\.name) == ["gateway", "twilio"])
        #expect(reordered.phoneProviders.first == .gateway(sms: nil, voice: GatewaySettings(url: "http://127.0.0.1:9/call")))
        #expect(throws: DomainError.validation([FieldError("TOCSIN_TWILIO_TOKEN", "is needed with the other TOCSIN_TWILIO_ settings"),
                                                FieldError("TOCSIN_TWILIO_FROM", "is needed with the other TOCSIN_TWILIO_ settings")])) {
            try AppConfig.fromEnvironment(["TOCSIN_TWILIO_SID": "AC1"])
        }
        #expect(throws: DomainError.validation([FieldError("TOCSIN_SMS_GATEWAY_URL", "must be an http or https URL"),
                                                FieldError("TOCSIN_PHONE_PROVIDERS", "may name twilio and gateway only")])) {
            try AppConfig.fromEnvironment(twilio.merging(["TOCSIN_SMS_GATEWAY_URL": "ftp://x", "TOCSIN_PHONE_PROVIDERS": "twilio,nexmo"]) { a, _ in a })
        }
        #expect(throws: DomainError.validation([FieldError("TOCSIN_PHONE_PROVIDERS", "names gateway, which is not configured")])) {
            try AppConfig.fromEnvironment(twilio.merging(["TOCSIN_PHONE_PROVIDERS": "gateway"]) { a, _ in a })
        }
        // A call flow that posts keys back needs the secret they come with.
        let flow = ["TOCSIN_VOICE_GATEWAY_URL": "https://voice.example.com/call", "TOCSIN_VOICE_GATEWAY_BODY": #"{"to": "{{to}}", "keys": "{{reply_url}}"}"#]
        #expect(throws: DomainError.validation([FieldError("TOCSIN_VOICE_GATEWAY_BODY",
                                                           "passes on {{reply_url}}, and the keys posted there need TOCSIN_SMS_GATEWAY_INBOUND_TOKEN (the secret the gateway sends them with)")])) {
            try AppConfig.fromEnvironment(flow)
        }
        let keyed = try AppConfig.fromEnvironment(flow.merging(["TOCSIN_SMS_GATEWAY_INBOUND_TOKEN": "gateway-secret-0123456789"]) { a, _ in a })
        #expect(keyed.gatewayInboundToken == "gateway-secret-0123456789")
    }

    @Test("Slack needs its token and signing secret together; ntfy's token is optional")
    func chat() throws {
        let config = try AppConfig.fromEnvironment(["TOCSIN_SLACK_TOKEN": "xoxb-1", "TOCSIN_SLACK_SIGNING_SECRET": "s", "TOCSIN_NTFY_TOKEN": "tk_1",
                                                    "TOCSIN_NTFY_URL": "https://ntfy.example.com"])
        #expect(throws: DomainError.validation([FieldError("TOCSIN_NTFY_URL", "must name the ntfy server (an http or https URL) the TOCSIN_NTFY_TOKEN is for")])) {
            try AppConfig.fromEnvironment(["TOCSIN_NTFY_TOKEN": "tk_1"])
        }
        #expect(config.slack == SlackSettings(token: "xoxb-1", signingSecret: "s"))
        #expect(config.slack?.apiURL == "https://slack.com/api")
        #expect(config.ntfyToken == "tk_1")
        #expect(try AppConfig.fromEnvironment([:]).slack == nil)
        #expect(throws: DomainError.validation([FieldError("TOCSIN_SLACK_URL", "must be an http or https URL"),
                                                FieldError("TOCSIN_SLACK_SIGNING_SECRET", "is needed with the other TOCSIN_SLACK_ settings (the app's signing secret)")])) {
            try AppConfig.fromEnvironment(["TOCSIN_SLACK_TOKEN": "xoxb-1", "TOCSIN_SLACK_URL": "slack.com"])
        }
    }

    @Test("where user-chosen addresses may go: loopback and link-local refused by default; DENY and ALLOW take networks and group names")
    func destinations() throws {
        #expect(try AppConfig.fromEnvironment([:]).destinations == DestinationGuard())
        let strict = try AppConfig.fromEnvironment(["TOCSIN_DESTINATION_DENY": "private", "TOCSIN_DESTINATION_ALLOW": "10.1.2.3"])
        #expect(strict.destinations.permits([10, 1, 2, 3]) && !strict.destinations.permits([10, 1, 2, 4]) && !strict.destinations.permits([127, 0, 0, 1]))
        #expect(try AppConfig.fromEnvironment(["TOCSIN_DESTINATION_DENY": "none"]).destinations.isOpen)
        #expect(throws: DomainError.validation([FieldError("TOCSIN_DESTINATION_ALLOW",
                                                          "\"intranet\" is neither a network (10.0.0.0/8, ::1/128) nor one of link-local, loopback, private, unspecified, none")])) {
            try AppConfig.fromEnvironment(["TOCSIN_DESTINATION_ALLOW": "intranet"])
        }
    }

    @Test("throttling and bundling have defaults and can be changed or turned off; nonsense is refused by name")
    func pacing() throws {
        #expect(try AppConfig.fromEnvironment([:]).pacing == Pacing())
        let changed = try AppConfig.fromEnvironment(["TOCSIN_THROTTLE_VOICE": "2/30m", "TOCSIN_THROTTLE_SMS": "off", "TOCSIN_BUNDLE_WINDOW": "2m"])
        #expect(changed.pacing.limits[.voice] == Pacing.Limit(count: 2, window: 1800))
        #expect(changed.pacing.limits[.sms] == nil)
        #expect(changed.pacing.bundleWindow == 120)
        #expect(!(try AppConfig.fromEnvironment(["TOCSIN_BUNDLE_WINDOW": "0"]).pacing.bundles(.email)))
        #expect(throws: DomainError.validation([
            FieldError("TOCSIN_THROTTLE_VOICE", "must be a count and a window, such as 3/15m (1 to 100 messages in 1 to 1440 minutes), or off"),
            FieldError("TOCSIN_THROTTLE_SMS", "must be a count and a window, such as 3/15m (1 to 100 messages in 1 to 1440 minutes), or off"),
            FieldError("TOCSIN_BUNDLE_WINDOW", "must be a time from 0 to 1 hour, such as 60s or 2m (0 turns bundling off)"),
        ])) {
            try AppConfig.fromEnvironment(["TOCSIN_THROTTLE_VOICE": "0/15m", "TOCSIN_THROTTLE_SMS": "99999999999999999999/1m", "TOCSIN_BUNDLE_WINDOW": "-5s"])
        }
    }
}
