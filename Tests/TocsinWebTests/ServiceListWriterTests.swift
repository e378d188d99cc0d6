import Foundation
import Testing
import TocsinCore
@testable import TocsinWeb

/// The services list writes itself (`JSONWriter`) instead of going through `Encodable`: its bytes must be exactly what
/// the encoder writes for the same values, whatever the service holds.
@Suite("Service list writer")
struct ServiceListWriterTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func services() -> [Service] {
        var plain = Service(id: UUID(), name: "API", description: "", teamID: nil, tier: 3, links: [], dependsOn: [], createdAt: t0, updatedAt: t0)
        plain.flapDetection = nil
        var busy = Service(id: UUID(), name: "Payments \"core\" \\ ünïcode 🚨 </script>", description: "line one\nline\ttwo \u{1}",
                           teamID: UUID(), tier: 1,
                           links: [ServiceLink(title: "Runbook", url: "https://runbooks.example.com/a?b=c&d=e"),
                                   ServiceLink(title: "Dash \"board\"", url: "https://grafana.example.com/d/x/y")],
                           dependsOn: [UUID(), UUID(), UUID()], createdAt: t0, updatedAt: t0.addingTimeInterval(3_601.75))
        busy.alertGrouping = .sharedLabels(["cluster", "alertname", "ünï"])
        busy.flapDetection = FlapDetection(changes: 6, windowMinutes: 30)
        busy.severityOverrides = [.critical: .sev1, .warning: .sev3, .info: .sev4, .error: .sev2]
        busy.inhibitReports = true
        var windowed = Service(id: UUID(), name: "Batch", description: "nightly", teamID: UUID(), tier: 4, links: [], dependsOn: [],
                               createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 4_102_444_799))
        windowed.alertGrouping = .timeWindow(minutes: 15)
        return [plain, busy, windowed]
    }

    @Test("each service is written byte for byte as the encoder writes it")
    func servicesMatchEncoder() throws {
        for service in services() {
            let json = ServiceJSON(service: service)
            var writer = JSONWriter()
            json.write(into: &writer)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == (try JSONTextEncoder(dates: .iso8601).encode(json)))
        }
    }

    @Test("a page of services, with and without a next page, is written as the encoder writes it")
    func listMatchesEncoder() throws {
        let items = services()
        for page in [Page(items: items, total: 3, request: PageRequest(limit: 50, offset: 0)),
                     Page(items: Array(items.prefix(2)), total: 7, request: PageRequest(limit: 2, offset: 2)),
                     Page(items: [Service](), total: 0, request: PageRequest(limit: 10, offset: 0))] {
            let list = ListJSON(page) { ServiceJSON(service: $0) }
            var writer = JSONWriter()
            list.write(into: &writer)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == (try JSONTextEncoder(dates: .iso8601).encode(list)))
        }
    }
}
