import Foundation
import Testing
@testable import TocsinCore

@Suite("Service rules")
struct ServiceRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("tier, links and self-dependency are checked together")
    func validation() {
        let id = UUID()
        let input = ServiceInput(name: "", tier: 7, links: [ServiceLink(title: "", url: "javascript:alert(1)")], dependsOn: [id])
        let blank = Service(id: id, name: "x", description: "", teamID: nil, tier: 3, links: [], dependsOn: [], createdAt: now, updatedAt: now)
        let error = #expect(throws: DomainError.self) { try input.applied(to: blank, now: now) }
        guard case .validation(let fields)? = error else { Issue.record("expected validation"); return }
        #expect(Set(fields.map(\.field)) == ["name", "tier", "links[0].title", "links[0].url", "depends_on"])
    }

    @Test("a new service defaults to tier 3 with no team")
    func defaults() throws {
        let service = try ServiceInput(name: " Checkout ").created(id: UUID(), now: now)
        #expect(service.name == "Checkout")
        #expect(service.tier == Service.defaultTier)
        #expect(service.teamID == nil)
    }

    @Test("keep leaves the team; set(nil) clears it")
    func teamChange() throws {
        let team = UUID()
        let service = Service(id: UUID(), name: "API", description: "", teamID: team, tier: 1, links: [], dependsOn: [], createdAt: now, updatedAt: now)
        #expect(try ServiceInput(tier: 2).applied(to: service, now: now).teamID == team)
        #expect(try ServiceInput(teamID: .set(nil)).applied(to: service, now: now).teamID == nil)
    }
}

@Suite("Dependency graph")
struct ServiceDependencyGraphTests {
    let a = UUID(), b = UUID(), c = UUID(), d = UUID()

    @Test("no cycle in a chain or a diamond")
    func acyclic() {
        let graph = ServiceDependencyGraph(edges: [a: [b, c], b: [d], c: [d]])
        #expect(graph.cycle(through: a) == nil)
        #expect(graph.cycle(through: d) == nil)
    }

    @Test("closing a loop is found, with its path")
    func cycle() {
        let graph = ServiceDependencyGraph(edges: [a: [b], b: [c]]).replacing(c, dependsOn: [a])
        #expect(graph.cycle(through: c) == [c, a, b, c])
    }

    @Test("a direct two-service loop is found")
    func twoNodes() {
        let graph = ServiceDependencyGraph(edges: [a: [b]]).replacing(b, dependsOn: [a])
        #expect(graph.cycle(through: b) == [b, a, b])
    }

    @Test("dependents are the services pointing at one")
    func dependents() {
        let graph = ServiceDependencyGraph(edges: [a: [d], b: [d], c: [a]])
        #expect(Set(graph.dependents(of: d)) == [a, b])
    }
}
