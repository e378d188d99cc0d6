import Foundation

/// A message as a channel sends it: the page, the incident it is about, and the links that act on it.
public struct OutgoingMessage: Sendable, Equatable {
    public var notification: NotificationRecord
    public var incidentNumber: Int
    public var incidentTitle: String
    public var recipientName: String?
    /// The incident's page.
    public var incidentURL: String
    /// Webhooks: the key the message is signed with.
    public var signingSecret: String?
    /// Signed links that act on the incident without signing in (pages only), in the order they are offered.
    public var actions: [MessageAction]
    public var severity: IncidentSeverity?
    /// Voice pages: where the provider posts the keypress the person answers with (signed like `actions`).
    public var replyURL: String?
    /// The incident's status when the message was claimed (a request to respond may concern an acknowledged one).
    public var status: IncidentStatus = .triggered
    /// The other notifications this message carries (a bundle: several incidents for one person, as one message),
    /// each with its own links; empty for a message about one incident.
    public var bundle: [OutgoingMessage] = []

    /// This message and those bundled with it, in order.
    public var all: [OutgoingMessage] { [self] + bundle }

    public init(notification: NotificationRecord, incidentNumber: Int, incidentTitle: String, recipientName: String?, incidentURL: String,
                signingSecret: String? = nil, actions: [MessageAction] = [], severity: IncidentSeverity? = nil, replyURL: String? = nil) {
        self.severity = severity
        self.replyURL = replyURL
        self.signingSecret = signingSecret
        self.actions = actions
        self.notification = notification
        self.incidentNumber = incidentNumber
        self.incidentTitle = incidentTitle
        self.recipientName = recipientName
        self.incidentURL = incidentURL
    }

    /// One line for channels that carry little: "[Tocsin] #42 Checkout latency high", or for a notice that someone
    /// took it, "[Tocsin] #42 acknowledged by Ana Lima: Checkout latency high".
    public var subject: String {
        switch notification.purpose {
        case .taken: return "[Tocsin] #\(incidentNumber) \(notification.detail ?? "taken"): \(incidentTitle)"
        default: return "[Tocsin] #\(incidentNumber) " + (notification.purpose.lead.map { "\($0): " } ?? "") + incidentTitle
        }
    }

    /// The link for `action`, when the message carries one.
    public func link(_ action: IncidentAction) -> String? {
        actions.first { $0.action == action }?.url
    }
}

/// What a person can do to an incident straight from a notification.
public enum IncidentAction: String, Sendable, CaseIterable, Codable {
    case acknowledge, resolve, escalate

    public var label: String {
        switch self {
        case .acknowledge: return "Acknowledge"
        case .resolve: return "Resolve"
        case .escalate: return "Escalate"
        }
    }
}

/// A signed link that performs `action` for the person the message went to.
public struct MessageAction: Sendable, Equatable {
    /// How long a link works after its message was sent.
    public static let lifetime: TimeInterval = 24 * 3600
    public var action: IncidentAction
    public var url: String

    public init(action: IncidentAction, url: String) {
        self.action = action
        self.url = url
    }
}

/// What a provider answered.
public enum ChannelResult: Sendable, Equatable {
    case sent(providerMessageID: String?)
    /// Worth trying again (the provider is down, rate limited, timed out).
    case transient(String)
    /// The provider is rate limiting and said how long to wait (`Retry-After`), in seconds.
    case rateLimited(String, retryAfter: TimeInterval)
    /// Trying again will not help (a landline for SMS, an invalid address, a refusal).
    case permanent(String)
}

/// One way of sending (e-mail, SMS, Slack, …). Each channel has its own queue and its own concurrency, so a slow
/// or rate-limited one never holds the others up.
public protocol NotificationChannel: Sendable {
    var kind: ContactMethod.Kind { get }
    /// Messages sent at once.
    var concurrency: Int { get }
    func send(_ message: OutgoingMessage) async -> ChannelResult
    /// Sends a message about the contact method itself (its verification code, a test page) straight to it.
    func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult
}

extension NotificationChannel {
    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        .permanent("this channel cannot carry messages outside pages")
    }
}

/// A message to one contact method that is about the method, not an incident: sent while the person waits, not
/// queued, so the answer says whether it arrived at the provider.
public enum DirectNote: Sendable, Equatable {
    /// A verification code proving the person receives what is sent here.
    case verification(code: String)
    /// "Send me a test page": what a page looks like on this method, asked for by `requestedBy`.
    case test(requestedBy: String)

