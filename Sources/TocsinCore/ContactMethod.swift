import Foundation

/// How an incident's urgency decides which of a person's rules apply.
public enum Urgency: String, Sendable, CaseIterable, Codable {
    case high
    case low
}

/// A way to reach one person: an e-mail address, a phone number for SMS or voice, a Slack member, a Microsoft
/// Teams workflow, an ntfy topic, or a webhook. Pages go only to verified methods.
public struct ContactMethod: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, CaseIterable {
        case email, sms, voice, slack, teams, push, webhook
    }

    public static let maximumPerUser = 20
    public static let codeLifetime: TimeInterval = 15 * 60
    public static let maximumCodeAttempts = 5
    /// A new code at most this often: with five tries a code, guessing six digits stays hopeless.
    public static let codeInterval: TimeInterval = 60
    /// Codes one person may have sent in an hour, over all their methods (deleted ones included).
    public static let codesPerPersonPerHour = 10
    /// Test pages go out while the person waits, to an address they verified: at most one a minute to a method and
    /// ten an hour per person, so the button cannot be used to flood a phone or a webhook.
    public static let testPageInterval: TimeInterval = 60
    public static let testPagesPerPersonPerHour = 10
    /// Codes one address may receive in an hour, whoever asks.
    public static let codesPerAddressPerHour = 5

    public var id: UUID
    public var userID: UUID
    public var kind: Kind
    /// Normalised: a lowercased e-mail address, an E.164 number, a Slack member id, a URL.
    public var address: String
    public var label: String
    /// When the owner proved they receive it (or an admin vouched for it); nil until then.
    public var verifiedAt: Date?
    /// Webhooks only: the key their messages are signed with (HMAC-SHA256), shown once when the method is added.
    public var signingSecret: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, userID: UUID, kind: Kind, address: String, label: String = "", verifiedAt: Date? = nil, signingSecret: String? = nil,
                createdAt: Date, updatedAt: Date) {
        self.signingSecret = signingSecret
        self.id = id
        self.userID = userID
        self.kind = kind
        self.address = address
        self.label = label
        self.verifiedAt = verifiedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var isVerified: Bool { verifiedAt != nil }

    /// The address in its one stored spelling, or a sentence saying what is wrong with it.
    public static func normalized(_ raw: String, for kind: Kind) -> Result<String, FieldError> {
        let text = raw.trimmed
        func refuse(_ reason: String) -> Result<String, FieldError> { .failure(FieldError("address", reason)) }
        guard !text.isEmpty else { return refuse("must not be blank") }
        guard text.utf8.count <= 2000 else { return refuse("must be at most 2000 bytes") }
        switch kind {
        case .email:
            let email = text.lowercased()
            // Nothing that could end an SMTP path or header early (<, >, quotes, brackets, separators).
            let plain = !email.contains(where: { "<>()[],;:\"\\".contains($0) })
            return plain && TextRules.isPlausibleEmail(email) ? .success(email) : refuse("is not a valid e-mail address")
        case .sms, .voice:
            // E.164: a plus, a country code that does not start with 0, at most 15 digits in all. People write
            // numbers with spaces, dashes, dots and brackets; those go.
            let kept = text.filter { !" -.()".contains($0) }
            let digits = kept.dropFirst()
            guard kept.first == "+", (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else {
                return refuse("must be a phone number in international form, e.g. +4915123456789")
            }
            return .success(kept)
        case .slack:
            // A member id as Slack shows it under "Copy member ID": U… or W…, upper-case letters and digits.
            let id = text.uppercased()
            guard let first = id.first, first == "U" || first == "W", (3...24).contains(id.count),
                  id.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                return refuse("must be a Slack member id such as U012AB3CD (in Slack: profile, ⋮, Copy member ID)")
            }
            return .success(id)
        case .teams, .webhook:
            return TextRules.isHTTPURL(text) ? .success(text) : refuse("must be an http or https URL")
        case .push:
            // An ntfy topic URL: the server, then one path segment naming the topic.
            guard TextRules.isHTTPURL(text), let url = URL(string: text) else {
                return refuse("must be an ntfy topic URL such as https://ntfy.example.com/tocsin-ann")
            }
            let segments = url.path.split(separator: "/")
            guard segments.count == 1, let topic = segments.first, (1...64).contains(topic.count),
                  topic.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                return refuse("must be an ntfy topic URL such as https://ntfy.example.com/tocsin-ann (one topic of letters, digits, - and _)")
            }
            return .success(text)
        }
    }
}

/// Input for creating or changing a contact method. Changing the address of a verified method unverifies it.
public struct ContactMethodInput: Sendable, Equatable {
    public var kind: String?
    public var address: String?
    public var label: String?

    public init(kind: String? = nil, address: String? = nil, label: String? = nil) {
        self.kind = kind
        self.address = address
        self.label = label
    }

    public func applied(to method: ContactMethod, now: Date) throws -> ContactMethod {
        var v = Validator()
        var m = method
        if let address {
            switch ContactMethod.normalized(address, for: m.kind) {
            case .success(let normalized):
                if normalized != m.address { m.verifiedAt = nil }
                m.address = normalized
            case .failure(let error):
                v.merge([error])
            }
        }
        if let label {
            m.label = label.trimmed
            v.check(m.label.count <= 200, "label", "must be at most 200 characters")
            v.checkPrintable(m.label, "label")
        }
        try v.throwIfInvalid()
        m.updatedAt = now
        return m
    }

    public func created(id: UUID, userID: UUID, now: Date) throws -> ContactMethod {
        guard let kindText = kind else { throw DomainError.invalid("type", "is required: email, sms, voice, slack, teams, push or webhook") }
        guard let kind = ContactMethod.Kind(rawValue: kindText) else {
            throw DomainError.invalid("type", "must be email, sms, voice, slack, teams, push or webhook")
        }
        var input = self
        input.address = address ?? ""
        return try input.applied(to: ContactMethod(id: id, userID: userID, kind: kind, address: "", createdAt: now, updatedAt: now), now: now)
    }
}

/// "After `delayMinutes`, reach me by this method" for incidents of one urgency.
public struct NotificationRule: Sendable, Equatable, Identifiable {
    public static let maximumPerUser = 50
    public static let delayRange = 0...1440

    public var id: UUID
    public var userID: UUID
    public var contactMethodID: UUID
    public var urgency: Urgency
    public var delayMinutes: Int
    public var createdAt: Date

    public init(id: UUID, userID: UUID, contactMethodID: UUID, urgency: Urgency, delayMinutes: Int, createdAt: Date) {
        self.id = id
        self.userID = userID
        self.contactMethodID = contactMethodID
        self.urgency = urgency
        self.delayMinutes = delayMinutes
        self.createdAt = createdAt
    }

    /// Checks the fields that need no database; the store checks that the method is the person's own.
    public static func validated(id: UUID, userID: UUID, contactMethodID: UUID?, urgency: String?, delayMinutes: Int?, now: Date) throws -> NotificationRule {
        var v = Validator()
        v.check(contactMethodID != nil, "contact_method_id", "is required")
        let parsed = Urgency(rawValue: urgency ?? Urgency.high.rawValue)
        v.check(parsed != nil, "urgency", "must be high or low")
        let delay = delayMinutes ?? 0
        v.check(delayRange.contains(delay), "delay_minutes", "must be a whole number of minutes from 0 to 1440")
        try v.throwIfInvalid()
        return NotificationRule(id: id, userID: userID, contactMethodID: contactMethodID ?? id, urgency: parsed ?? .high, delayMinutes: delay,
                                createdAt: now)
    }
}
