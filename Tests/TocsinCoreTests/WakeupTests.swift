import Foundation
import Testing
import TocsinCore

@Suite("Wake-ups")
struct WakeupTests {
    @Test("a signal wakes a waiter long before its timeout, whether it came before the wait or during it")
    func wakes() async {
        let wakeup = Wakeup()
        wakeup.signal()
        wakeup.signal()
        let clock = ContinuousClock()
        let before = clock.now
        #expect(await wakeup.wait(upTo: .seconds(60)), "signalled")
        #expect(!wakeup.isPending, "two signals before a wait are one")
        async let waited: Bool = wakeup.wait(upTo: .seconds(60))
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        #expect(await waited, "signalled while waiting")
        #expect(clock.now - before < .seconds(30), "woken, not timed out")
    }

    @Test("without a signal, a wait ends at its timeout")
    func timesOut() async {
        let wakeup = Wakeup()
        let clock = ContinuousClock()
        let before = clock.now
        #expect(await wakeup.wait(upTo: .milliseconds(100)) == false, "timed out, and says so")
        #expect(clock.now - before >= .milliseconds(100))
        #expect(!wakeup.isPending)
    }
}

extension WakeupTests {
    @Test("a waiting task that is cancelled (the server stopping) stops waiting")
    func cancelled() async {
        let wakeup = Wakeup()
        let clock = ContinuousClock()
        let before = clock.now
        let waiter = Task { await wakeup.wait(upTo: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
        #expect(clock.now - before < .seconds(30))
    }
}
