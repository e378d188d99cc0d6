import Foundation
import Logging
import TocsinCore

/// Sends verification codes through the same channels as pages (while the person waits: the answer says whether the
/// code went out). A failure is logged, not thrown: the code stays valid, and another may be asked for in a minute.
public struct ChannelCodeSender: VerificationCodeSender {
    let notes: ChannelNoteSender
    let logger: Logger

    public init(channels: [any NotificationChannel], logger: Logger) {
        self.notes = ChannelNoteSender(channels: channels)
        self.logger = logger
    }

    public func send(code: String, to method: ContactMethod) async -> Bool {
        switch await notes.send(.verification(code: code), to: method) {
        case .sent:
            return true
        case .transient(let reason), .permanent(let reason), .rateLimited(let reason, _):
            logger.notice("a verification code could not be sent", metadata: ["contact_method_id": "\(method.id.db)", "channel": "\(method.kind.rawValue)",
                                                                          "reason": "\(reason)"])
            return false
        }
    }
}