    /// The subject (e-mail) or title (push, cards).
    public var subject: String {
        switch self {
        case .verification(let code): return "[Tocsin] Your verification code: \(code)"
        case .test: return "[Tocsin] Test page"
        }
    }

    /// The message as one sentence or two (SMS, chat, push).
    public var line: String {
        switch self {
        case .verification(let code):
            return "Your Tocsin verification code is \(code). It is valid for \(Int(ContactMethod.codeLifetime / 60)) minutes."
        case .test(let who):
            return "Tocsin test page, sent at \(who)'s request. Pages for incidents reach you here. Nothing to do."
        }
    }

    /// The message read aloud on a call: a code digit by digit, twice.
    public var speech: String {
        switch self {
        case .verification(let code):
            let digits = code.map(String.init).joined(separator: ", ")
            return "This is Tocsin. Your verification code is \(digits). Again: \(digits)."
        case .test:
            return "This is Tocsin with a test page. Pages for incidents will call this number. Nothing to do. Goodbye."
        }
    }

    /// The longer text of an e-mail.
    public var body: String {
        switch self {
        case .verification: return line + "\n\nEnter it where you added this address to Tocsin. If you did not, ignore this message."
        case .test: return line + "\n\nIf you did not expect this message, tell your Tocsin administrator."
        }
    }

    /// A webhook's `event`.
    public var event: String {
        switch self {
        case .verification: return "contact_method.verify"
        case .test: return "contact_method.test"
        }
    }

    /// Part of the id a webhook delivery or a mail's Message-ID carries.
    public var idPrefix: String {
        switch self {
        case .verification: return "verify"
        case .test: return "test"
        }
    }
}

/// A reply to an SMS page: "ack 42", "res 42", "esc 42" (also "acknowledge 42", "resolve #42", "a42"), any case.
public struct SMSCommand: Sendable, Equatable {
    public var action: IncidentAction
    public var incidentNumber: Int

    public init(action: IncidentAction, incidentNumber: Int) {
        self.action = action
        self.incidentNumber = incidentNumber
    }

    /// Longer replies are not commands (and are not read further).
    public static let maximumLength = 64

    /// The words each action answers to.
    static let words: [(String, IncidentAction)] = [
        ("acknowledge", .acknowledge), ("ack", .acknowledge), ("a", .acknowledge),
        ("resolve", .resolve), ("res", .resolve), ("r", .resolve),
        ("escalate", .escalate), ("esc", .escalate), ("e", .escalate),
    ]

    /// One pass over at most `maximumLength` characters: a word, optional spaces and `#`, digits, optional spaces.
    public static func parse(_ text: String) -> SMSCommand? {
        guard text.utf8.count <= maximumLength else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let letters = String(trimmed.prefix { $0.isASCII && $0.isLetter })
        guard let action = words.first(where: { $0.0 == letters })?.1 else { return nil }
        var rest = trimmed.dropFirst(letters.count).drop { $0 == " " }
        if rest.first == "#" { rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 12, rest.dropFirst(digits.count).allSatisfy({ $0 == " " || $0 == "." || $0 == "!" }),
              let number = Int(digits), number > 0 else { return nil }
        return SMSCommand(action: action, incidentNumber: number)
    }
}

/// The state of an incident a chat message shows (Slack); the message is rewritten in place when it changes.
public struct ChatIncidentView: Sendable, Equatable {
    public var incidentID: UUID
    public var number: Int
    public var title: String
    public var severity: IncidentSeverity?
    public var status: IncidentStatus
    /// "Acknowledged by Bob", "Resolved by Ann", or nil while triggered.
    public var statusLine: String?
    public var url: String

    public init(incidentID: UUID, number: Int, title: String, severity: IncidentSeverity?, status: IncidentStatus, statusLine: String?, url: String) {
        (self.incidentID, self.number, self.title, self.severity, self.status, self.statusLine, self.url) =
            (incidentID, number, title, severity, status, statusLine, url)
    }

    /// The buttons that still make sense.
    public var actions: [IncidentAction] {
        switch status {
        case .triggered: return [.acknowledge, .resolve, .escalate]
        case .acknowledged: return [.resolve]
        case .resolved: return []
        }
    }
}

/// A channel whose sent messages can be rewritten (Slack's `chat.update`).
public protocol ChatMessageUpdater: Sendable {
    var kind: ContactMethod.Kind { get }
    func update(messageID: String, _ view: ChatIncidentView) async -> ChannelResult
}
