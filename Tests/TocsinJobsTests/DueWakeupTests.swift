import Foundation
import Testing
import TocsinCore
@testable import TocsinJobs

@Suite("Waking when the next work falls due")
struct DueWakeupTests {
    @Test("work due before the next tick wakes the job when it falls due, and work already due (it fell due while the pass ran) at once; work beyond the tick is left to the tick")
    func wakesAtDue() async {
        let now = Date()
        let soon = Wakeup()
        soon.signal(at: now.addingTimeInterval(0.2), after: now, within: .seconds(1))
        #expect(!soon.isPending, "not before it is due")
        let clock = ContinuousClock()
        let start = clock.now
        // A long timeout: on a machine busy with the other tests the wake can come late, but it must come.
        #expect(await soon.wait(upTo: .seconds(20)), "woken, not timed out")
        #expect(clock.now - start >= .milliseconds(150))

        let later = Wakeup()
        later.signal(at: now.addingTimeInterval(3), after: now, within: .seconds(1))
        #expect(await later.wait(upTo: .milliseconds(300)) == false, "beyond the tick: left to the tick")
        for due in [now, now.addingTimeInterval(-1)] {
            let past = Wakeup()
            past.signal(at: due, after: now, within: .seconds(1))
            #expect(past.isPending, "already due: the job runs again at once")
        }
        let nothing = Wakeup()
        nothing.signal(at: nil, after: now, within: .seconds(1))
        #expect(await nothing.wait(upTo: .milliseconds(100)) == false)
    }
}
