import Foundation
import TocsinCore

/// Making a silence, written once for the API and the page: checked whole, then stored.
public enum Silences {
    public static func create(in store: any TocsinStore, serviceID: UUID?, matchers: [AlertMatcher], startsAt: Date, endsAt: Date,
                       by person: UUID, comment: String, now: Date) async throws -> Silence {
        let silence = Silence(id: UUID(), serviceID: serviceID, matchers: matchers, startsAt: startsAt, endsAt: endsAt,
                              createdBy: person, comment: comment.trimmed, createdAt: now)
        try silence.validate()
        try await store.createSilence(silence)
        return silence
    }
}
