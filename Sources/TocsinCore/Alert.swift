import Foundation

/// The severities monitoring tools send (PagerDuty's vocabulary, which the others map onto).
public enum AlertSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case critical, error, warning, info

    private var rank: Int {
        switch self {
        case .critical: return 3
        case .error: return 2
        case .warning: return 1
        case .info: return 0
        }
    }

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }
}

public enum AlertStatus: String, Sendable, Codable, CaseIterable {
    case triggered, acknowledged, resolved
}

/// Who noticed: a machine, a customer, or someone inside the company. The metrics count
/// how many incidents monitoring found before customers did.
public enum DetectionSource: String, Sendable, Codable, CaseIterable {
    case monitoring, customer
    case internalReport = "internal"
}

public enum EventAction: String, Sendable, Codable, CaseIterable {
    case trigger, acknowledge, resolve
}

public struct AlertLink: Sendable, Equatable, Codable {
    public var href: String
    public var text: String?

    public init(href: String, text: String? = nil) {
        self.href = href
        self.text = text
    }
}

public struct AlertImage: Sendable, Equatable, Codable {
    public var src: String
    public var href: String?
    public var alt: String?

    public init(src: String, href: String? = nil, alt: String? = nil) {
        self.src = src
        self.href = href
        self.alt = alt
    }
}

/// What a monitoring tool says about a problem: the part an incoming event and the alert it opens share.
public struct AlertContent: Sendable, Equatable {
    public var dedupKey: String
    public var summary: String
    public var source: String
    public var severity: AlertSeverity
    public var component: String?
    public var group: String?
    public var eventClass: String?
    public var labels: [String: String]
    public var details: JSONValue
    public var links: [AlertLink]
    public var images: [AlertImage]
    public var client: String?
    public var clientURL: String?
    public var detectionSource: DetectionSource

    public init(dedupKey: String, summary: String = "", source: String = "", severity: AlertSeverity = .error,
                component: String? = nil, group: String? = nil, eventClass: String? = nil,
                labels: [String: String] = [:], details: JSONValue = .null, links: [AlertLink] = [], images: [AlertImage] = [],
                client: String? = nil, clientURL: String? = nil, detectionSource: DetectionSource = .monitoring) {
        self.dedupKey = dedupKey
        self.summary = summary
        self.source = source
        self.severity = severity
        self.component = component
        self.group = group
        self.eventClass = eventClass
        self.labels = labels
        self.details = details
        self.links = links
        self.images = images
        self.client = client
        self.clientURL = clientURL
        self.detectionSource = detectionSource
    }

    /// The content without NUL characters, which PostgreSQL refuses in text (senders do send them).
    public var withoutNULs: AlertContent {
        func clean(_ text: String) -> String { text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "") : text }
        var copy = self
        copy.dedupKey = clean(dedupKey)
        copy.summary = clean(summary)
        copy.source = clean(source)
        copy.component = component.map(clean)
        copy.group = group.map(clean)
        copy.eventClass = eventClass.map(clean)
        copy.client = client.map(clean)
        copy.clientURL = clientURL.map(clean)
        copy.labels = Dictionary(labels.map { (clean($0.key), clean($0.value)) }, uniquingKeysWith: { first, _ in first })
        copy.links = links.map { AlertLink(href: clean($0.href), text: $0.text.map(clean)) }
        copy.images = images.map { AlertImage(src: clean($0.src), href: $0.href.map(clean), alt: $0.alt.map(clean)) }
        return copy
    }
}

/// An incoming event after decoding, whatever format it came in: an action on the content it carries.
@dynamicMemberLookup
public struct AlertEvent: Sendable, Equatable {
    public var action: EventAction
    public var occurredAt: Date?
    public var content: AlertContent

    public init(action: EventAction, occurredAt: Date? = nil, content: AlertContent) {
        self.action = action
        self.occurredAt = occurredAt
        self.content = content
    }

