import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TocsinCore

/// What one SMS or voice provider answered.
public enum ProviderAnswer: Sendable, Equatable {
    case sent(messageID: String?)
    /// The message cannot be delivered by anyone (an invalid number, a landline for SMS, a number that opted out):
    /// the page fails at once, and no other provider is tried.
    case refused(String)
    /// This provider cannot carry it now (down, rate limited, misconfigured): the next provider is tried.
    case unavailable(String)
}

/// An SMS and voice provider.
public protocol PhoneProvider: Sendable {
    /// For the timeline and the provider's message id ("twilio:SM…").
    var name: String { get }
    func sendSMS(to number: String, text: String) async -> ProviderAnswer
    /// Calls `number` and reads `speech`; `replyURL`, when the provider can take keypresses, is where they go.
    func call(to number: String, speech: String, replyURL: String?) async -> ProviderAnswer
}

/// SMS or voice pages through an ordered list of providers: when one is down or refuses service, the next carries
/// the page; when one says the number itself cannot be reached, the page fails at once and says so. When every
/// provider is unavailable the page is retried later (the dispatcher's backoff), starting again from the first.
public struct PhoneChannel: NotificationChannel {
    /// What a phone channel carries: nothing else can be asked of it.
    public enum Medium: Sendable {
        case sms, voice
    }

    public let kind: ContactMethod.Kind
    public let concurrency: Int
    let providers: [any PhoneProvider]

    public init(kind medium: Medium, providers: [any PhoneProvider], concurrency: Int = 4) {
        kind = medium == .sms ? .sms : .voice
        self.providers = providers
        self.concurrency = concurrency
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult {
        await deliver(to: message.notification.address, text: PhoneText.sms(message), speech: PhoneText.speech(message), replyURL: message.replyURL)
    }

    /// By SMS as a sentence; by phone read aloud (a code digit by digit, twice).
    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        await deliver(to: method.address, text: note.line, speech: note.speech, replyURL: nil)
    }

    func deliver(to number: String, text: String, speech: String, replyURL: String?) async -> ChannelResult {
        var failures: [String] = []
        for provider in providers {
            let answer: ProviderAnswer
            if kind == .sms {
                answer = await provider.sendSMS(to: number, text: text)
            } else {
                answer = await provider.call(to: number, speech: speech, replyURL: replyURL)
            }
            switch answer {
            case .sent(let id): return .sent(providerMessageID: "\(provider.name):\(id ?? "?")")
            case .refused(let reason): return .permanent("\(provider.name) refused the number: \(reason)")
            case .unavailable(let reason): failures.append("\(provider.name): \(reason)")
            }
        }
        return .transient(failures.isEmpty ? "no \(kind.rawValue) provider is configured" : "no provider could carry it (" + failures.joined(separator: "; ") + ")")
    }
}

/// The words of SMS and voice pages.
public enum PhoneText {
    /// Two SMS segments at most (GSM 7-bit: 306 characters); the title is cut to fit.
    static let smsLimit = 300

    public static func sms(_ message: OutgoingMessage) -> String {
        guard !message.bundle.isEmpty else { return single(message) }
        // A bundle: a line per incident, each title cut to an even share of the two segments.
        let all = message.all
        let head = "Tocsin, \(all.count) incidents:"
        let asks = all.filter { $0.notification.purpose.asksToAct }.map(\.incidentNumber)
        let tail = asks.isEmpty ? "" : "\nReply ack N, res N or esc N (N: \(asks.map(String.init).joined(separator: ", ")))."
        let share = max(8, (smsLimit - head.count - tail.count) / all.count)
        let lines = all.map { m -> String in
            let lead = m.notification.purpose == .taken ? "#\(m.incidentNumber) \(m.notification.detail ?? "taken"): "
                : "#\(m.incidentNumber)" + (m.severity.map { " \($0.rawValue)" } ?? "") + (m.notification.purpose.lead.map { " \($0)" } ?? "") + ": "
            return "\n" + lead + cut(m.incidentTitle, to: share - lead.count - 1)
        }
        return String((head + lines.joined() + tail).prefix(smsLimit + 40))
    }

