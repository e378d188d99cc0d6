import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TocsinCore

/// The one place errors become responses: JSON under `/api`, for integration endpoints and for providers' callbacks, an
/// HTML page elsewhere.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext

    struct Problem {
        var status: HTTPResponse.Status
        var code: String
        var message: String
        var fields: [FieldError] = []
        var headers: HTTPFields = [:]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, request: request, context: context)
            if Self.wantsJSON(request) {
                var response = try JSONBody.response(ErrorBody(problem), status: problem.status)
                response.headers.append(contentsOf: problem.headers)
                return response
            }
            if problem.status == .unauthorized {
                // A person without a session goes to the sign-in page and comes back afterwards.
                return Response.seeOther("/login?next=" + Self.percentEncode(request.uri.description))
            }
            var response = Pages.errorPage(problem: problem, principal: context.principal)
            response.headers.append(contentsOf: problem.headers)
            return response
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        // The router ignores empty segments ("//api/v1/x" reaches the API), so compare the same way.
        let path = "/" + request.uri.path.split(separator: "/").joined(separator: "/")
        return path.hasPrefix("/api/") || path == "/api" || path.hasPrefix("/v2/") || path.hasPrefix("/integrations/") || path.hasPrefix("/callbacks/")
    }

    static func problem(for error: any Error, request: Request, context: Context) -> Problem {
        switch error {
        case let error as DomainError:
            switch error {
            case .validation(let fields):
                return Problem(status: .unprocessableContent, code: "validation_failed",
                               message: "The request has invalid fields.", fields: fields)
            case .malformed(let field):
                return Problem(status: .badRequest, code: "malformed_request", message: "The request could not be read: \(field.reason).",
                               fields: [field])
            case .notFound(let message):
                return Problem(status: .notFound, code: "not_found", message: message)
            case .conflict(let message, let field):
                return Problem(status: .conflict, code: "conflict", message: message,
                               fields: field.map { [FieldError($0, message)] } ?? [])
            case .forbidden(let message):
                return Problem(status: .forbidden, code: "forbidden", message: message)
            case .unauthenticated(let message):
                return Problem(status: .unauthorized, code: "unauthenticated", message: message,
                               headers: [.wwwAuthenticate: "Bearer realm=\"tocsin\""])
            case .rateLimited(let message, let seconds):
                return Problem(status: .tooManyRequests, code: "rate_limited", message: message,
                               headers: [.retryAfter: String(seconds)])
            }
        case is NIOTooManyBytesError:
            return Problem(status: .contentTooLarge, code: "payload_too_large",
                           message: "The request body is larger than \(context.maxUploadSize) bytes.")
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return Problem(status: .notFound, code: "not_found", message: "No such page or endpoint: \(request.uri.path)")
            case .methodNotAllowed:
                return Problem(status: .methodNotAllowed, code: "method_not_allowed",
                               message: "\(request.method) is not allowed on \(request.uri.path)", headers: error.headers)
            case .contentTooLarge:
                return Problem(status: .contentTooLarge, code: "payload_too_large",
                               message: "The request body is larger than \(context.maxUploadSize) bytes.")
            default:
                return Problem(status: error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                               message: error.body ?? error.status.reasonPhrase)
            }
        default:
            let reference = UUID().uuidString.prefix(8).lowercased()
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "reference": "\(reference)"])
            return Problem(status: .internalServerError, code: "internal_error",
                           message: "Something went wrong on the server (reference \(reference)).")
        }
    }

    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? "/"
    }
}

/// `{"error":{"code","message","fields":[{"field","reason"}]}}`
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var fields: [FieldError]
    }

    var error: Detail

    init(_ problem: ErrorMiddleware.Problem) {
        error = Detail(code: problem.code, message: problem.message, fields: problem.fields)
    }
}

extension Response {
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
