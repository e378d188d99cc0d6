import Foundation
import TocsinCore

/// An optional field written as `null` when absent. Synthesized `Encodable` leaves absent optionals out; the
/// API's answers carry every documented field, so wire types mark theirs `@Nullable` instead of hand-writing
/// `encode(to:)`.
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value = wrappedValue { try c.encode(value) } else { try c.encodeNil() }
    }
}

extension Nullable: Sendable where Value: Sendable {}

/// Every list answer: `{"data": [...], "pagination": {...}}`.
struct ListJSON<Item: Encodable>: Encodable {
    struct Pagination: Encodable {
        var limit: Int
        var offset: Int
        var total: Int
        @Nullable var nextOffset: Int?

        enum CodingKeys: String, CodingKey {
            case limit, offset, total
            case nextOffset = "next_offset"
        }
    }

    var data: [Item]
    var pagination: Pagination

    init<T>(_ page: Page<T>, _ transform: (T) -> Item) {
        data = page.items.map(transform)
        pagination = Pagination(limit: page.request.limit, offset: page.request.offset, total: page.total, nextOffset: page.nextOffset)
    }
}

extension ListJSON: JSONWritable where Item: JSONWritable {
    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("data")
        w.beginArray()
        for item in data {
            w.element()
            item.write(into: &w)
        }
        w.endArray()
        w.key("pagination")
        w.beginObject()
        w.key("limit"); w.integer(pagination.limit)
        w.key("next_offset")
        if let next = pagination.nextOffset { w.integer(next) } else { w.null() }
        w.key("offset"); w.integer(pagination.offset)
        w.key("total"); w.integer(pagination.total)
        w.endObject()
        w.endObject()
    }
}

struct DataJSON<Item: Encodable>: Encodable {
    var data: [Item]
}
