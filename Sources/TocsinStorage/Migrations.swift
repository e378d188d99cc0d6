import Foundation

/// One numbered step of the schema. Released migrations are never edited; a change is a new one.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    let statements: @Sendable (SQLTypes) -> [String]
}

public enum Migrations {
    public static let all: [Migration] = [accounts, serviceCatalog, alerts, alertGrouping, noiseControl, integrationSettings, flapDetection, eventRules, severityOverrides, schedules, handoffs, responseVisibility, incidentEvents, ingestSettingsVersion, escalationPolicies, contactMethods, escalationEngine, triggeredAgain, notificationPurposes, contactAddresses, renderedMessages, verificationSends, urgency, pacing, testPageSends]

    public static var latestVersion: Int { all.last?.version ?? 0 }

    static let accounts = Migration(version: 1, name: "accounts") { t in
        [
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT,
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX users_email_key ON users (email)",
            """
            CREATE TABLE teams (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX teams_name_key ON teams (lower(name))",
            """
            CREATE TABLE team_members (
                team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                PRIMARY KEY (team_id, user_id)
            )
            """,
            "CREATE INDEX team_members_user ON team_members (user_id)",
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                hint TEXT NOT NULL,
                read_only \(t.bool) NOT NULL,
                created_at \(t.time) NOT NULL,
                last_used_at \(t.time)
            )
            """,
            "CREATE UNIQUE INDEX api_tokens_secret_key ON api_tokens (secret_hash)",
            "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
            """
            CREATE TABLE web_sessions (
                secret_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at \(t.time) NOT NULL,
                expires_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX web_sessions_user ON web_sessions (user_id)",
            """
            CREATE TABLE one_time_tokens (
                secret_hash TEXT PRIMARY KEY,
                purpose TEXT NOT NULL,
                user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
                created_at \(t.time) NOT NULL,
                expires_at \(t.time) NOT NULL
            )
            """,
        ]
    }

    static let serviceCatalog = Migration(version: 2, name: "service catalog") { t in
        [
            """
            CREATE TABLE services (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
                tier INTEGER NOT NULL,
                links TEXT NOT NULL DEFAULT '[]',
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX services_name_key ON services (lower(name))",
            "CREATE INDEX services_team ON services (team_id)",
            """
            CREATE TABLE service_dependencies (
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                depends_on_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                PRIMARY KEY (service_id, depends_on_id)
            )
            """,
            "CREATE INDEX service_dependencies_target ON service_dependencies (depends_on_id)",
        ]
    }

    static let alerts = Migration(version: 3, name: "alerts and incidents") { t in
        [
            """
            CREATE TABLE integration_keys (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                hint TEXT NOT NULL,
                rate_limit_per_minute INTEGER,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX integration_keys_secret_key ON integration_keys (secret_hash)",
            "CREATE INDEX integration_keys_service ON integration_keys (service_id)",
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value \(t.bigint) NOT NULL)",
            "INSERT INTO counters (name, value) VALUES ('incident_number', 0)",
            """
            CREATE TABLE incidents (
                id TEXT PRIMARY KEY,
                number \(t.bigint) NOT NULL,
                title TEXT NOT NULL,
                status TEXT NOT NULL,
                severity TEXT NOT NULL,
                detection_source TEXT NOT NULL,
                created_at \(t.time) NOT NULL,
                acknowledged_at \(t.time),
                resolved_at \(t.time),
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX incidents_number_key ON incidents (number)",
            "CREATE INDEX incidents_status ON incidents (status, created_at)",
            """
            CREATE TABLE incident_services (
                incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                PRIMARY KEY (incident_id, service_id)
            )
            """,
            "CREATE INDEX incident_services_service ON incident_services (service_id)",
            """
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                integration_key_id TEXT REFERENCES integration_keys (id) ON DELETE SET NULL,
                dedup_key TEXT NOT NULL,
                status TEXT NOT NULL,
                severity TEXT NOT NULL,
                summary TEXT NOT NULL,
                source TEXT NOT NULL,
                component TEXT,
                group_name TEXT,
                class TEXT,
                labels TEXT NOT NULL,
                details TEXT NOT NULL,
                links TEXT NOT NULL,
                images TEXT NOT NULL,
                client TEXT,
                client_url TEXT,
                detection_source TEXT NOT NULL,
                incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL,
                occurrences \(t.bigint) NOT NULL,
                first_seen_at \(t.time) NOT NULL,
                last_seen_at \(t.time) NOT NULL,
                acknowledged_at \(t.time),
                resolved_at \(t.time),
                muted_reason TEXT
            )
            """,
            // At most one open alert per service and key: the database itself enforces deduplication.
            "CREATE UNIQUE INDEX alerts_open_dedup ON alerts (service_id, dedup_key) WHERE status <> 'resolved'",
            "CREATE INDEX alerts_incident ON alerts (incident_id)",
            "CREATE INDEX alerts_service_seen ON alerts (service_id, last_seen_at)",
            """
            CREATE TABLE change_events (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                integration_key_id TEXT REFERENCES integration_keys (id) ON DELETE SET NULL,
                summary TEXT NOT NULL,
                source TEXT,
                occurred_at \(t.time) NOT NULL,
                details TEXT NOT NULL,
                links TEXT NOT NULL,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX change_events_service_time ON change_events (service_id, occurred_at)",
        ]
    }

    static let alertGrouping = Migration(version: 4, name: "alert grouping") { _ in
        [
            "ALTER TABLE services ADD COLUMN grouping_mode TEXT NOT NULL DEFAULT 'per_alert'",
            "ALTER TABLE services ADD COLUMN grouping_window_minutes INTEGER",
            "ALTER TABLE services ADD COLUMN grouping_labels TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE incidents ADD COLUMN group_key TEXT",
            "ALTER TABLE alerts ADD COLUMN grouping_reason TEXT",
            "CREATE INDEX incidents_open ON incidents (status, group_key)",
        ]
    }

    static let noiseControl = Migration(version: 5, name: "silences and maintenance windows") { t in
        [
            """
            CREATE TABLE silences (
                id TEXT PRIMARY KEY,
                service_id TEXT REFERENCES services (id) ON DELETE CASCADE,
                matchers TEXT NOT NULL,
                starts_at \(t.time) NOT NULL,
                ends_at \(t.time) NOT NULL,
                created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
                comment TEXT NOT NULL,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX silences_active ON silences (ends_at, starts_at)",
            """
            CREATE TABLE maintenance_windows (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                starts_at \(t.time),
                ends_at \(t.time),
                days TEXT NOT NULL DEFAULT '[]',
                start_minute INTEGER,
                end_minute INTEGER,
                time_zone TEXT,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX maintenance_windows_service ON maintenance_windows (service_id)",
        ]
    }

    static let integrationSettings = Migration(version: 6, name: "integration settings") { _ in
        ["ALTER TABLE integration_keys ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'"]
    }

    static let flapDetection = Migration(version: 7, name: "flap detection") { _ in
        [
            "ALTER TABLE services ADD COLUMN flap_changes INTEGER DEFAULT 4",
            "ALTER TABLE services ADD COLUMN flap_window_minutes INTEGER DEFAULT 15",
            "CREATE INDEX alerts_service_key ON alerts (service_id, dedup_key, first_seen_at)",
        ]
    }

    static let eventRules = Migration(version: 8, name: "event rules") { t in
        [
            """
            CREATE TABLE event_rules (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                conditions TEXT NOT NULL,
                action TEXT NOT NULL,
                severity TEXT,
                route_to TEXT REFERENCES services (id) ON DELETE CASCADE,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX event_rules_service ON event_rules (service_id, position)",
        ]
    }

    static let severityOverrides = Migration(version: 9, name: "severity overrides") { _ in
        ["ALTER TABLE services ADD COLUMN severity_overrides TEXT NOT NULL DEFAULT '{}'"]
    }

    static let schedules = Migration(version: 10, name: "on-call schedules") { t in
        [
            """
            CREATE TABLE schedules (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                time_zone TEXT NOT NULL,
                team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
                layers TEXT NOT NULL,
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX schedules_name_key ON schedules (lower(name))",
            "CREATE INDEX schedules_team ON schedules (team_id)",
            // Who is in a layer, kept beside the layers' JSON: a person on a rotation cannot be deleted unnoticed.
            """
            CREATE TABLE schedule_members (
                schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id),
                PRIMARY KEY (schedule_id, user_id)
            )
            """,
            "CREATE INDEX schedule_members_user ON schedule_members (user_id)",
            """
            CREATE TABLE schedule_overrides (
                id TEXT PRIMARY KEY,
                schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                replaces_user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
                starts_at \(t.time) NOT NULL,
                ends_at \(t.time) NOT NULL,
                created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX schedule_overrides_schedule ON schedule_overrides (schedule_id, ends_at)",
            "CREATE INDEX schedule_overrides_user ON schedule_overrides (user_id, ends_at)",
            "CREATE INDEX schedule_overrides_replaces ON schedule_overrides (replaces_user_id, ends_at)",
            "CREATE TABLE calendar_feeds (subject_id TEXT PRIMARY KEY, version INTEGER NOT NULL)",
            "CREATE TABLE instance_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]
    }

    static let handoffs = Migration(version: 11, name: "on-call hand-offs") { t in
        [
            """
            CREATE TABLE oncall_handoffs (
                schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                at \(t.time) NOT NULL,
                recorded_at \(t.time) NOT NULL,
                PRIMARY KEY (schedule_id, user_id, kind, at)
            )
            """,
            "CREATE INDEX oncall_handoffs_at ON oncall_handoffs (at)",
            "CREATE INDEX oncall_handoffs_user ON oncall_handoffs (user_id, at)",
            "CREATE TABLE job_cursors (name TEXT PRIMARY KEY, at \(t.time) NOT NULL)",
        ]
    }

    /// Who acknowledged and resolved, what muted an alert (and which incident, for inhibition), and whether
    /// people's reports follow inhibition: what the 3 AM view shows.
    static let responseVisibility = Migration(version: 12, name: "response visibility") { _ in
        [
            "ALTER TABLE incidents ADD COLUMN acknowledged_by TEXT REFERENCES users (id) ON DELETE SET NULL",
            "ALTER TABLE incidents ADD COLUMN resolved_by TEXT REFERENCES users (id) ON DELETE SET NULL",
            "ALTER TABLE alerts ADD COLUMN mute_kind TEXT",
            "ALTER TABLE alerts ADD COLUMN muted_by_incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL",
            """
            UPDATE alerts SET mute_kind = CASE
                WHEN muted_reason LIKE 'maintenance%' THEN 'maintenance' WHEN muted_reason LIKE 'silenced%' THEN 'silence'
                WHEN muted_reason LIKE 'inhibited%' THEN 'inhibited' ELSE 'flapping' END
            WHERE muted_reason IS NOT NULL
            """,
            "CREATE INDEX alerts_muted_by ON alerts (muted_by_incident_id)",
            "CREATE INDEX alerts_muted ON alerts (service_id, mute_kind, last_seen_at)",
            "ALTER TABLE services ADD COLUMN inhibit_reports INTEGER NOT NULL DEFAULT 0",
        ]
    }

    /// The incident event stream: one append-only row per thing that happened, in the order it happened. The kind
    /// is text and the rest a JSON payload, so a new kind needs no migration. Incidents that already exist get
    /// their opening, acknowledgement and resolution back from the times they recorded.
    static let incidentEvents = Migration(version: 13, name: "incident events") { t in
        let postgres = t.kind == .postgres
        // SQLite: a rowid alias, increasing while rows are only ever appended (AUTOINCREMENT would add a write per row).
        let id = postgres ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY"
        func object(_ pairs: String) -> String { postgres ? "json_build_object(\(pairs))::text" : "json_object(\(pairs))" }
        let firstKey = "(SELECT a.integration_key_id FROM alerts a WHERE a.incident_id = i.id ORDER BY a.first_seen_at LIMIT 1)"
        return [
            """
            CREATE TABLE incident_events (
                id \(id),
                incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                at \(t.time) NOT NULL,
                actor_type TEXT NOT NULL,
                actor_id TEXT,
                payload TEXT NOT NULL
            )
            """,
            "CREATE INDEX incident_events_incident ON incident_events (incident_id, at, id)",
            """
            INSERT INTO incident_events (incident_id, kind, at, actor_type, actor_id, payload)
            SELECT i.id, 'opened', i.created_at, CASE WHEN \(firstKey) IS NULL THEN 'system' ELSE 'integration' END, \(firstKey),
                \(object("'title', i.title, 'severity', i.severity, 'detection_source', i.detection_source, 'reconstructed', 'true'"))
            FROM incidents i ORDER BY i.created_at, i.number
            """,
            """
            INSERT INTO incident_events (incident_id, kind, at, actor_type, actor_id, payload)
            SELECT i.id, 'acknowledged', i.acknowledged_at, CASE WHEN i.acknowledged_by IS NULL THEN 'system' ELSE 'user' END, i.acknowledged_by,
                \(object("'reconstructed', 'true'"))
            FROM incidents i WHERE i.acknowledged_at IS NOT NULL ORDER BY i.acknowledged_at, i.number
            """,
            """
            INSERT INTO incident_events (incident_id, kind, at, actor_type, actor_id, payload)
            SELECT i.id, 'resolved', i.resolved_at, CASE WHEN i.resolved_by IS NULL THEN 'system' ELSE 'user' END, i.resolved_by,
                \(object("'reconstructed', 'true'"))
            FROM incidents i WHERE i.resolved_at IS NOT NULL ORDER BY i.resolved_at, i.number
            """,
        ]
    }

    /// The tables whose rows make up what ingestion reads about a service (`IngestSettings`).
    static let ingestSettingsTables = ["services", "silences", "maintenance_windows", "service_dependencies", "event_rules"]

    /// A version of what ingestion reads about services, bumped by the database itself whenever one of those tables
    /// changes, by whatever process changes it: ingestion keeps the settings it read and reads them again only when
    /// the version moves, instead of five queries per batch.
    static let ingestSettingsVersion = Migration(version: 14, name: "ingestion settings version") { t in
        let bump = "UPDATE counters SET value = value + 1 WHERE name = 'ingest_settings'"
        var statements = ["INSERT INTO counters (name, value) VALUES ('ingest_settings', 0)"]
        if t.kind == .postgres {
            statements.append("""
                CREATE FUNCTION tocsin_bump_ingest_settings() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN \(bump); RETURN NULL; END
                $$
                """)
            for table in ingestSettingsTables {
                statements.append("""
                    CREATE TRIGGER \(table)_bumps_ingest_settings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(table)
                    FOR EACH STATEMENT EXECUTE FUNCTION tocsin_bump_ingest_settings()
                    """)
            }
        } else {
            for table in ingestSettingsTables {
                for change in ["INSERT", "UPDATE", "DELETE"] {
                    statements.append("CREATE TRIGGER \(table)_\(change.lowercased())_bumps_ingest_settings AFTER \(change) ON \(table) BEGIN \(bump); END")
                }
            }
        }
        return statements
    }

    /// Escalation policies, owned by a team, attached to services. The levels are kept as JSON (read and written
    /// whole); the records they name are listed beside them so a person, schedule or team a policy pages cannot be
    /// deleted unnoticed.
    static let escalationPolicies = Migration(version: 15, name: "escalation policies") { t in
        [
            """
            CREATE TABLE escalation_policies (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                team_id TEXT NOT NULL REFERENCES teams (id),
                repeat_count INTEGER NOT NULL,
                levels TEXT NOT NULL,
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX escalation_policies_name_key ON escalation_policies (lower(name))",
            "CREATE INDEX escalation_policies_team ON escalation_policies (team_id)",
            """
            CREATE TABLE escalation_policy_targets (
                policy_id TEXT NOT NULL REFERENCES escalation_policies (id) ON DELETE CASCADE,
                target_type TEXT NOT NULL,
                target_id TEXT NOT NULL,
                PRIMARY KEY (policy_id, target_type, target_id)
            )
            """,
            "CREATE INDEX escalation_policy_targets_target ON escalation_policy_targets (target_id)",
            "ALTER TABLE services ADD COLUMN escalation_policy_id TEXT REFERENCES escalation_policies (id)",
            "CREATE INDEX services_escalation_policy ON services (escalation_policy_id)",
        ]
    }

    /// How each person is reached, and when. A method's verification code is kept only as a hash.
    static let contactMethods = Migration(version: 16, name: "contact methods and notification rules") { t in
        [
            """
            CREATE TABLE contact_methods (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                address TEXT NOT NULL,
                label TEXT NOT NULL DEFAULT '',
                verified_at \(t.time),
                code_hash TEXT,
                code_expires_at \(t.time),
                code_attempts INTEGER NOT NULL DEFAULT 0,
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX contact_methods_address_key ON contact_methods (user_id, kind, address)",
            """
            CREATE TABLE notification_rules (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                contact_method_id TEXT NOT NULL REFERENCES contact_methods (id) ON DELETE CASCADE,
                urgency TEXT NOT NULL,
                delay_minutes INTEGER NOT NULL,
                created_at \(t.time) NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX notification_rules_key ON notification_rules (contact_method_id, urgency, delay_minutes)",
            "CREATE INDEX notification_rules_user ON notification_rules (user_id, urgency, delay_minutes)",
        ]
    }

    /// Escalation timers and the notification outbox as data: a restart resumes them, several instances share them.
    /// Incidents opened before this migration do not start paging: the discovery cursor begins at the newest.
    static let escalationEngine = Migration(version: 17, name: "escalation engine and notification outbox") { t in
        [
            """
            CREATE TABLE incident_escalations (
                incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
                policy_id TEXT,
                policy TEXT NOT NULL,
                step INTEGER NOT NULL,
                due_at \(t.time),
                state TEXT NOT NULL,
                turn \(t.bigint) NOT NULL,
                started_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX incident_escalations_due ON incident_escalations (state, due_at)",
            """
            CREATE TABLE notifications (
                id TEXT PRIMARY KEY,
                incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
                user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
                contact_method_id TEXT REFERENCES contact_methods (id) ON DELETE SET NULL,
                channel TEXT NOT NULL,
                address TEXT NOT NULL,
                step INTEGER NOT NULL,
                dedupe_key TEXT NOT NULL,
                status TEXT NOT NULL,
                due_at \(t.time) NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                claim TEXT,
                claimed_until \(t.time),
                provider_message_id TEXT,
                last_error TEXT,
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL,
                sent_at \(t.time)
            )
            """,
            "CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (dedupe_key)",
            "CREATE INDEX notifications_queue ON notifications (channel, status, due_at)",
            "CREATE INDEX notifications_incident ON notifications (incident_id, created_at)",
            "INSERT INTO counters (name, value) SELECT 'escalation_discovery', COALESCE(MAX(number), 0) FROM incidents",
            // A webhook's signing key must be read back to sign with, so it is kept as it is (not hashed).
            "ALTER TABLE contact_methods ADD COLUMN signing_secret TEXT",
        ]
    }

    /// Only the events that trigger an incident again, which the escalation engine looks for each pass; ingestion's
    /// other events skip it, so it costs a storm nothing.
    static let triggeredAgain = Migration(version: 18, name: "incidents triggered again") { _ in
        ["CREATE INDEX incident_events_triggered_again ON incident_events (at) WHERE kind IN ('retriggered', 'reopened')"]
    }

    /// Messages that are not pages: a notice to those already paged that someone took the incident (sent whatever
    /// the incident's status), and later others.
    static let notificationPurposes = Migration(version: 19, name: "notification purposes") { _ in
        [
            "ALTER TABLE notifications ADD COLUMN purpose TEXT NOT NULL DEFAULT 'page'",
            "ALTER TABLE notifications ADD COLUMN detail TEXT",
        ]
    }

    /// Who an SMS reply or a Slack button press comes from: found by the address alone.
    static let contactAddresses = Migration(version: 20, name: "contact methods by address") { _ in
        ["CREATE INDEX contact_methods_by_address ON contact_methods (kind, address)"]
    }

    /// Which state of its incident a sent chat message shows, so it is rewritten when the incident moves on.
    static let renderedMessages = Migration(version: 21, name: "rendered chat messages") { t in
        ["ALTER TABLE notifications ADD COLUMN rendered_at \(t.time)"]
    }

    /// Every verification code sent in the last day, so the hourly limits per person and per address hold across
    /// methods deleted and added again.
    static let verificationSends = Migration(version: 22, name: "verification code sends") { t in
        [
            """
            CREATE TABLE verification_sends (
                user_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                address TEXT NOT NULL,
                at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX verification_sends_user ON verification_sends (user_id, at)",
            "CREATE INDEX verification_sends_address ON verification_sends (kind, address, at)",
            "CREATE INDEX verification_sends_at ON verification_sends (at)",
        ]
    }

    /// Each service's urgency rule and working hours; each escalation's urgency (which rules page it).
    static let urgency = Migration(version: 23, name: "urgency and working hours") { _ in
        [
            "ALTER TABLE services ADD COLUMN urgency_rule TEXT NOT NULL DEFAULT 'high'",
            "ALTER TABLE services ADD COLUMN working_hours TEXT",
            "ALTER TABLE incident_escalations ADD COLUMN urgency TEXT NOT NULL DEFAULT 'high'",
        ]
    }

    /// Pacing (a message held past its rule's time says why; one sent inside another's message names it) and
    /// delivery reports (when the provider says the message reached the phone).
    static let pacing = Migration(version: 24, name: "pacing and delivery reports") { t in
        [
            "ALTER TABLE notifications ADD COLUMN hold_reason TEXT",
            "ALTER TABLE notifications ADD COLUMN bundle_id TEXT",
            "ALTER TABLE notifications ADD COLUMN delivered_at \(t.time)",
            "CREATE INDEX notifications_by_method ON notifications (contact_method_id, status, due_at)",
            "CREATE INDEX notifications_sent_by_method ON notifications (contact_method_id, sent_at)",
            "CREATE INDEX notifications_by_provider_id ON notifications (provider_message_id)",
        ]
    }

    /// Every test page of the last hour, so its limits hold across restarts and instances.
    static let testPageSends = Migration(version: 25, name: "test page sends") { t in
        [
            """
            CREATE TABLE test_page_sends (
                user_id TEXT NOT NULL,
                contact_method_id TEXT NOT NULL,
                at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX test_page_sends_user ON test_page_sends (user_id, at)",
            "CREATE INDEX test_page_sends_at ON test_page_sends (at)",
        ]
    }
}
