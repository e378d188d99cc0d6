import Foundation
import Hummingbird
import NIOCore
import TocsinCore
import TocsinIngest

enum JSONBody {
    /// Sorted keys, slashes as they are, instants in ISO 8601: what `JSONEncoder` would write, at a fraction of the cost.
    static let encoder = JSONTextEncoder(dates: .iso8601)

    /// Reads a bounded body and decodes it, turning every decoding failure into a field error.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        guard let value = try await decodeIfPresent(type, from: request, context: context) else {
            throw DomainError.malformed(FieldError("body", "is empty; send a JSON object"))
        }
        return value
    }

    /// Like `decode`, for operations whose body is optional: nil when there is none.
    static func decodeIfPresent<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T? {
        let buffer = try await collect(request, limit: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        // A form or plain-text body is not JSON; refusing it also keeps HTML forms on other pages from posting here.
        if let type = request.headers[.contentType]?.lowercased(),
           !(type.hasPrefix("application/json") || (type.hasPrefix("application/") && type.contains("+json"))) {
            throw HTTPError(.unsupportedMediaType, message: "Send the body as JSON with Content-Type: application/json.")
        }
        let data = Data(buffer.readableBytesView)
        // Read strictly first: a syntax error is the sender's bug (400), and no list may be longer than the limit.
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw DomainError.malformed(FieldError("body", "is not valid JSON (\(error))"))
        }
        try RequestLimits.checkLists(value)
        do {
            let decoder = JSONDecoder()
            // The same instants as everywhere else: ISO 8601, in the years Tocsin accepts.
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                guard let date = ISO8601.parse(text) else {
                    throw DecodingError.dataCorrupted(DecodingError.Context(
                        codingPath: decoder.codingPath, debugDescription: "must be an ISO 8601 date-time with an offset, between the years 1900 and 9999"))
                }
                return date
            }
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw DomainError.validation([fieldError(error)])
        }
    }

    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(limit) bytes")
        }
        return try await request.body.collect(upTo: limit)
    }

    static func fieldError(_ error: DecodingError) -> FieldError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { out, key in
                if let index = key.intValue { out += "[\(index)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(path(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return FieldError(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return FieldError(path(context.codingPath), "must be \(describe(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return FieldError("body", "must be a JSON object") }
            let reason = context.debugDescription.contains("UUID") ? "must be an id (UUID)" : context.debugDescription
            return FieldError(path(context.codingPath), reason)
        @unknown default:
            return FieldError("body", "could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") { return "an object" }
        switch name {
        case "String", "UUID": return "a string"
        case "Int", "Double": return "a number"
        case "Bool": return "true or false"
        default: return "a \(name)"
        }
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        response(bytes: try encoder.encodeBytes(value), status: status)
    }

    /// The same bytes as `response(_:)` for a value that writes itself: the hot lists.
    static func written(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter(capacity: 16 * 1024)
        value.write(into: &writer)
        return response(bytes: writer.bytes, status: status)
    }

    private static func response(bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
