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
        // Depth-first search with its own stack (a chain of thousands of services must not overflow the
        // thread's), remembering the path so the error can name it.
        var visited = Set<UUID>()
        var path: [UUID] = [start]
        var pending: [IndexingIterator<[UUID]>] = [(edges[start] ?? []).makeIterator()]
        while !pending.isEmpty {
            guard let next = pending[pending.count - 1].next() else {
                pending.removeLast()
                path.removeLast()
                continue
            }
            if next == start { return path + [next] }
            if visited.insert(next).inserted {
                path.append(next)
                pending.append((edges[next] ?? []).makeIterator())
            }
        }
        return nil
    }

    /// Services that depend on `service`, directly.
    public func dependents(of service: UUID) -> [UUID] {
        edges.filter { $0.value.contains(service) }.map(\.key)
    }
}
