import Foundation

/// Sends a `DirectNote` (a test page) straight through a contact method's own channel while the person waits, and
/// says what the provider answered. The channels implement it (`ChannelNoteSender`); `UndeliveredNotes` sends nothing.
public protocol DirectNoteSender: Sendable {
    func send(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult
}

public struct UndeliveredNotes: DirectNoteSender {
    public init() {}
    public func send(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        .permanent("no channel is set up to carry it on this Tocsin")
    }
}