    static func single(_ message: OutgoingMessage) -> String {
        let n = message.incidentNumber
        switch message.notification.purpose {
        case .taken:
            let head = "Tocsin #\(n) \(message.notification.detail ?? "taken"): "
            return head + cut(message.incidentTitle, to: smsLimit - head.count)
        default:
            let head = "Tocsin #\(n)" + (message.severity.map { " \($0.rawValue)" } ?? "") + (message.notification.purpose.lead.map { " \($0)" } ?? "") + ": "
            let tail = "\nReply ack \(n), res \(n) or esc \(n)."
            return head + cut(message.incidentTitle, to: smsLimit - head.count - tail.count) + tail
        }
    }

    /// What a call that takes keys says after the incidents.
    public static let keyPrompt = "Press 1 to acknowledge, 2 to resolve, 3 to escalate."

    public static func speech(_ message: OutgoingMessage) -> String {
        guard !message.bundle.isEmpty else { return spoken(message) }
        let all = message.all
        let read = all.map { m -> String in
            let severity = m.severity.map { ", severity \($0.rawValue.dropFirst(3))" } ?? ""
            let lead = m.notification.purpose.lead.map { " \($0.lowercased())." } ?? ""
            return "\(lead) Incident \(m.incidentNumber)\(severity): \(cut(m.incidentTitle, to: 120))."
        }
        return "This is Tocsin with \(all.count) incidents." + read.joined() + " A key you press acts on all of them."
    }

    static func spoken(_ message: OutgoingMessage) -> String {
        let severity = message.severity.map { ", severity \($0.rawValue.dropFirst(3))" } ?? ""
        let lead = message.notification.purpose.lead.map { " \($0.lowercased())." } ?? ""
        return "This is Tocsin.\(lead) Incident \(message.incidentNumber)\(severity): \(cut(message.incidentTitle, to: 200))."
    }

    static func cut(_ text: String, to limit: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= max(limit, 1) ? flat : String(flat.prefix(max(limit - 1, 0))) + "…"
    }
}

/// Settings of a Twilio-compatible API (`TOCSIN_TWILIO_URL`, `_SID`, `_TOKEN`, `_FROM`).
public struct TwilioSettings: Sendable, Equatable {
    public var baseURL: String
    public var accountSID: String
    public var authToken: String
    public var from: String

    public init(baseURL: String = "https://api.twilio.com", accountSID: String, authToken: String, from: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
    }
}

/// Twilio's REST API (and any that speaks it): `POST {base}/2010-04-01/Accounts/{sid}/Messages.json` and
/// `…/Calls.json`, form-encoded, HTTP Basic with the account SID and auth token. A call reads the page with `<Say>`
/// inside a `<Gather>` of one digit that posts to the reply URL, twice, then says goodbye.
public struct TwilioProvider: PhoneProvider {
    public let name = "twilio"
    let settings: TwilioSettings
    let client: HTTPClient
    let timeout: TimeAmount

    /// Twilio's error codes that mean the number itself cannot take the message (not this provider's trouble).
    static let numberRefusals: [Int: String] = [
        21211: "not a valid phone number", 21214: "not a reachable phone number", 21217: "not a valid phone number",
        21407: "the number's country is not supported", 21408: "the number's region is not enabled",
        21610: "the number has replied STOP to this sender", 21612: "no route to the number", 21614: "not a mobile number (SMS cannot reach it)",
        13224: "not a valid phone number", 13223: "not a valid phone number format",
    ]

    /// Where Twilio reports what became of each message and call (delivered, undelivered, answered, not answered).
    let statusCallback: String?

