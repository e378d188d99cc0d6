/// Which slice of a list the caller wants.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 200
    /// Far beyond any real list; keeps arithmetic on offsets safe.
    public static let maximumOffset = 1_000_000

    public var limit: Int
    public var offset: Int

    public init(limit: Int = PageRequest.defaultLimit, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }

    /// Reads `limit` and `offset` from text, reporting each bad value.
    public static func parse(limit: String?, offset: String?) throws -> PageRequest {
        var v = Validator()
        var page = PageRequest()
        if let limit {
            if let n = Int(limit), (1...maximumLimit).contains(n) { page.limit = n } else {
                v.add("limit", "must be a whole number from 1 to \(maximumLimit)")
            }
        }
        if let offset {
            if let n = Int(offset), (0...maximumOffset).contains(n) { page.offset = n } else {
                v.add("offset", "must be a whole number from 0 to \(maximumOffset)")
            }
        }
        try v.throwIfInvalid()
        return page
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    public var nextOffset: Int? {
        let next = request.offset + items.count
        return next < total && !items.isEmpty ? next : nil
    }
}

extension Page {
    /// Every item, fetched a page at a time (the largest page the store allows). Pages are separate reads, so
    /// a row that moves between them while others change can come twice: it is kept once, by id.
    public static func all(_ fetch: (PageRequest) async throws -> Page<Item>) async throws -> [Item] where Item: Identifiable {
        var all: [Item] = []
        var seen = Set<Item.ID>()
        var request = PageRequest(limit: PageRequest.maximumLimit)
        while true {
            let batch = try await fetch(request)
            for item in batch.items where seen.insert(item.id).inserted { all.append(item) }
            guard let next = batch.nextOffset else { return all }
            request.offset = next
        }
    }
}
