import Foundation
import TocsinCore
import TocsinUseCases

extension IntegrationKeys {
    /// How to point a tool at this key: the snippet people paste, with the real URL and secret.
    static func example(_ type: IntegrationType, secret: String, publicURL: String) -> (title: String, text: String) {
        switch type {
        case .pagerduty:
            return ("Send a test event (PagerDuty Events API v2)", """
                curl -sS -X POST \(publicURL)/v2/enqueue -H 'Content-Type: application/json' -d '{
                  "routing_key": "\(secret)", "event_action": "trigger", "dedup_key": "test-1",
                  "payload": {"summary": "Test alert from curl", "source": "my-laptop", "severity": "error"}
                }'
                """)
        case .alertmanager:
            return ("Alertmanager (alertmanager.yml)", """
                receivers:
                  - name: tocsin
                    webhook_configs:
                      - url: \(publicURL)/integrations/alertmanager/\(secret)
                        send_resolved: true
                """)
        case .grafana:
            return ("Grafana contact point (Alerting → Contact points → Webhook)", """
                Integration: Webhook
                URL: \(publicURL)/integrations/grafana/\(secret)
                HTTP method: POST
                """)
        case .opsgenie:
            return ("Alertmanager's Opsgenie notifier (alertmanager.yml)", """
                receivers:
                  - name: tocsin
                    opsgenie_configs:
                      - api_key: \(secret)
                        api_url: \(publicURL)/
                """)
        case .generic:
            return ("Any tool that POSTs JSON", """
                curl -sS -X POST \(publicURL)/integrations/generic/\(secret) -H 'Content-Type: application/json' \\
                  -d '{"summary": "Disk almost full on db-1", "severity": "warning", "source": "cron"}'
                """)
        }
    }
}
