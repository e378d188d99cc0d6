import Foundation
import TocsinCore
import TocsinIngest

/// Issuing an integration key, for the API and the service page alike: checked, stored as a hash, and the
/// secret returned once.
public enum IntegrationKeys {
    public static func issue(store: any TocsinStore, serviceID: UUID, type typeText: String, name: String?, rateLimitPerMinute: Int?,
                      mapping: GenericMapping?, now: Date) async throws -> (key: IntegrationKey, secret: String) {
        var v = Validator()
        let type = IntegrationType(rawValue: typeText)
        if type == nil { v.add("type", "must be one of \(IntegrationType.allCases.map(\.rawValue).joined(separator: ", "))") }
        if let limit = rateLimitPerMinute { v.check((1...1_000_000).contains(limit), "rate_limit_per_minute", "must be from 1 to 1000000") }
        let name = (name?.nonBlank ?? typeText).trimmed
        v.check(name.count <= 100, "name", "must be at most 100 characters")
        v.checkPrintable(name, "name")
        if mapping != nil && type != .generic { v.add("mapping", "only a generic integration takes a mapping") }
        try v.throwIfInvalid()
        guard let type else { throw DomainError.invalid("type", "is required") }
        let secret = Secrets.integrationKey()
        var key = IntegrationKey(id: UUID(), serviceID: serviceID, type: type, name: name, hint: String(secret.prefix(6)),
                                 rateLimitPerMinute: rateLimitPerMinute, createdAt: now)
        if type == .generic {
            let mapping = mapping ?? GenericMapping()
            try mapping.validate()
            key.settings = ["mapping": try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(mapping))]
        }
        try await store.createIntegrationKey(key, secretHash: Secrets.hash(secret))
        return (key, secret)
    }
}
