import Foundation
import Synchronization

/// Tells a background job there is work now, so it need not wait for its next tick: ingestion signals the
/// escalation engine when an incident opens, the engine signals the senders when it queues pages. Signals between
/// two waits are merged into one; a waiter that is not signalled wakes after its timeout anyway.
public final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        /// The last park ended by its timeout, not by a signal.
        var timedOut = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether a signal waits for the next `wait`.
    public var isPending: Bool { state.withLock { $0.pending } }

    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled (at once if a signal came since the last wait) or after `timeout`: true when signalled.
    @discardableResult
    public func wait(upTo timeout: Duration) async -> Bool {
        let signalled = state.withLock { state in
            defer { state.pending = false }
            state.timedOut = false
            return state.pending
        }
        guard !signalled else { return true }
        guard !Task.isCancelled else { return false }
        // Cancelled (the server stopping): the parked waiter is released, or the wait would never end.
        await withTaskCancellationHandler {
            await park(upTo: timeout)
        } onCancel: {
            self.signal()
        }
        return state.withLock { !$0.timedOut }
    }

    private func park(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                // Time is up: release the waiter. Cancelled (the waiter was signalled first): nothing to do. At worst
                // a timeout that races a signal leaves one pending, and the next wait returns at once: one extra pass.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.state.withLock { $0.timedOut = true }
                self.signal()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
