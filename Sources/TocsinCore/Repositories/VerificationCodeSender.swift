import Foundation

/// Delivers a contact method's verification code to the method itself: whoever reads it there proves they receive
/// pages there. The notification engine implements it; until a channel can carry the code, `UndeliveredCodes`
/// keeps nothing and sends nothing (an admin provisions methods verified instead).
public protocol VerificationCodeSender: Sendable {
    /// Whether codes reach anyone at all; the API says so when they do not.
    var delivers: Bool { get }
    func send(code: String, to method: ContactMethod) async throws
}

public struct UndeliveredCodes: VerificationCodeSender {
    public init() {}
    public var delivers: Bool { false }
    public func send(code: String, to method: ContactMethod) async throws {}
}
