import AsyncHTTPClient
import Foundation
import NIOCore
import TocsinCore

/// One HTTP POST of a notification, and what its answer means. Shared by the channels that speak HTTP.
enum HTTPDelivery {
    struct Answer {
        var status: Int
        var body: String
        /// `Retry-After` in seconds, when given as a number (0 to an hour; a date or anything else is ignored).
        var retryAfter: TimeInterval? = nil
    }

    /// Posts `body`; nil when no answer came (refused, timed out, TLS failed). At most 64 KiB of the answer is read.
    static func post(_ client: HTTPClient, url: String, contentType: String = "application/json", headers: [(String, String)] = [],
                     body: String, timeout: TimeAmount) async -> Result<Answer, any Error> {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: "Tocsin")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let text = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            let wait = response.headers.first(name: "Retry-After").flatMap { $0.utf8.count <= 6 ? Int($0) : nil }.flatMap { (0...3600).contains($0) ? TimeInterval($0) : nil }
            return .success(Answer(status: Int(response.status.code), body: text, retryAfter: wait))
        } catch {
            return .failure(error)
        }
    }

    /// 2xx is sent; 408, 429 and 5xx are worth another try (a 429 with `Retry-After` after that wait); any other status
    /// is final. `what` names the receiver.
    static func result(_ answer: Answer, _ what: String, messageID: String? = nil) -> ChannelResult {
        if answer.status == 429, let wait = answer.retryAfter { return .rateLimited("\(what) answered 429", retryAfter: wait) }
        return result(status: answer.status, what, messageID: messageID)
    }

    static func result(status: Int, _ what: String, messageID: String? = nil) -> ChannelResult {
        switch status {
        case 200..<300: return .sent(providerMessageID: messageID)
        case 408, 429, 500..<600: return .transient("\(what) answered \(status)")
        default: return .permanent("\(what) answered \(status)")
        }
    }

    /// The kind of failure only: an error's text can carry the owner's address, and the timeline is read by many.
    static func unreachable(_ what: String, _ error: any Error) -> ChannelResult {
        .transient("could not reach \(what) (\(String(describing: type(of: error))))")
    }
}
