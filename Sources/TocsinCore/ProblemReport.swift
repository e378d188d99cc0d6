import Foundation

/// A problem reported by a person rather than a machine: a customer (usually through support) or someone inside.
public struct ProblemReport: Sendable, Equatable {
    public var summary: String
    public var details: String
    public var reporter: String
    public var source: DetectionSource
    public var severity: AlertSeverity

    public init(summary: String, details: String = "", reporter: String, source: DetectionSource, severity: AlertSeverity = .error) {
        self.summary = summary
        self.details = details
        self.reporter = reporter
        self.source = source
        self.severity = severity
    }

    /// Parses and checks a report from text fields, naming every bad one.
    public static func parse(summary: String, details: String?, reporter: String?, source: String?, severity: String?,
                             defaultReporter: String) throws -> ProblemReport {
        var v = Validator()
        let summary = summary.trimmed
        v.check(!summary.isEmpty, "summary", "must not be blank")
        v.check(summary.count <= 1024, "summary", "must be at most 1024 characters")
        v.checkPrintable(summary, "summary")
        let details = (details ?? "").trimmed
        v.check(details.count <= 10_000, "details", "must be at most 10000 characters")
        v.checkPrintable(details, "details", multiline: true)
        let reporter = reporter?.nonBlank ?? defaultReporter
        v.check(reporter.count <= 200, "reporter", "must be at most 200 characters")
        v.checkPrintable(reporter, "reporter")
        var parsedSource = DetectionSource.customer
        if let source = source?.nonBlank {
            if let parsed = DetectionSource(rawValue: source), parsed != .monitoring { parsedSource = parsed } else {
                v.add("source", "must be customer or internal")
            }
        }
        var parsedSeverity = AlertSeverity.error
        if let severity = severity?.nonBlank {
            if let parsed = AlertSeverity(rawValue: severity) { parsedSeverity = parsed } else {
                v.add("severity", "must be one of critical, error, warning, info")
            }
        }
        try v.throwIfInvalid()
        return ProblemReport(summary: summary, details: details, reporter: reporter, source: parsedSource, severity: parsedSeverity)
    }

    /// Each report is its own alert: two customers describing one outage are two signals until grouped.
    public func event(id: UUID) -> AlertEvent {
        AlertEvent(action: .trigger, dedupKey: "report-\(id.uuidString.lowercased())", summary: summary, source: reporter, severity: severity,
                   details: details.isEmpty ? .null : ["report": .string(details)], client: "Tocsin report", detectionSource: source)
    }
}