    public init(settings: TwilioSettings, statusCallback: String? = nil, client: HTTPClient = WebhookChannel.client, timeout: TimeAmount = .seconds(15)) {
        self.settings = settings
        self.statusCallback = statusCallback
        self.client = client
        self.timeout = timeout
    }

    public func sendSMS(to number: String, text: String) async -> ProviderAnswer {
        await post("Messages.json", ["To": number, "From": settings.from, "Body": text].merging(statusFields) { a, _ in a })
    }

    public func call(to number: String, speech: String, replyURL: String?) async -> ProviderAnswer {
        await post("Calls.json", ["To": number, "From": settings.from, "Twiml": Self.twiml(speech: speech, replyURL: replyURL)].merging(statusFields) { a, _ in a })
    }

    var statusFields: [String: String] { statusCallback.map { ["StatusCallback": $0] } ?? [:] }

    /// The call's script. Keypresses are offered only when there is somewhere to send them.
    public static func twiml(speech: String, replyURL: String?) -> String {
        let say = "<Say>\(XML.escape(speech))</Say>"
        guard let replyURL else { return "<Response>\(say)<Pause length=\"1\"/>\(say)</Response>" }
        let prompt = "<Say>\(PhoneText.keyPrompt)</Say>"
        let gather = "<Gather numDigits=\"1\" timeout=\"8\" action=\"\(XML.escape(replyURL))\" method=\"POST\">\(say)\(prompt)</Gather>"
        return "<Response>\(gather)\(gather)<Say>No key was pressed. Goodbye.</Say></Response>"
    }

    func post(_ resource: String, _ fields: [String: String]) async -> ProviderAnswer {
        let url = "\(settings.baseURL)/2010-04-01/Accounts/\(FormEncoding.component(settings.accountSID))/\(resource)"
        let basic = "Basic " + Data("\(settings.accountSID):\(settings.authToken)".utf8).base64EncodedString()
        switch await HTTPDelivery.post(client, url: url, contentType: "application/x-www-form-urlencoded", headers: [("Authorization", basic)],
                                       body: FormEncoding.encode(fields.sorted { $0.key < $1.key }), timeout: timeout) {
        case .success(let answer): return Self.answer(status: answer.status, body: answer.body)
        case .failure(let error): return .unavailable("could not reach it (\(String(describing: type(of: error))))")
        }
    }

    static func answer(status: Int, body: String) -> ProviderAnswer {
        let json = (try? JSONValue.parse(Data(body.utf8)))?.objectValue ?? [:]
        switch status {
        case 200..<300:
            return .sent(messageID: json["sid"]?.stringValue)
        default:
            // Only the code: Twilio's message repeats the number, and the timeline is read by many.
            let code = json["code"].flatMap { value -> Int? in
                if case .number(let n) = value, n.isFinite, abs(n) < 1e9 { return Int(n) }
                return value.stringValue.flatMap { Int($0) }
            }
            if let code, let meaning = numberRefusals[code] { return .refused("\(meaning) (error \(code))") }
            return .unavailable("answered \(status)" + (code.map { " (error \($0))" } ?? ""))
        }
    }
}

/// Settings of a generic HTTP SMS or voice gateway: a URL, a body template with `{{to}}` and `{{text}}` (and, for a
/// call, `{{reply_url}}`: where a gateway that runs a call flow posts the key pressed; empty when the call takes none),
/// and an optional `Authorization` header. A template that starts with `{` is sent as JSON (the values escaped for
/// JSON), any other as a form (the values percent-encoded).
public struct GatewaySettings: Sendable, Equatable {
    public var url: String
    public var bodyTemplate: String
    public var authorization: String?

    public static let defaultTemplate = #"{"to": "{{to}}", "text": "{{text}}"}"#

    public init(url: String, bodyTemplate: String = GatewaySettings.defaultTemplate, authorization: String? = nil) {
        self.url = url
        self.bodyTemplate = bodyTemplate
        self.authorization = authorization
    }

    var isJSON: Bool { bodyTemplate.trimmingCharacters(in: .whitespaces).hasPrefix("{") }

