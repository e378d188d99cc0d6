import Crypto
import Foundation
import TocsinCore

/// Any JSON a tool can POST, read through JSON Pointers chosen per integration.
public struct GenericMapping: Sendable, Equatable, Codable {
    public var summary: String
    public var dedupKey: String?
    public var severity: String?
    public var status: String?
    public var source: String?
    /// Values of `status` that resolve or acknowledge; anything else triggers.
    public var resolvedValues: [String]
    public var acknowledgedValues: [String]
    /// Sender's severity words to Tocsin's (`critical`, `error`, `warning`, `info`); unmapped known words pass through.
    public var severityMap: [String: String]

    enum CodingKeys: String, CodingKey {
        case summary, severity, status, source
        case dedupKey = "dedup_key", resolvedValues = "resolved_values", acknowledgedValues = "acknowledged_values", severityMap = "severity_map"
    }

    public init(summary: String = "/summary", dedupKey: String? = "/dedup_key", severity: String? = "/severity", status: String? = "/status",
                source: String? = "/source", resolvedValues: [String] = ["resolved", "ok", "OK", "closed"],
                acknowledgedValues: [String] = ["acknowledged"], severityMap: [String: String] = [:]) {
        self.summary = summary
        self.dedupKey = dedupKey
        self.severity = severity
        self.status = status
        self.source = source
        self.resolvedValues = resolvedValues
        self.acknowledgedValues = acknowledgedValues
        self.severityMap = severityMap
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GenericMapping()
        summary = try c.decodeIfPresent(String.self, forKey: .summary) ?? defaults.summary
        dedupKey = try c.decodeIfPresent(String.self, forKey: .dedupKey) ?? defaults.dedupKey
        severity = try c.decodeIfPresent(String.self, forKey: .severity) ?? defaults.severity
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? defaults.status
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? defaults.source
        resolvedValues = try c.decodeIfPresent([String].self, forKey: .resolvedValues) ?? defaults.resolvedValues
        acknowledgedValues = try c.decodeIfPresent([String].self, forKey: .acknowledgedValues) ?? defaults.acknowledgedValues
        severityMap = try c.decodeIfPresent([String: String].self, forKey: .severityMap) ?? [:]
    }

    /// Pointers must start with "/" and mapped severities must be Tocsin's words.
    public func validate() throws {
        var v = Validator()
        for (field, pointer) in [("mapping.summary", summary), ("mapping.dedup_key", dedupKey), ("mapping.severity", severity),
                                 ("mapping.status", status), ("mapping.source", source)] {
            if let pointer { v.check(pointer.isEmpty || pointer.hasPrefix("/"), field, "must be a JSON Pointer such as /alert/title") }
        }
        for (word, target) in severityMap {
            v.check(AlertSeverity(rawValue: target) != nil, "mapping.severity_map.\(word)", "must be critical, error, warning or info")
        }
        try v.throwIfInvalid()
    }

    public func event(from data: Data) throws -> AlertEvent {
        guard let body = try? JSONValue.parse(data), body.objectValue != nil || body.arrayValue != nil else {
            throw DomainError.invalid("body", "is not a JSON object")
        }
        guard let summary = body.at(pointer: summary)?.scalarText?.nonBlank else {
            throw DomainError.invalid("body", "has no summary at \(summary.isEmpty ? "the root" : summary)")
        }
        let statusText = status.flatMap { body.at(pointer: $0)?.scalarText }
        let action: EventAction = statusText.map { resolvedValues.contains($0) ? .resolve : (acknowledgedValues.contains($0) ? .acknowledge : .trigger) } ?? .trigger
        let source = self.source.flatMap { body.at(pointer: $0)?.scalarText?.nonBlank } ?? "webhook"
        let severityWord = severity.flatMap { body.at(pointer: $0)?.scalarText }
        let mapped = severityWord.flatMap { severityMap[$0] ?? severityMap[$0.lowercased()] ?? $0.lowercased() }
        // Without a dedup key in the body, the summary and source name the problem.
        let dedup = dedupKey.flatMap { body.at(pointer: $0)?.scalarText?.nonBlank }
            ?? SHA256.hash(data: Data("\(source)\n\(summary)".utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return AlertEvent(action: action, dedupKey: String(dedup.prefix(255)), summary: String(summary.prefix(1024)), source: source,
                          severity: mapped.flatMap(AlertSeverity.init(rawValue:)) ?? .error, details: body, client: "Webhook")
    }
}
