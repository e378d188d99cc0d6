import Foundation

/// Delivers a contact method's verification code to the method itself: whoever reads it there proves they receive
/// pages there. The channels implement it (`ChannelCodeSender`); `UndeliveredCodes` sends nothing.
public protocol VerificationCodeSender: Sendable {
    /// Whether the code was handed to the channel (a failure is logged by the sender, not thrown: the code stays
    /// valid, and the person may ask for another).
    func send(code: String, to method: ContactMethod) async -> Bool
}

public struct UndeliveredCodes: VerificationCodeSender {
    public init() {}
    public func send(code: String, to method: ContactMethod) async -> Bool { false }
}
