import Foundation
import TocsinCore
import TocsinUseCases

/// Admits an event by its integration key: the key must exist, speak this format, and be within its rate.
/// Each endpoint turns a refusal into its own sender's wording.
struct IntegrationGate {
    let env: WebEnvironment

    enum Admission {
        case admitted(IntegrationKey)
        case unknownKey
        case throttled
    }

    func admit(secret: String, type: IntegrationType) async throws -> Admission {
        guard !secret.isEmpty, let key = try await env.store.integrationKey(secretHash: Secrets.hash(secret)), key.type == type else {
            return .unknownKey
        }
        let limit = key.rateLimitPerMinute ?? IntegrationKey.defaultRateLimitPerMinute
        guard env.eventRateLimiter.allow(key: key.id, limit: limit, now: env.now()) else { return .throttled }
        return .admitted(key)
    }
}
