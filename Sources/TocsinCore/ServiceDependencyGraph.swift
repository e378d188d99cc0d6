import Foundation

/// The "depends on" relation between services, as plain data, for checks that must see all of it.
public struct ServiceDependencyGraph: Sendable {
    public private(set) var edges: [UUID: [UUID]]

    public init(edges: [UUID: [UUID]]) {
        self.edges = edges
    }

    /// The graph with `service`'s dependencies replaced by `dependsOn`.
    public func replacing(_ service: UUID, dependsOn: [UUID]) -> ServiceDependencyGraph {
        var copy = self
        copy.edges[service] = dependsOn
        return copy
    }

    /// A path that leads from `start` back to itself, if there is one: `[start, a, b, start]`.
    public func cycle(through start: UUID) -> [UUID]? {
        // Depth-first search that remembers the path, so the error can name it.
        var visited = Set<UUID>()
        var path: [UUID] = [start]
        func visit(_ node: UUID) -> Bool {
            for next in edges[node] ?? [] {
                if next == start {
                    path.append(next)
                    return true
                }
                if visited.insert(next).inserted {
                    path.append(next)
                    if visit(next) { return true }
                    path.removeLast()
                }
            }
            return false
        }
        return visit(start) ? path : nil
    }

    /// Services that depend on `service`, directly.
    public func dependents(of service: UUID) -> [UUID] {
        edges.filter { $0.value.contains(service) }.map(\.key)
    }
}
