import Foundation
import Testing
import TocsinCore
@testable import TocsinJobs

@Suite("Waking when the next work falls due")
struct DueWakeupTests {
    @Test("work due before the next tick wakes the job when it falls due; work beyond the tick, or already past, does not")
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

        for (due, case_) in [(now.addingTimeInterval(3), "beyond the tick"), (now.addingTimeInterval(-1), "already past")] {
            let later = Wakeup()
            later.signal(at: due, after: now, within: .seconds(1))
            #expect(await later.wait(upTo: .milliseconds(300)) == false, "\(case_): left to the tick")
        }
        let nothing = Wakeup()
        nothing.signal(at: nil, after: now, within: .seconds(1))
        #expect(await nothing.wait(upTo: .milliseconds(100)) == false)
    }
}
