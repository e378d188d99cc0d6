import Foundation
import TocsinCore

// The matcher benchmark: silences' and event rules' patterns against alert fields, in one process.
// Tocsin's LinearRegex (compiled once, no backtracking) beside Foundation's NSRegularExpression, the engine
// Tocsin used before: compiled once (its best case) and compiled on every match (what the old code did).
// Then a hostile pattern, `(a+)+$`, that makes a backtracking engine take exponential time.

func seconds(_ body: () -> Int) -> (Double, Int) {
    var fastest = Double.infinity
    var result = 0
    for _ in 0..<5 {
        let start = ContinuousClock.now
        result = body()
        let elapsed = ContinuousClock.now - start
        fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return (fastest, result)
}

func anchored(_ pattern: String) -> NSRegularExpression { try! NSRegularExpression(pattern: "^(?:\(pattern))$") }
func foundationMatch(_ regex: NSRegularExpression, _ text: String) -> Bool {
    regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
}

// Patterns as silences and rules use them, and subjects as alerts carry them.
let patterns = ["web-[0-9]+", ".*disk.*", "(api|www)\\.example\\.com", "prod|staging", "[a-z]+-[0-9]{2,4}", "DiskFull|HostDown|.*Latency.*"]
let subjects = ["web-12", "Disk full on /var/lib/postgresql (db-1)", "www.example.com", "production", "db-0042",
                "HTTPLatencyHigh", "checkout is slow for 3 of 3 probes", "api.example.org"]
let rounds = 20_000
let pairs = patterns.count * subjects.count * rounds

let linear = patterns.map { try! LinearRegex($0) }
let (tLinear, hitsLinear) = seconds {
    var hits = 0
    for _ in 0..<rounds { for regex in linear { for subject in subjects where regex.wholeMatch(subject) { hits += 1 } } }
    return hits
}
let compiled = patterns.map(anchored)
let (tFoundation, hitsFoundation) = seconds {
    var hits = 0
    for _ in 0..<rounds { for regex in compiled { for subject in subjects where foundationMatch(regex, subject) { hits += 1 } } }
    return hits
}
let (tPerCall, hitsPerCall) = seconds {
    var hits = 0
    for _ in 0..<(rounds / 20) { for pattern in patterns { for subject in subjects where foundationMatch(anchored(pattern), subject) { hits += 1 } } }
    return hits * 20
}
precondition(hitsLinear == hitsFoundation && hitsFoundation == hitsPerCall, "the engines disagree")

print("Common patterns: \(patterns.count) patterns × \(subjects.count) fields × \(rounds) rounds = \(pairs) matches, best of 5")
print("")
print("| engine | ns per match | ÷ NSRegularExpression compiled once |")
print("|---|---|---|")
let reference = tFoundation / Double(pairs) * 1e9
for (name, time, count) in [("LinearRegex, compiled once (now)", tLinear, pairs), ("NSRegularExpression, compiled once", tFoundation, pairs),
                            ("NSRegularExpression, compiled per match (before)", tPerCall, pairs / 20)] {
    let ns = time / Double(count) * 1e9
    print("| \(name) | \(String(format: "%.0f", ns)) | \(String(format: "%.2f", ns / reference)) |")
}

print("")
print("Hostile pattern `(a+)+$` (matched whole), best of 5:")
print("")
print("| engine | text | time |")
print("|---|---|---|")
let hostile = try! LinearRegex("(a+)+$")
for length in [24, 1_000, 10_000] {
    let text = String(repeating: "a", count: length) + "!"
    let (t, _) = seconds { hostile.wholeMatch(text) ? 1 : 0 }
    print("| LinearRegex | \(length) × a, then ! | \(String(format: "%.3f", t * 1000)) ms |")
}
let hostileFoundation = anchored("(a+)+$")
for length in [16, 18, 20, 22] {
    let text = String(repeating: "a", count: length) + "!"
    let (t, _) = seconds { foundationMatch(hostileFoundation, text) ? 1 : 0 }
    print("| NSRegularExpression | \(length) × a, then ! | \(String(format: "%.3f", t * 1000)) ms |")
}
