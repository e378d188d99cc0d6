import Foundation

/// How bad an incident is for the business: SEV1 is the worst.
public enum IncidentSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case sev1 = "SEV1", sev2 = "SEV2", sev3 = "SEV3", sev4 = "SEV4"

    private var rank: Int {
        switch self {
        case .sev1: return 4
        case .sev2: return 3
        case .sev3: return 2
        case .sev4: return 1
        }
    }

    /// More severe compares greater.
    public static func < (lhs: IncidentSeverity, rhs: IncidentSeverity) -> Bool { lhs.rank < rhs.rank }
}

public enum IncidentStatus: String, Sendable, Codable, CaseIterable {
    case triggered, acknowledged, resolved
}

public struct Incident: Sendable, Equatable, Identifiable {
    public var id: UUID
    /// Human-friendly, increasing: "#42".
    public var number: Int
    public var title: String
    public var status: IncidentStatus
    public var severity: IncidentSeverity
    public var serviceIDs: [UUID]
    public var alertCount: Int
    public var detectionSource: DetectionSource
    public var createdAt: Date
    public var acknowledgedAt: Date?
    public var resolvedAt: Date?
    public var updatedAt: Date
    /// The person who acknowledged or resolved it; nil when its alerts did, or before this was recorded.
    public var acknowledgedBy: UUID?
    public var resolvedBy: UUID?

    public init(id: UUID, number: Int, title: String, status: IncidentStatus, severity: IncidentSeverity, serviceIDs: [UUID],
                alertCount: Int, detectionSource: DetectionSource, createdAt: Date, acknowledgedAt: Date?, resolvedAt: Date?, updatedAt: Date,
                acknowledgedBy: UUID? = nil, resolvedBy: UUID? = nil) {
        self.acknowledgedBy = acknowledgedBy
        self.resolvedBy = resolvedBy
        self.id = id
        self.number = number
        self.title = title
        self.status = status
        self.severity = severity
        self.serviceIDs = serviceIDs
        self.alertCount = alertCount
        self.detectionSource = detectionSource
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
        self.resolvedAt = resolvedAt
        self.updatedAt = updatedAt
    }
}

/// Event severity × service tier → incident severity. The default: `critical` on a tier-1 service is SEV1;
/// each step down in event severity or service tier lowers the incident about one level.
public struct SeverityMatrix: Sendable, Equatable {
    public var table: [AlertSeverity: [IncidentSeverity]]

    public init(table: [AlertSeverity: [IncidentSeverity]]) {
        self.table = table
    }

    public static let standard = SeverityMatrix(table: [
        .critical: [.sev1, .sev2, .sev2, .sev3],
        .error: [.sev2, .sev2, .sev3, .sev3],
        .warning: [.sev3, .sev3, .sev4, .sev4],
        .info: [.sev4, .sev4, .sev4, .sev4],
    ])

    /// A service's own choice wins over the table.
    public func severity(for alert: AlertSeverity, tier: Int, overrides: [AlertSeverity: IncidentSeverity]) -> IncidentSeverity {
        overrides[alert] ?? severity(for: alert, tier: tier)
    }

    public func severity(for alert: AlertSeverity, tier: Int) -> IncidentSeverity {
        let row = table[alert] ?? SeverityMatrix.standard.table[alert]!
        return row[min(max(tier, 1), 4) - 1]
    }
}
