import Foundation

/// A thing the team runs and gets paged for. Alerts, escalation policies, status-page
/// components and incidents attach here.
public struct Service: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var description: String
    public var teamID: UUID?
    /// 1 is the most critical, 4 the least.
    public var tier: Int
    public var links: [ServiceLink]
    /// Services this one needs to work.
    public var dependsOn: [UUID]
    public var alertGrouping: AlertGrouping = .perAlert
    /// nil: off.
    public var flapDetection: FlapDetection? = .standard
    /// Incident severity for an event severity, chosen by the service; the rest follow `SeverityMatrix.standard` and the tier.
    public var severityOverrides: [AlertSeverity: IncidentSeverity] = [:]
    /// Whether a person's report is muted, like a machine's alert, while a dependency has an open incident.
    /// Off by default: someone who took the trouble to report should be heard.
    public var inhibitReports = false
    /// Who is paged when an incident on this service opens; nil pages nobody (the incident still shows on the board).
    public var escalationPolicyID: UUID?
    /// Which urgency its incidents get (and so which notification rules page them).
    public var urgencyRule: UrgencyRule = .high
    /// When set, low-urgency incidents opened outside these hours wait for them before anyone is paged.
    public var workingHours: WorkingHours?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, description: String, teamID: UUID?, tier: Int,
                links: [ServiceLink], dependsOn: [UUID], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.teamID = teamID
        self.tier = tier
        self.links = links
        self.dependsOn = dependsOn
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let tiers = 1...4
    public static let defaultTier = 3
}

public struct ServiceLink: Sendable, Equatable, Codable {
    public var title: String
    public var url: String

    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}

/// A value that a change may set, clear, or leave alone.
public enum FieldChange<Value: Sendable & Equatable>: Sendable, Equatable {
    case keep
    case set(Value)
}

/// Input for creating a service or changing one; `.keep` fields stay as they are on change.
public struct ServiceInput: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var teamID: FieldChange<UUID?>
    public var tier: Int?
    public var links: [ServiceLink]?
    public var dependsOn: [UUID]?
    public var alertGrouping: AlertGrouping?
    public var flapDetection: FieldChange<FlapDetection?> = .keep
    public var severityOverrides: [AlertSeverity: IncidentSeverity]?
    public var inhibitReports: Bool?
    public var escalationPolicyID: FieldChange<UUID?> = .keep
    public var urgencyRule: UrgencyRule?
    public var workingHours: FieldChange<WorkingHours?> = .keep

    public init(name: String? = nil, description: String? = nil, teamID: FieldChange<UUID?> = .keep,
                tier: Int? = nil, links: [ServiceLink]? = nil, dependsOn: [UUID]? = nil, alertGrouping: AlertGrouping? = nil) {
        self.alertGrouping = alertGrouping
        self.name = name
        self.description = description
        self.teamID = teamID
        self.tier = tier
        self.links = links
        self.dependsOn = dependsOn
    }

    /// Checks the fields that need no database and applies them to `service`.
    public func applied(to service: Service, now: Date) throws -> Service {
        var v = Validator()
        var s = service
        if let name {
            s.name = name.trimmed
            v.check(!s.name.isEmpty, "name", "must not be blank")
            v.check(s.name.count <= 200, "name", "must be at most 200 characters")
            v.checkPrintable(s.name, "name")
        }
        if let description {
            s.description = description.trimmed
            v.check(s.description.count <= 10_000, "description", "must be at most 10000 characters")
            v.checkPrintable(s.description, "description", multiline: true)
        }
        if case .set(let team) = teamID { s.teamID = team }
        if let tier {
            s.tier = tier
            v.check(Service.tiers.contains(tier), "tier", "must be 1, 2, 3 or 4 (1 is the most critical)")
        }
        if let links {
            v.check(links.count <= 50, "links", "must have at most 50 entries")
            s.links = links.enumerated().map { index, link in
                let title = link.title.trimmed
                let url = link.url.trimmed
                v.check(!title.isEmpty, "links[\(index)].title", "must not be blank")
                v.check(title.count <= 200, "links[\(index)].title", "must be at most 200 characters")
                v.checkPrintable(title, "links[\(index)].title")
                v.check(TextRules.isHTTPURL(url), "links[\(index)].url", "must be an http or https URL")
                return ServiceLink(title: title, url: url)
            }
        }
        if let dependsOn {
            s.dependsOn = dependsOn.uniqued()
            v.check(!s.dependsOn.contains(s.id), "depends_on", "a service cannot depend on itself")
            v.check(s.dependsOn.count <= 100, "depends_on", "must have at most 100 entries")
        }
        if let alertGrouping { s.alertGrouping = alertGrouping }
        if let severityOverrides { s.severityOverrides = severityOverrides }
        if let inhibitReports { s.inhibitReports = inhibitReports }
        if case .set(let policy) = escalationPolicyID { s.escalationPolicyID = policy }
        if let urgencyRule { s.urgencyRule = urgencyRule }
        if case .set(let hours) = workingHours {
            if let hours {
                v.check(TimeZone(identifier: hours.timeZone) != nil, "working_hours.time_zone", "must be an IANA time zone such as Europe/Berlin")
                v.check(!hours.days.isEmpty && hours.days.allSatisfy { (1...7).contains($0) } && Set(hours.days).count == hours.days.count,
                        "working_hours.days", "must name each day at most once, 1 (Monday) to 7 (Sunday)")
                v.check((0..<1440).contains(hours.start) && (1...1440).contains(hours.end) && hours.start < hours.end,
                        "working_hours.end", "must come after the start, on the same day (00:00–24:00)")
            }
            s.workingHours = hours
        }
        v.check(s.urgencyRule != .workingHours || s.workingHours != nil, "working_hours", "must be set when urgency_rule is working_hours")
        if case .set(let flaps) = flapDetection {
            do { try flaps?.validate() } catch DomainError.validation(let fields) { v.merge(fields) }
            s.flapDetection = flaps
        }
        try v.throwIfInvalid()
        s.updatedAt = now
        return s
    }

    public func created(id: UUID, now: Date) throws -> Service {
        let blank = Service(id: id, name: "", description: "", teamID: nil, tier: Service.defaultTier,
                            links: [], dependsOn: [], createdAt: now, updatedAt: now)
        var input = self
        input.name = name ?? ""
        return try input.applied(to: blank, now: now)
    }
}
