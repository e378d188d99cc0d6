import Foundation
import TocsinCore
import TocsinIngest

struct IntegrationKeyJSON: Encodable {
    var key: IntegrationKey
    /// The secret; only in the answer that creates it.
    var secret: String?

    enum CodingKeys: String, CodingKey {
        case id, type, name, hint, key, mapping
        case serviceID = "service_id", rateLimitPerMinute = "rate_limit_per_minute", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key.id.db, forKey: .id)
        try c.encode(key.serviceID.db, forKey: .serviceID)
        try c.encode(key.type.rawValue, forKey: .type)
        try c.encode(key.name, forKey: .name)
        try c.encode(key.hint, forKey: .hint)
        try c.encode(key.rateLimitPerMinute ?? IntegrationKey.defaultRateLimitPerMinute, forKey: .rateLimitPerMinute)
        try c.encode(key.createdAt, forKey: .createdAt)
        try c.encodeIfPresent(secret, forKey: .key)
        if key.type == .generic { try c.encode(key.settings["mapping"] ?? .null, forKey: .mapping) }
    }
}

struct CreateIntegrationKeyJSON: Decodable {
    var type: String
    var name: String?
    var rateLimitPerMinute: Int?
    var mapping: GenericMapping?

    enum CodingKeys: String, CodingKey {
        case type, name, mapping
        case rateLimitPerMinute = "rate_limit_per_minute"
    }
}

struct AlertJSON: Encodable {
    var alert: Alert

    enum CodingKeys: String, CodingKey {
        case id, status, severity, summary, source, component, group, labels, details, links, images, client, occurrences
        case serviceID = "service_id", dedupKey = "dedup_key", eventClass = "class", clientURL = "client_url"
        case detectionSource = "detection_source", incidentID = "incident_id", firstSeenAt = "first_seen_at"
        case lastSeenAt = "last_seen_at", acknowledgedAt = "acknowledged_at", resolvedAt = "resolved_at", mutedReason = "muted_reason"
        case groupingReason = "grouping_reason", muteKind = "mute_kind", mutedByIncidentID = "muted_by_incident_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alert.id.db, forKey: .id)
        try c.encode(alert.serviceID.db, forKey: .serviceID)
        try c.encode(alert.dedupKey, forKey: .dedupKey)
        try c.encode(alert.status.rawValue, forKey: .status)
        try c.encode(alert.severity.rawValue, forKey: .severity)
        try c.encode(alert.summary, forKey: .summary)
        try c.encode(alert.source, forKey: .source)
        try c.encode(alert.component, forKey: .component)
        try c.encode(alert.group, forKey: .group)
        try c.encode(alert.eventClass, forKey: .eventClass)
        try c.encode(alert.labels, forKey: .labels)
        try c.encode(alert.details, forKey: .details)
        try c.encode(alert.links, forKey: .links)
        try c.encode(alert.images, forKey: .images)
        try c.encode(alert.client, forKey: .client)
        try c.encode(alert.clientURL, forKey: .clientURL)
        try c.encode(alert.detectionSource.rawValue, forKey: .detectionSource)
        try c.encode(alert.incidentID?.db, forKey: .incidentID)
        try c.encode(alert.occurrences, forKey: .occurrences)
        try c.encode(alert.firstSeenAt, forKey: .firstSeenAt)
        try c.encode(alert.lastSeenAt, forKey: .lastSeenAt)
        try c.encode(alert.acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(alert.resolvedAt, forKey: .resolvedAt)
        try c.encode(alert.mutedReason, forKey: .mutedReason)
        try c.encode(alert.muteKind?.rawValue, forKey: .muteKind)
        try c.encode(alert.mutedByIncidentID?.db, forKey: .mutedByIncidentID)
        try c.encode(alert.groupingReason, forKey: .groupingReason)
    }
}

struct ChangeJSON: Encodable {
    var change: ChangeRecord
    var serviceName: String?

    enum CodingKeys: String, CodingKey {
        case id, summary, source, details, links
        case serviceID = "service_id", serviceName = "service_name", occurredAt = "occurred_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(change.id.db, forKey: .id)
        try c.encode(change.serviceID.db, forKey: .serviceID)
        try c.encode(serviceName, forKey: .serviceName)
        try c.encode(change.summary, forKey: .summary)
        try c.encode(change.source, forKey: .source)
        try c.encode(change.occurredAt, forKey: .occurredAt)
        try c.encode(change.details, forKey: .details)
        try c.encode(change.links, forKey: .links)
    }
}

struct IncidentJSON: Encodable {
    var incident: Incident

    enum CodingKeys: String, CodingKey {
        case id, number, title, status, severity
        case serviceIDs = "service_ids", alertCount = "alert_count", detectionSource = "detection_source"
        case createdAt = "created_at", acknowledgedAt = "acknowledged_at", resolvedAt = "resolved_at", updatedAt = "updated_at"
        case acknowledgedBy = "acknowledged_by", resolvedBy = "resolved_by"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(incident.id.db, forKey: .id)
        try c.encode(incident.number, forKey: .number)
        try c.encode(incident.title, forKey: .title)
        try c.encode(incident.status.rawValue, forKey: .status)
        try c.encode(incident.severity.rawValue, forKey: .severity)
        try c.encode(incident.serviceIDs.map(\.db), forKey: .serviceIDs)
        try c.encode(incident.alertCount, forKey: .alertCount)
        try c.encode(incident.detectionSource.rawValue, forKey: .detectionSource)
        try c.encode(incident.createdAt, forKey: .createdAt)
        try c.encode(incident.acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(incident.resolvedAt, forKey: .resolvedAt)
        try c.encode(incident.acknowledgedBy?.db, forKey: .acknowledgedBy)
        try c.encode(incident.resolvedBy?.db, forKey: .resolvedBy)
        try c.encode(incident.updatedAt, forKey: .updatedAt)
    }
}

/// One entry of `GET /api/v1/incidents/{id}/timeline`.
struct IncidentEventJSON: Encodable {
    struct Author: Encodable {
        var type: String
        var id: String?
        var name: String

        /// `id` is always present: null for Tocsin itself.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
        }

        enum CodingKeys: String, CodingKey { case type, id, name }
    }

    var id: Int
    var kind: String
    var at: Date
    var author: Author
    var body: String
    var data: JSONValue

    init(event: IncidentEvent) {
        id = event.id
        kind = event.kind.rawValue
        at = event.at
        author = Author(type: event.actorType, id: event.actorID?.db, name: event.actorName ?? event.authorName)
        body = event.body
        data = .object(event.payload)
    }

}