    public init(action: EventAction, dedupKey: String, summary: String = "", source: String = "", severity: AlertSeverity = .error,
                occurredAt: Date? = nil, component: String? = nil, group: String? = nil, eventClass: String? = nil,
                labels: [String: String] = [:], details: JSONValue = .null, links: [AlertLink] = [], images: [AlertImage] = [],
                client: String? = nil, clientURL: String? = nil, detectionSource: DetectionSource = .monitoring) {
        self.init(action: action, occurredAt: occurredAt, content: AlertContent(
            dedupKey: dedupKey, summary: summary, source: source, severity: severity, component: component, group: group,
            eventClass: eventClass, labels: labels, details: details, links: links, images: images, client: client,
            clientURL: clientURL, detectionSource: detectionSource))
    }

    public subscript<Value>(dynamicMember path: WritableKeyPath<AlertContent, Value>) -> Value {
        get { content[keyPath: path] }
        set { content[keyPath: path] = newValue }
    }

    /// The event without NUL characters, which PostgreSQL refuses in text (senders do send them).
    public var withoutNULs: AlertEvent {
        var copy = self
        copy.content = content.withoutNULs
        return copy
    }
}

/// One problem a monitoring tool reported, deduplicated: repeats raise `occurrences`. Its content is what the
/// latest event said; the rest is what Tocsin made of it.
@dynamicMemberLookup
public struct Alert: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var serviceID: UUID
    public var integrationKeyID: UUID?
    public var content: AlertContent
    public var status: AlertStatus
    public var incidentID: UUID?
    public var occurrences: Int
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    public var acknowledgedAt: Date?
    public var resolvedAt: Date?
    /// Why no one was paged for it, when it was muted.
    public var mutedReason: String?
    public var muteKind: MuteKind?
    /// The incident whose inhibition muted it.
    public var mutedByIncidentID: UUID?
    /// Why it joined its incident, or why it opened one.
    public var groupingReason: String?

    public init(id: UUID, serviceID: UUID, integrationKeyID: UUID?, content: AlertContent, incidentID: UUID?, now: Date) {
        self.id = id
        self.serviceID = serviceID
        self.integrationKeyID = integrationKeyID
        self.content = content
        status = .triggered
        self.incidentID = incidentID
        occurrences = 1
        firstSeenAt = now
        lastSeenAt = now
    }

    public subscript<Value>(dynamicMember path: WritableKeyPath<AlertContent, Value>) -> Value {
        get { content[keyPath: path] }
        set { content[keyPath: path] = newValue }
    }
}

extension Alert {
    /// Records why it is muted, or that it is not.
    public mutating func setMute(_ mute: Mute?) {
        (mutedReason, muteKind, mutedByIncidentID) = (mute?.reason, mute?.kind, mute?.byIncidentID)
    }
}

/// What an event does to the alert it names. Pure: the caller loads and saves.
public enum AlertDecision: Sendable, Equatable {
    /// No open alert has this key: open one.
    case open
    /// The same problem again: count it and refresh what changed.
    case repeatOccurrence
    case acknowledge
    case resolve
    /// Acknowledge or resolve for an unknown or already resolved key: accepted and dropped, as PagerDuty does.
    case ignore(String)

    public static func decide(_ event: AlertEvent, open existing: Alert?) -> AlertDecision {
        switch (event.action, existing) {
        case (.trigger, nil): return .open
        case (.trigger, .some): return .repeatOccurrence
        case (.acknowledge, nil), (.resolve, nil): return .ignore("no open alert has the dedup key \(event.dedupKey)")
        case (.acknowledge, .some(let alert)):
            return alert.status == .triggered ? .acknowledge : .ignore("the alert is already acknowledged")
        case (.resolve, .some): return .resolve
        }
    }
}

extension Alert {
    /// A repeat of this open alert: counted, and the sender's latest content kept.
    public mutating func recordRepeat(of event: AlertEvent, at now: Date) {
        occurrences += 1
        lastSeenAt = now
        (content.summary, content.severity, content.source) = (event.summary, event.severity, event.source)
        (content.details, content.labels) = (event.details, event.labels)
    }
}
