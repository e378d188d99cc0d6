import Foundation
import TocsinCore
import TocsinIngest

struct IntegrationKeyJSON: Encodable {
    var id: String
    var serviceID: String
    var type: String
    var name: String
    var hint: String
    var rateLimitPerMinute: Int
    var createdAt: Date
    /// The secret; only in the answer that creates it.
    var key: String?
    /// Only on generic webhook keys: their field mapping (`null` when none is set). Other keys leave the field out:
    /// `Optional.none` is omitted, `.some(.null)` is written.
    var mapping: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, type, name, hint, key, mapping
        case serviceID = "service_id", rateLimitPerMinute = "rate_limit_per_minute", createdAt = "created_at"
    }

    init(key: IntegrationKey, secret: String? = nil) {
        (id, serviceID, type, name, hint) = (key.id.db, key.serviceID.db, key.type.rawValue, key.name, key.hint)
        rateLimitPerMinute = key.rateLimitPerMinute ?? IntegrationKey.defaultRateLimitPerMinute
        createdAt = key.createdAt
        self.key = secret
        // Spelled `.none`: a bare `nil` here would become `JSONValue.null` (it is ExpressibleByNilLiteral) and be written.
        mapping = key.type == .generic ? .some(key.settings["mapping"] ?? .null) : .none
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
    var id: String
    var serviceID: String
    var dedupKey: String
    var status: String
    var severity: String
    var summary: String
    var source: String
    @Nullable var component: String?
    @Nullable var group: String?
    @Nullable var eventClass: String?
    var labels: [String: String]
    var details: JSONValue
    var links: [AlertLink]
    var images: [AlertImage]
    @Nullable var client: String?
    @Nullable var clientURL: String?
    var detectionSource: String
    @Nullable var incidentID: String?
    var occurrences: Int
    var firstSeenAt: Date
    var lastSeenAt: Date
    @Nullable var acknowledgedAt: Date?
    @Nullable var resolvedAt: Date?
    @Nullable var mutedReason: String?
    @Nullable var muteKind: String?
    @Nullable var mutedByIncidentID: String?
    @Nullable var groupingReason: String?

    enum CodingKeys: String, CodingKey {
        case id, status, severity, summary, source, component, group, labels, details, links, images, client, occurrences
        case serviceID = "service_id", dedupKey = "dedup_key", eventClass = "class", clientURL = "client_url"
        case detectionSource = "detection_source", incidentID = "incident_id", firstSeenAt = "first_seen_at"
        case lastSeenAt = "last_seen_at", acknowledgedAt = "acknowledged_at", resolvedAt = "resolved_at", mutedReason = "muted_reason"
        case groupingReason = "grouping_reason", muteKind = "mute_kind", mutedByIncidentID = "muted_by_incident_id"
    }

    init(alert: Alert) {
        let c = alert.content
        (id, serviceID, dedupKey, status, severity) = (alert.id.db, alert.serviceID.db, c.dedupKey, alert.status.rawValue, c.severity.rawValue)
        (summary, source, component, group, eventClass) = (c.summary, c.source, c.component, c.group, c.eventClass)
        (labels, details, links, images, client, clientURL) = (c.labels, c.details, c.links, c.images, c.client, c.clientURL)
        (detectionSource, incidentID, occurrences) = (c.detectionSource.rawValue, alert.incidentID?.db, alert.occurrences)
        (firstSeenAt, lastSeenAt, acknowledgedAt, resolvedAt) = (alert.firstSeenAt, alert.lastSeenAt, alert.acknowledgedAt, alert.resolvedAt)
        (mutedReason, muteKind, mutedByIncidentID) = (alert.mutedReason, alert.muteKind?.rawValue, alert.mutedByIncidentID?.db)
        groupingReason = alert.groupingReason
    }
}

struct ChangeJSON: Encodable {
    var id: String
    var serviceID: String
    @Nullable var serviceName: String?
    var summary: String
    @Nullable var source: String?
    var occurredAt: Date
    var details: JSONValue
    var links: [AlertLink]

    enum CodingKeys: String, CodingKey {
        case id, summary, source, details, links
        case serviceID = "service_id", serviceName = "service_name", occurredAt = "occurred_at"
    }

    init(change: ChangeRecord, serviceName: String?) {
        (id, serviceID, self.serviceName, summary, source) = (change.id.db, change.serviceID.db, serviceName, change.summary, change.source)
        (occurredAt, details, links) = (change.occurredAt, change.details, change.links)
    }
}

struct IncidentJSON: Encodable {
    var id: String
    var number: Int
    var title: String
    var status: String
    var severity: String
    var serviceIDs: [String]
    var alertCount: Int
    var detectionSource: String
    var createdAt: Date
    @Nullable var acknowledgedAt: Date?
    @Nullable var resolvedAt: Date?
    @Nullable var acknowledgedBy: String?
    @Nullable var resolvedBy: String?
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, number, title, status, severity
        case serviceIDs = "service_ids", alertCount = "alert_count", detectionSource = "detection_source"
        case createdAt = "created_at", acknowledgedAt = "acknowledged_at", resolvedAt = "resolved_at", updatedAt = "updated_at"
        case acknowledgedBy = "acknowledged_by", resolvedBy = "resolved_by"
    }

    init(incident: Incident) {
        (id, number, title, status, severity) = (incident.id.db, incident.number, incident.title, incident.status.rawValue, incident.severity.rawValue)
        (serviceIDs, alertCount, detectionSource) = (incident.serviceIDs.map(\.db), incident.alertCount, incident.detectionSource.rawValue)
        (createdAt, acknowledgedAt, resolvedAt, updatedAt) = (incident.createdAt, incident.acknowledgedAt, incident.resolvedAt, incident.updatedAt)
        (acknowledgedBy, resolvedBy) = (incident.acknowledgedBy?.db, incident.resolvedBy?.db)
    }
}

/// One entry of `GET /api/v1/incidents/{id}/timeline`.
struct IncidentEventJSON: Encodable {
    struct Author: Encodable {
        var type: String
        /// Always present: null for Tocsin itself.
        @Nullable var id: String?
        var name: String
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
