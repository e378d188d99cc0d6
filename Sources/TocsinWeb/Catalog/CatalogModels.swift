import Foundation
import TocsinCore

struct TeamJSON: Encodable {
    var id: String
    var name: String
    var description: String
    var memberIDs: [String]
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case memberIDs = "member_ids", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ team: Team) {
        id = team.id.db
        name = team.name
        description = team.description
        memberIDs = team.memberIDs.map(\.db)
        createdAt = team.createdAt
        updatedAt = team.updatedAt
    }
}

struct TeamInputJSON: Decodable {
    var name: String?
    var description: String?
    var memberIDs: [UUID]?

    enum CodingKeys: String, CodingKey {
        case name, description
        case memberIDs = "member_ids"
    }

    var input: TeamInput { TeamInput(name: name, description: description, memberIDs: memberIDs) }
}

struct ServiceJSON: Encodable {
    var id: String
    var name: String
    var description: String
    /// Null when the service has no team.
    @Nullable var teamID: String?
    var tier: Int
    var links: [ServiceLink]
    var dependsOn: [String]
    var alertGrouping: AlertGroupingJSON
    @Nullable var flapDetection: FlapDetection?
    var severityOverrides: [String: String]
    var inhibitReports: Bool
    /// Null when nobody is paged for the service's incidents.
    @Nullable var escalationPolicyID: String?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, tier, links
        case teamID = "team_id", dependsOn = "depends_on", createdAt = "created_at", updatedAt = "updated_at"
        case alertGrouping = "alert_grouping", flapDetection = "flap_detection", severityOverrides = "severity_overrides"
        case inhibitReports = "inhibit_reports", escalationPolicyID = "escalation_policy_id"
    }

    init(service: Service) {
        (id, name, description, teamID, tier) = (service.id.db, service.name, service.description, service.teamID?.db, service.tier)
        (links, dependsOn, alertGrouping) = (service.links, service.dependsOn.map(\.db), AlertGroupingJSON(service.alertGrouping))
        flapDetection = service.flapDetection
        severityOverrides = Dictionary(uniqueKeysWithValues: service.severityOverrides.map { ($0.key.rawValue, $0.value.rawValue) })
        (inhibitReports, createdAt, updatedAt) = (service.inhibitReports, service.createdAt, service.updatedAt)
        escalationPolicyID = service.escalationPolicyID?.db
    }
}

/// The services list is the catalog's hot read: each service writes itself, keys in the order `JSONTextEncoder` sorts them.
extension ServiceJSON: JSONWritable {
    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("alert_grouping")
        alertGrouping.write(into: &w)
        w.key("created_at"); w.date(createdAt)
        w.key("depends_on"); w.strings(dependsOn)
        w.key("description"); w.string(description)
        w.key("escalation_policy_id"); w.string(escalationPolicyID)
        w.key("flap_detection")
        if let flaps = flapDetection {
            w.beginObject()
            w.key("changes"); w.integer(flaps.changes)
            w.key("window_minutes"); w.integer(flaps.windowMinutes)
            w.endObject()
        } else {
            w.null()
        }
        w.key("id"); w.string(id)
        w.key("inhibit_reports"); w.bool(inhibitReports)
        w.key("links")
        w.beginArray()
        for link in links {
            w.element()
            w.beginObject()
            w.key("title"); w.string(link.title)
            w.key("url"); w.string(link.url)
            w.endObject()
        }
        w.endArray()
        w.key("name"); w.string(name)
        w.key("severity_overrides")
        w.beginObject()
        for (key, value) in severityOverrides.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            w.key(text: key); w.string(value)
        }
        w.endObject()
        w.key("team_id"); w.string(teamID)
        w.key("tier"); w.integer(tier)
        w.key("updated_at"); w.date(updatedAt)
        w.endObject()
    }
}

/// Create and change share one shape; on change, absent fields stay as they are and `team_id: null` clears the team.
struct ServiceInputJSON: Decodable {
    var input: ServiceInput

    enum CodingKeys: String, CodingKey {
        case name, description, tier, links
        case teamID = "team_id", dependsOn = "depends_on", alertGrouping = "alert_grouping", flapDetection = "flap_detection"
        case severityOverrides = "severity_overrides", inhibitReports = "inhibit_reports", escalationPolicyID = "escalation_policy_id"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let grouping = try c.decodeIfPresent(AlertGroupingInputJSON.self, forKey: .alertGrouping)
        input = ServiceInput(
            name: try c.decodeIfPresent(String.self, forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            teamID: c.contains(.teamID) ? .set(try c.decode(UUID?.self, forKey: .teamID)) : .keep,
            tier: try c.decodeIfPresent(Int.self, forKey: .tier),
            links: try c.decodeIfPresent([ServiceLink].self, forKey: .links),
            dependsOn: try c.decodeIfPresent([UUID].self, forKey: .dependsOn),
            alertGrouping: try grouping.map { try AlertGrouping.parse(mode: $0.mode, windowMinutes: $0.windowMinutes, labels: $0.labels) }
        )
        input.inhibitReports = try c.decodeIfPresent(Bool.self, forKey: .inhibitReports)
        if c.contains(.escalationPolicyID) { input.escalationPolicyID = .set(try c.decode(UUID?.self, forKey: .escalationPolicyID)) }
        if c.contains(.flapDetection) { input.flapDetection = .set(try c.decode(FlapDetection?.self, forKey: .flapDetection)) }
        if let overrides = try c.decodeIfPresent([String: String].self, forKey: .severityOverrides) {
            var v = Validator()
            var parsed: [AlertSeverity: IncidentSeverity] = [:]
            for (key, value) in overrides {
                guard let alert = AlertSeverity(rawValue: key) else {
                    v.add("severity_overrides.\(key)", "is not an event severity (critical, error, warning, info)")
                    continue
                }
                guard let incident = IncidentSeverity(rawValue: value.uppercased()) else {
                    v.add("severity_overrides.\(key)", "must be SEV1, SEV2, SEV3 or SEV4")
                    continue
                }
                parsed[alert] = incident
            }
            try v.throwIfInvalid()
            input.severityOverrides = parsed
        }
    }
}

/// `{"mode": "per_alert" | "time_window" | "labels", "window_minutes": N, "labels": [...]}`
struct AlertGroupingJSON: Encodable, JSONWritable {
    var mode: String
    @Nullable var windowMinutes: Int?
    var labels: [String] = []

    enum CodingKeys: String, CodingKey {
        case mode, labels
        case windowMinutes = "window_minutes"
    }

    init(_ grouping: AlertGrouping) {
        mode = grouping.mode
        switch grouping {
        case .perAlert: break
        case .timeWindow(let minutes): windowMinutes = minutes
        case .sharedLabels(let names): labels = names
        }
    }

    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("labels"); w.strings(labels)
        w.key("mode"); w.string(mode)
        w.key("window_minutes")
        if let minutes = windowMinutes { w.integer(minutes) } else { w.null() }
        w.endObject()
    }
}

/// The grouping a create or change asks for; what is missing is checked by `AlertGrouping.parse`.
struct AlertGroupingInputJSON: Decodable {
    var mode: String
    var windowMinutes: Int?
    var labels: [String]?

    enum CodingKeys: String, CodingKey {
        case mode, labels
        case windowMinutes = "window_minutes"
    }
}