    /// Whether the template passes on where keypresses go (the gateway runs a call flow of its own).
    public var takesKeypresses: Bool { bodyTemplate.contains("{{reply_url}}") }

    /// The template filled in, in one pass: a value that itself contains `{{to}}` is not expanded again.
    public func body(to: String, text: String, replyURL: String? = nil) -> String {
        func escaped(_ value: String) -> String {
            isJSON ? String(JSONValue.string(value).jsonText.dropFirst().dropLast()) : FormEncoding.component(value)
        }
        let values = [("to}}", to), ("text}}", text), ("reply_url}}", replyURL ?? "")]
        var out = ""
        var rest = Substring(bodyTemplate)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let (name, value) = values.first(where: { after.hasPrefix($0.0) }) {
                out += escaped(value)
                rest = after.dropFirst(name.count)
            } else {
                out += "{{"
                rest = after
            }
        }
        return out + rest
    }
}

/// A generic gateway: 2xx is sent (an `id` or `message_id` in a JSON answer is kept); 400 and 422 refuse the
/// number; anything else (401, 403, 404, 408, 429, 5xx, no answer) makes it unavailable, so the next provider tries.
public struct GatewayProvider: PhoneProvider {
    public let name: String
    let sms: GatewaySettings?
    let voice: GatewaySettings?
    let client: HTTPClient
    let timeout: TimeAmount

    public init(name: String = "gateway", sms: GatewaySettings?, voice: GatewaySettings?, client: HTTPClient = WebhookChannel.client,
                timeout: TimeAmount = .seconds(15)) {
        self.name = name
        self.sms = sms
        self.voice = voice
        self.client = client
        self.timeout = timeout
    }

    public func sendSMS(to number: String, text: String) async -> ProviderAnswer {
        guard let sms else { return .unavailable("it carries no SMS") }
        return await post(sms, to: number, text: text)
    }

    public func call(to number: String, speech: String, replyURL: String?) async -> ProviderAnswer {
        guard let voice else { return .unavailable("it makes no calls") }
        // A gateway that runs a call flow is told where keys go, and the call offers them.
        guard voice.takesKeypresses, let replyURL else { return await post(voice, to: number, text: speech) }
        return await post(voice, to: number, text: speech + " " + PhoneText.keyPrompt, replyURL: replyURL)
    }

    func post(_ settings: GatewaySettings, to number: String, text: String, replyURL: String? = nil) async -> ProviderAnswer {
        switch await HTTPDelivery.post(client, url: settings.url, contentType: settings.isJSON ? "application/json" : "application/x-www-form-urlencoded",
                                       headers: settings.authorization.map { [("Authorization", $0)] } ?? [],
                                       body: settings.body(to: number, text: text, replyURL: replyURL), timeout: timeout) {
        case .success(let answer):
            switch answer.status {
            case 200..<300:
                let json = (try? JSONValue.parse(Data(answer.body.utf8)))?.objectValue
                return .sent(messageID: json?["id"]?.scalarText ?? json?["message_id"]?.scalarText)
            case 400, 422: return .refused("the gateway answered \(answer.status)")
            default: return .unavailable("answered \(answer.status)")
            }
        case .failure(let error):
            return .unavailable("could not reach it (\(String(describing: type(of: error))))")
        }
    }
}

/// `application/x-www-form-urlencoded`, as HTML forms and Twilio write it.
public enum FormEncoding {
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    public static func component(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if unreserved.contains(byte) { out.append(Character(UnicodeScalar(byte))) } else if byte == 0x20 { out += "+" } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    public static func encode(_ fields: [(key: String, value: String)]) -> String {
        fields.map { component($0.key) + "=" + component($0.value) }.joined(separator: "&")
    }
}

enum XML {
    /// XML 1.0 allows no control characters, even as entities: a title carrying one loses it.
    static func escape(_ text: String) -> String { Markup.escape(text, dropControls: true) }
}
