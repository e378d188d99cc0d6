import Foundation
import Synchronization

/// What ingestion read about each service, kept between batches for as long as the database's settings version
/// (the `ingest_settings` counter, bumped by triggers on every table the settings come from, whichever process
/// writes them) stays where it was. A batch reads the version with the incident counter it reads anyway, so a
/// storm costs no settings queries at all, and a change made anywhere is seen by the next batch that starts after
/// it commits.
final class IngestSettingsCache: Sendable {
    /// Services kept at once; past it the cache starts over (a storm touches few services).
    static let capacity = 10_000

    private struct Entry {
        /// Nil for a service that does not exist.
        var settings: IngestSettings?
        /// Silences that had ended before this instant were left out when the entry was read.
        var since: Date
    }

    private struct State {
        var version: Int64?
        var entries: [UUID: Entry] = [:]
    }

    private let state = Mutex(State())

    /// The settings of a service as of `version`, if kept and read with every silence that ends after `earliest`.
    func settings(of serviceID: UUID, version: Int64, earliest: Date) -> IngestSettings?? {
        state.withLock { state in
            guard state.version == version, let entry = state.entries[serviceID], entry.since <= earliest else { return nil }
            return .some(entry.settings)
        }
    }

    /// Keeps what a batch read at `version` (read inside the transaction that read the version, or later: on
    /// PostgreSQL a newer state may be kept under an older version, which only makes the next batch read again).
    func keep(_ settings: IngestSettings?, of serviceID: UUID, version: Int64, earliest: Date) {
        state.withLock { state in
            if state.version != version || state.entries.count >= Self.capacity { state = State(version: version) }
            state.entries[serviceID] = Entry(settings: settings, since: earliest)
        }
    }
}
