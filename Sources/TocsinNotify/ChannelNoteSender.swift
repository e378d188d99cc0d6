import Foundation
import TocsinCore

/// Sends test pages through the same channels as pages, while the person waits: the answer is the provider's.
public struct ChannelNoteSender: DirectNoteSender {
    let channels: [ContactMethod.Kind: any NotificationChannel]

    public init(channels: [any NotificationChannel]) {
        self.channels = Dictionary(channels.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func send(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        guard let channel = channels[method.kind] else { return .permanent("\(method.kind.rawValue) is not a channel of this Tocsin") }
        return await channel.sendNote(note, to: method)
    }
}
