import Foundation
import Testing
@testable import TocsinCore

/// Deterministic, so a differential failure names a seed and pattern that reproduce it.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Small patterns over a, b from the grammar both engines agree on (no `{` literals, no quantified
/// anchors, no nested quantifiers, which ICU reads differently from Go). Each comes as the pattern
/// and the same pattern without lazy markers for the oracle: laziness cannot change whether a whole
/// match exists, and ICU misses matches with nested lazy loops (`(?:(?:b?)*?a|b.)*?A` on "bAA").
private struct PatternGenerator {
    var rng: SplitMix64
    var groupNames = 0

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }
    mutating func pick(_ options: [String]) -> String { options.randomElement(using: &rng) ?? "" }

    mutating func alternation(depth: Int) -> (ours: String, oracle: String) {
        var branches = [concat(depth: depth)]
        while branches.count < 3, chance(25) { branches.append(chance(10) ? ("", "") : concat(depth: depth)) }
        return (branches.map(\.ours).joined(separator: "|"), branches.map(\.oracle).joined(separator: "|"))
    }

    mutating func concat(depth: Int) -> (ours: String, oracle: String) {
        let items = (0..<Int.random(in: 1...3, using: &rng)).map { _ in item(depth: depth) }
        return (items.map(\.ours).joined(), items.map(\.oracle).joined())
    }

    mutating func item(depth: Int) -> (ours: String, oracle: String) {
        let roll = Int.random(in: 0..<100, using: &rng)
        var atom: (ours: String, oracle: String)
        switch roll {
        case 0..<40: let a = pick(["a", "b", "a", "b", "\\-", "-"]); atom = (a, a)
        case 40..<50: atom = (".", ".")
        case 50..<65:
            let c = pick(["[ab]", "[^a]", "[a-b]", "[^ab]", "[b-]", "\\w", "\\W", "[\\w-]", "[[:alpha:]]", "[^[:lower:]]"])
            atom = (c, c)
        case 65..<85 where depth < 3:
            groupNames += 1
            let open = pick(["(", "(?:", "(?i:", "(?<g\(groupNames)>"])
            let inner = alternation(depth: depth + 1)
            atom = (open + inner.ours + ")", open + inner.oracle + ")")
        case 85..<93: let a = pick(["^", "$", "\\b", "\\B"]); return (a, a)
        default: let a = pick(["a", "b"]); atom = (a, a)
        }
        guard chance(35) else { return atom }
        let m = Int.random(in: 0...2, using: &rng)
        let quantifier = pick(["*", "+", "?", "{\(m)}", "{\(m),}", "{\(m),\(m + Int.random(in: 0...2, using: &rng))}"])
        return (atom.ours + quantifier + (chance(20) ? "?" : ""), atom.oracle + quantifier)
    }

    mutating func text() -> String {
        (0..<Int.random(in: 0...7, using: &rng)).map { _ in pick(["a", "b", "a", "b", "-", "A"]) }.joined()
    }
}

@Suite("Linear-time regular expressions")
struct LinearRegexTests {
    /// Checks the public answer and the NFA alone, so the fast paths are held to the same cases.
    private func check(_ pattern: String, _ text: String, _ expected: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let regex = try LinearRegex(pattern)
            #expect(regex.wholeMatch(text) == expected, "\(pattern) on \(text.debugDescription)", sourceLocation: sourceLocation)
            #expect(regex.nfaWholeMatch(text) == expected, "NFA: \(pattern) on \(text.debugDescription)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(pattern) refused: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("literals, dot, alternation and groups", arguments: [
        ("api", "api", true), ("api", "apis", false), ("api", "ap", false), ("api", "API", false), ("", "", true), ("", "a", false),
        ("a.c", "abc", true), ("a.c", "a\nc", false), ("a.c", "ac", false), (".", "é", true), (".", "", false),
        ("api|web", "web", true), ("api|web", "apiweb", false), ("api|web|", "", true), ("|a", "a", true), ("a|b|c", "d", false),
        ("db-.*", "db-1", true), ("db-.*", "db-", true), ("db-.*", "xdb-1", false), ("db-.*", "db-1\n2", false),
        (".*CPU.*", "high CPU load", true), (".*CPU.*", "high cpu load", false), (".*a.*b.*", "xxaxxbxx", true), (".*a.*b.*", "xxbxxaxx", false),
        ("(ab)+", "abab", true), ("(ab)+", "aba", false), ("(?:ab|cd)*", "abcdab", true), ("(?:ab|cd)*", "", true),
        ("(?P<host>[a-z]+)-\\d", "db-1", true), ("(?<n>x)y", "xy", true), ("(?P<a>x)(?P<b>y)", "xy", true), ("()", "", true), ("(|)", "", true),
        ("a b", "a b", true), ("日本", "日本", true), ("}", "}", true), ("]", "]", true), ("a\\Q.*\\E", "a.*", true), ("a\\Q.*\\E", "abc", false),
        ("\\Q(x\\E+", "(xx", true), ("\\Qa", "a", true),
    ])
    func basics(pattern: String, text: String, expected: Bool) { check(pattern, text, expected) }

    @Test("quantifiers, lazy forms and literal braces", arguments: [
        ("a*", "", true), ("a*", "aaa", true), ("a*", "ab", false), ("a+", "", false), ("a+", "aa", true), ("a?", "", true), ("a?", "aa", false),
        ("a{3}", "aaa", true), ("a{3}", "aa", false), ("a{3}", "aaaa", false), ("a{2,}", "a", false), ("a{2,}", "aaaaa", true),
        ("a{2,3}", "aa", true), ("a{2,3}", "aaa", true), ("a{2,3}", "aaaa", false), ("a{0}", "", true), ("a{0}", "a", false),
        ("a{0,0}b", "b", true), ("(ab){2}", "abab", true), ("(a|b){0,2}c", "abc", true), ("(a|b){0,2}c", "abac", false),
        ("a*?", "aa", true), ("a+?", "a", true), ("a??", "", true), ("a{1,2}?", "aa", true), ("(?U)a+", "aaa", true),
        ("a{,3}", "a{,3}", true), ("a{,3}", "aaa", false), ("a{", "a{", true), ("a{1", "a{1", true), ("a{1,x}", "a{1,x}", true),
        ("a{01}", "a{01}", true), ("{", "{", true), ("x{", "x{", true), ("x{2}{", "xx{", true), ("a{1000}", String(repeating: "a", count: 1000), true),
        ("a{1000}", String(repeating: "a", count: 999), false), ("(a*)*", "aaa", true), ("(a*)+b", "b", true), ("(a?){3}", "a", true),
        ("()*", "", true), ("(|a)+", "aa", true), ("^*a", "a", true), ("\\b+a", "a", true), ("(a|ab)(c|bcd)(d*)", "abcd", true),
    ])
    func quantifiers(pattern: String, text: String, expected: Bool) { check(pattern, text, expected) }

    @Test("character classes, POSIX and Perl classes", arguments: [
        ("[abc]", "b", true), ("[abc]", "d", false), ("[^abc]", "d", true), ("[^abc]", "a", false), ("[^abc]", "\n", true),
        ("[a-z]+", "hello", true), ("[a-z]+", "Hello", false), ("[]a]", "]", true), ("[]a]", "a", true), ("[^]a]", "]", false), ("[^]a]", "b", true),
        ("[a-]", "-", true), ("[-a]", "-", true), ("[a\\-z]", "-", true), ("[a\\-z]", "b", false), ("[\\]]", "]", true), ("[\\\\]", "\\", true),
        ("[[]", "[", true), ("[a[]", "[", true), ("[.]", ".", true), ("[.]", "a", false), ("[*+?{}()|^$]+", "*+?{}()|^$", true), ("[\\n]", "\n", true),
        ("[\\x41-\\x43]", "B", true), ("[\\x41-\\x43]", "D", false), ("[\\x{263A}-\\x{263C}]", "☻", true), ("[\\d]", "7", true), ("[\\D]", "7", false),
        ("[\\w-]+", "a_b-1", true), ("[\\W]", "a", false), ("[\\s]", " ", true), ("[\\S]", " ", false), ("[^\\d\\s]", "x", true), ("[^\\d\\s]", "1", false),
        ("[[:alpha:]]+", "abcXYZ", true), ("[[:alpha:]]+", "ab1", false), ("[[:digit:]]", "5", true), ("[[:^digit:]]", "5", false), ("[[:^digit:]]", "x", true),
        ("[[:alnum:]]+", "a1B2", true), ("[[:alnum:]]", "_", false), ("[[:lower:]]", "a", true), ("[[:lower:]]", "A", false), ("[[:upper:]]", "A", true),
        ("[[:upper:]]", "a", false), ("[[:space:]]", "\u{0B}", true), ("[[:space:]]", "x", false), ("[[:punct:]]", "!", true), ("[[:punct:]]", "a", false),
        ("[[:xdigit:]]+", "09afAF", true), ("[[:xdigit:]]", "g", false), ("[[:word:]]+", "a_1", true), ("[[:word:]]", "-", false),
        ("[[:blank:]]", "\t", true), ("[[:cntrl:]]", "\u{7F}", true), ("[[:print:]]", " ", true), ("[[:graph:]]", " ", false), ("[[:ascii:]]", "é", false),
        ("[[:alpha:][:digit:]]+", "a1", true), ("[a-c[:digit:]x]+", "b9x", true),
        ("\\d+", "123", true), ("\\d+", "12a", false), ("\\D", "a", true), ("\\D", "1", false), ("\\w+", "a_1Z", true), ("\\w", "-", false),
        ("\\W", "-", true), ("\\W", "a", false), ("\\s", " ", true), ("\\s", "\t", true), ("\\s", "\u{0B}", false), ("\\S", "x", true), ("\\S", " ", false),
        ("\\d", "٣", false), ("\\w", "é", false), ("[^a]", "é", true), ("[é]", "é", true),
    ])
    func classes(pattern: String, text: String, expected: Bool) { check(pattern, text, expected) }

    @Test("escapes", arguments: [
        ("\\.", ".", true), ("\\.", "a", false), ("\\*", "*", true), ("\\\\", "\\", true), ("\\/", "/", true), ("\\-", "-", true), ("\\+\\?", "+?", true),
        ("\\(\\)\\[\\]\\{\\}", "()[]{}", true), ("\\^\\$\\|", "^$|", true), ("\\#\\ \\!", "# !", true), ("\\n", "\n", true), ("\\t", "\t", true), ("\\r", "\r", true),
        ("\\f", "\u{0C}", true), ("\\v", "\u{0B}", true), ("\\a", "\u{07}", true), ("\\x41", "A", true), ("\\x41", "a", false), ("\\x{263A}", "☺", true),
        ("\\x{1F600}", "😀", true), ("\\x{10FFFF}", "\u{10FFFF}", true), ("\\x{0}", "\u{0}", true), ("\\0", "\u{0}", true), ("\\012", "\n", true), ("\\07", "\u{07}", true),
    ])
    func escapes(pattern: String, text: String, expected: Bool) { check(pattern, text, expected) }

    @Test("anchors and word boundaries, also in the middle of a pattern", arguments: [
        ("^a", "a", true), ("a$", "a", true), ("^a$", "a", true), ("a^", "a", false), ("$a", "a", false), ("a^b", "ab", false), ("a$b", "ab", false),
        ("a|^b", "b", true), ("a|^b", "a", true), ("(^|x)a", "a", true), ("(^|x)a", "xa", true), ("a(b|$)", "a", true), ("a(b|$)", "ab", true),
        ("\\Aa\\z", "a", true), ("a\\z|b", "b", true), ("a\\Ab", "ab", false), ("a$\\n", "a\n", false), ("a\\n^b", "a\nb", false),
        ("(?m)a$\\n^b", "a\nb", true), ("(?m)^a$", "a", true), ("(?m)a$", "a", true), ("(?m)a\\n$", "a\n", true), ("(?m)a^b", "ab", false),
        ("\\bfoo\\b", "foo", true), ("a\\bb", "ab", false), ("a\\b-", "a-", true), ("a\\B-", "a-", false), ("a\\Bb", "ab", true), ("-\\B-", "--", true),
        ("\\b", "", false), ("\\B", "", true), ("\\ba", "a", true), ("a\\b", "a", true), ("-\\b", "-", false), ("\\B-", "-", true),
        (".*\\bcpu\\b.*", "high cpu load", true), (".*\\bcpu\\b.*", "highcpu load", false), ("a\\bé", "aé", true),
    ])
    func anchors(pattern: String, text: String, expected: Bool) { check(pattern, text, expected) }

    @Test("flags, scoped and unscoped, and case folding by scalar", arguments: [
        ("(?i)abc", "ABC", true), ("(?i)abc", "AbD", false), ("a(?i)b", "aB", true), ("a(?i)b", "AB", false), ("(?i:a)b", "Ab", true),
        ("(?i:a)b", "AB", false), ("(?i)a(?-i)b", "Ab", true), ("(?i)a(?-i)b", "AB", false), ("(a(?i)b)c", "aBc", true), ("(a(?i)b)c", "aBC", false),
        ("(?i)a|b", "B", true), ("(?s).", "\n", true), ("(?s:.)a", "\na", true), ("(?s)a.(?-s).", "a\n\n", false), ("(?is)A.", "a\n", true),
        ("(?i-s)a.", "A\n", false), ("(?ims)^a.$", "A\n", true), ("(?i)[a-c]+", "AbC", true), ("(?i)[^a]", "A", false), ("(?i)[^a]", "b", true),
        ("(?i)[[:upper:]]", "q", true), ("(?i)\\x41", "a", true), ("(?i)k", "K", true), ("(?i)k", "\u{212A}", true), ("(?i)\u{212A}", "k", true),
        ("(?i)[a-z]", "\u{212A}", true), ("(?i)[^k]", "\u{212A}", false), ("\\W", "\u{212A}", true), ("(?i)\\W", "\u{212A}", false),
        ("(?i)s", "\u{17F}", true), ("(?i)σ", "ς", true), ("(?i)σ", "Σ", true), ("(?i)straße", "STRAẞE", true), ("(?i)é", "É", true),
        ("(?i)i", "ı", false), ("(?i)i", "I", true), ("(?i)ǆ", "ǅ", true), ("(?i)ǆ", "Ǆ", true), ("(?i)Ꭰ", "ꭰ", true), ("(?i)\\d", "1", true),
        ("(?i)[\\x{0}-\\x{10FFFF}]", "x", true), ("(?i)(?-i:a)", "A", false), ("(?)a", "a", true),
    ])
    func flags(pattern: String, text: String, expected: Bool) { check(pattern, text, expected) }

    @Test("refused syntax says what is wrong", arguments: [
        ("\\1", "backreferences are not supported"), ("(a)\\1", "backreferences are not supported"), ("(?P<a>x)(?P=a)", "backreferences are not supported"),
        ("(?=a)", "lookahead is not supported"), ("(?!a)", "lookahead is not supported"), ("(?<=a)b", "lookbehind is not supported"),
        ("(?<!a)b", "lookbehind is not supported"), ("a*+", "possessive quantifiers are not supported"), ("a++", "possessive quantifiers are not supported"),
        ("a?+", "possessive quantifiers are not supported"), ("a{2}+", "possessive quantifiers are not supported"), ("(?>a)", "atomic groups are not supported"),
        ("(?#note)a", "comments are not supported"), ("(?(1)a|b)", "conditionals are not supported"), ("\\p{L}", "Unicode classes \\p are not supported"),
        ("\\pL", "Unicode classes \\p are not supported"), ("[\\p{L}]", "Unicode classes \\p are not supported"), ("\\PN", "Unicode classes \\p are not supported"),
        ("(?x)a", "unsupported flag x"), ("(?*)", "unsupported group syntax (?*"), ("(?i-)", "missing flag after -"), ("(?-)", "missing flag after -"),
        ("(?i-s-m)", "invalid flags: more than one -"), ("(?P<>a)", "invalid named group"), ("(?P<a-b>x)", "invalid named group"), ("(?P<a", "invalid named group"),
        ("(?Px)", "invalid named group"), ("(?P<a>x)(?<a>y)", "duplicate group name a"), ("(a", "missing closing )"), ("((a)", "missing closing )"),
        ("(?", "missing closing )"), ("(?i", "missing closing )"), ("a)", "unexpected )"), (")", "unexpected )"), ("[a", "missing closing ]"),
        ("[]", "missing closing ]"), ("[^]", "missing closing ]"), ("[a-", "missing closing ]"), ("[\\", "trailing backslash at end of pattern"),
        ("[z-a]", "invalid character class range z-a"), ("[a-\\d]", "invalid character class range"), ("[[:foo:]]", "unknown POSIX class [:foo:]"),
        ("[[:\u{202E}:]]", "unknown POSIX class [:U+202E:]"), ("*a", "missing argument to repetition operator *"), ("a|*", "missing argument to repetition operator *"),
        ("(+)", "missing argument to repetition operator +"), ("{2}", "missing argument to repetition operator {2}"), ("(?i)*", "missing argument to repetition operator *"),
        ("a**", "invalid nested repetition operator **"), ("a*?*", "invalid nested repetition operator *?*"), ("a{2}{3}", "invalid nested repetition operator {2}{3}"),
        ("a?*", "invalid nested repetition operator ?*"), ("a{1001}", "repetition count above 1000"), ("a{0,1001}", "repetition count above 1000"),
        ("a{1001,}", "repetition count above 1000"), ("a{99999999999999999999}", "repetition count above 1000"), ("a{3,2}", "invalid repetition range {3,2}"),
        ("a\\", "trailing backslash at end of pattern"), ("\\", "trailing backslash at end of pattern"), ("\\q", "invalid escape sequence \\q"),
        ("\\Z", "invalid escape sequence \\Z"), ("\\G", "invalid escape sequence \\G"), ("\\E", "invalid escape sequence \\E"), ("\\é", "invalid escape sequence \\U+00E9"),
        ("\\x4", "invalid escape sequence \\x"), ("\\xg0", "invalid escape sequence \\x"), ("\\x{}", "invalid escape sequence \\x{"), ("\\x{41", "invalid escape sequence \\x{"),
        ("\\x{110000}", "invalid escape sequence \\x{: above 10FFFF"), ("\\x{FFFFFFFFFFFFFFFFFFFF}", "invalid escape sequence \\x{: above 10FFFF"),
        ("\\x{D800}", "invalid escape sequence \\x{: a surrogate"), ("[\\1]", "invalid escape sequence \\1"), ("[\\b]", "invalid escape sequence \\b"),
    ])
    func refused(pattern: String, message: String) {
        #expect(throws: LinearRegex.SyntaxError(message)) { _ = try LinearRegex(pattern) }
    }

    @Test("limits: pattern length, repetition counts, program size, nesting depth")
    func limits() throws {
        _ = try LinearRegex(String(repeating: "a", count: 1000))
        #expect(throws: LinearRegex.SyntaxError("pattern longer than 1000 characters")) { _ = try LinearRegex(String(repeating: "a", count: 1001)) }
        // Counted in scalars: 1000 emoji are 4000 UTF-8 bytes, and fine.
        #expect(try LinearRegex(String(repeating: "😀", count: 1000)).wholeMatch(String(repeating: "😀", count: 1000)))

        #expect(try LinearRegex("a{1000}b{0,1000}c{1000,}").wholeMatch(String(repeating: "a", count: 1000) + String(repeating: "c", count: 1200)))
        #expect(try LinearRegex("[a-z]{1000}").wholeMatch(String(repeating: "q", count: 1000)))

        let tooLarge = LinearRegex.SyntaxError("pattern too large once repetitions are expanded")
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: tooLarge) { _ = try LinearRegex("((a{1000}){1000}){1000}") }
            #expect(throws: tooLarge) { _ = try LinearRegex("(((a{1000}){1000}){1000}){1000}") }
            #expect(throws: tooLarge) { _ = try LinearRegex("(abcdefghijk){1000}") }
            #expect(throws: tooLarge) { _ = try LinearRegex("(a{100}){100}") }
            #expect(throws: tooLarge) { _ = try LinearRegex("(?i)(ab|cd|ef){1000}") }
        }
        #expect(elapsed < .seconds(2))
        _ = try LinearRegex("(a{100}){99}")
        // Bodies that compile to nothing repeat for free instead of looping a billion times.
        let emptyBodies = clock.measure {
            #expect((try? LinearRegex("((((){1000}){1000}){1000}){1000}"))?.wholeMatch("") == true)
            #expect((try? LinearRegex("((((a{0}){1000}){1000}){1000}){1000}b"))?.wholeMatch("b") == true)
        }
        #expect(emptyBodies < .seconds(2))

        let deep = String(repeating: "(", count: 100) + "a" + String(repeating: ")", count: 100)
        #expect(try LinearRegex(deep).wholeMatch("a"))
        let deeper = String(repeating: "(", count: 101) + "a" + String(repeating: ")", count: 101)
        #expect(throws: LinearRegex.SyntaxError("nesting depth above 100")) { _ = try LinearRegex(deeper) }
        #expect(throws: LinearRegex.SyntaxError("nesting depth above 100")) { _ = try LinearRegex(String(repeating: "(?:", count: 300)) }
        #expect(throws: LinearRegex.SyntaxError("missing closing )")) { _ = try LinearRegex(String(repeating: "(", count: 100)) }
    }

    @Test("patterns that make backtracking engines take exponential time answer quickly", arguments: [
        ("(a+)+$", String(repeating: "a", count: 10_000) + "!", false),
        ("(a+)+$", String(repeating: "a", count: 10_000), true),
        ("(a|a)*b", String(repeating: "a", count: 10_000), false),
        ("(a|a)*b", String(repeating: "a", count: 10_000) + "b", true),
        ("(a*)*b", String(repeating: "a", count: 10_000), false),
        ("(x+x+)+y", String(repeating: "x", count: 10_000), false),
        ("(x+x+)+y", String(repeating: "x", count: 10_000) + "y", true),
        ("(.*a){20}", String(repeating: "a", count: 10_000) + "b", false),
        ("(a|aa)*c", String(repeating: "a", count: 10_000), false),
        ("(\\w+\\s?)*$", String(repeating: "word ", count: 2_000) + "!", false),
        ("((a{1,10}){1,10}){1,10}", String(repeating: "a", count: 10_000), false),
        (".*.*.*.*=.*", String(repeating: "x", count: 10_000), false),
        (".*a.*a.*a.*b", String(repeating: "a", count: 10_000), false),
    ])
    func catastrophic(pattern: String, text: String, expected: Bool) throws {
        let regex = try LinearRegex(pattern)
        var result = !expected
        let elapsed = ContinuousClock().measure { result = regex.wholeMatch(text) }
        #expect(result == expected)
        #expect(elapsed < .seconds(2), "\(pattern) took \(elapsed)")
    }

    @Test("the largest program on a long text still finishes")
    func largestProgram() throws {
        // About 9,000 instructions, one more live on every step: the O(text × program) bound at its
        // largest (about 170 ms of CPU for 10,000 scalars in release; kept shorter for debug builds).
        let regex = try LinearRegex(".*(?:a{1000}){9}b")
        var result = true
        let elapsed = ContinuousClock().measure { result = regex.wholeMatch(String(repeating: "a", count: 2_500)) }
        #expect(!result)
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test("hostile scalars in texts and patterns: NUL, bidi overrides, emoji, combining marks")
    func hostileScalars() throws {
        let texts = ["\u{0}", "a\u{0}b", "\u{202E}gpj.exe", "👩‍👩‍👧", "e\u{301}", "é", "\u{FEFF}", "\u{10FFFF}", "\r\n", String(repeating: "\u{301}", count: 500)]
        let patterns = [".*", ".", ".+", "\\x00", "a\\x00b", "\\x{202E}.*", ".{5}", "e\\x{301}", "é", "(?i).*É.*", "[^a]*", "\\b.*\\b", "(?s).*", "\u{202E}.*", "\u{0}"]
        for p in patterns {
            let regex = try LinearRegex(p)
            for t in texts { #expect(regex.wholeMatch(t) == regex.nfaWholeMatch(t), "\(p) on \(t.debugDescription)") }
        }
        check("a\\x00b", "a\u{0}b", true)
        check("\u{0}", "\u{0}", true)
        check(".{5}", "👩‍👩‍👧", true)  // five scalars: woman, ZWJ, woman, ZWJ, girl
        check(".", "👩‍👩‍👧", false)
        check(".", "e\u{301}", false)
        check("..", "e\u{301}", true)
        check("é", "e\u{301}", false)  // scalars, not canonical equivalence
        check("e\\x{301}", "e\u{301}", true)
        check("\\x{202E}gpj\\.exe", "\u{202E}gpj.exe", true)
        check("[\u{202E}]", "\u{202E}", true)
        check("\\x{1F469}\\x{200D}.*", "👩‍👩‍👧", true)
    }

    @Test("literal-shaped patterns take the fast path and agree with the NFA")
    func fastPaths() throws {
        for p in ["api", "api|web", "", "a|", "(api|web)", "db-.*", ".*CPU.*", ".*", "(?s).*x.*", "a.*b.*c", "(?i)123"] {
            #expect(try LinearRegex(p).usesFastPath, "\(p)")
        }
        for p in ["(?i)api", "db-[0-9]+", "a+", "^api$", "(api|web)-.*", ".+"] {
            #expect(try !LinearRegex(p).usesFastPath, "\(p)")
        }
        var rng = SplitMix64(state: 7)
        let pieces = ["", "a", "ab", "aa", "ba", "\n", "é", "日", "a\n"]
        let stars = [".*", "(?s:.*)", ".*?"]
        for _ in 0..<2_000 {
            var pattern = ""
            for k in 0..<Int.random(in: 1...4, using: &rng) {
                if k > 0 { pattern += stars.randomElement(using: &rng) ?? ".*" }
                pattern += (pieces.randomElement(using: &rng) ?? "").replacingOccurrences(of: "\n", with: "\\n")
            }
            let regex = try LinearRegex(pattern)
            for _ in 0..<6 {
                let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in ["a", "b", "\n", "é", "日"].randomElement(using: &rng) ?? "" }.joined()
                #expect(regex.wholeMatch(text) == regex.nfaWholeMatch(text), "\(pattern) on \(text.debugDescription)")
            }
        }
    }

    @Test("agrees with NSRegularExpression on thousands of random small patterns")
    func differential() throws {
        let seed = ProcessInfo.processInfo.environment["LINEAR_REGEX_SEED"].flatMap { UInt64($0) } ?? 20_260_115
        let patterns = ProcessInfo.processInfo.environment["LINEAR_REGEX_PATTERNS"].flatMap { Int($0) } ?? 3_000
        var generator = PatternGenerator(rng: SplitMix64(state: seed))
        var disagreements: [String] = []
        var compared = 0
        for _ in 0..<patterns {
            generator.groupNames = 0
            let (pattern, oraclePattern) = generator.alternation(depth: 0)
            let regex: LinearRegex
            do {
                regex = try LinearRegex(pattern)
            } catch {
                disagreements.append("\(pattern) refused: \(error)")
                continue
            }
            guard let oracle = try? NSRegularExpression(pattern: "^(?:\(oraclePattern))$") else {
                disagreements.append("\(pattern) refused by NSRegularExpression")
                continue
            }
            for _ in 0..<8 {
                let text = generator.text()
                let expected = oracle.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                compared += 1
                if regex.wholeMatch(text) != expected || regex.nfaWholeMatch(text) != expected {
                    disagreements.append("\(pattern) on \(text.debugDescription): expected \(expected)")
                }
            }
        }
        #expect(compared >= patterns * 7)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(10).joined(separator: "; "))")
    }

    @Test("random metacharacter soup never traps")
    func soup() {
        var rng = SplitMix64(state: 42)
        let parts = ["(", ")", "[", "]", "{", "}", "*", "+", "?", "|", "^", "$", ".", "\\", "-", ",", ":", "a", "b", "0", "1", "9", "P", "<", ">", "=",
                     "!", "i", "s", "m", "U", "x", "d", "w", "Q", "E", "b", "B", "[:alpha:]", "\\x{", "\\x", "{1000}", "{2,1}", "é", "\u{0}", "\u{202E}", "😀"]
        let texts = ["", "a", "ab-ba", "\u{0}\u{202E}😀e\u{301}", String(repeating: "ab", count: 300), "\n\n", "AB9"]
        var accepted = 0
        for _ in 0..<5_000 {
            let pattern = (0..<Int.random(in: 1...14, using: &rng)).map { _ in parts.randomElement(using: &rng) ?? "" }.joined()
            guard let regex = try? LinearRegex(pattern) else { continue }
            accepted += 1
            for t in texts { #expect(regex.wholeMatch(t) == regex.nfaWholeMatch(t), "\(pattern) on \(t.debugDescription)") }
        }
        #expect(accepted > 500)
    }

    @Test("one compiled regex is shared across concurrent tasks")
    func sharedAcrossTasks() async throws {
        let regex = try LinearRegex("(db|web)-[0-9]+\\.(?i:PROD)")
        let results = await withTaskGroup(of: Bool.self) { group in
            for k in 0..<64 { group.addTask { regex.wholeMatch(k % 2 == 0 ? "db-\(k).prod" : "db-\(k).test") } }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.filter { $0 }.count == 32)
    }

    @Test("the case-folding table covers every scalar whose case mapping changes it")
    func foldTableCoverage() {
        var missing: [UInt32] = []
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v), s.properties.changesWhenCaseMapped else { continue }
            if !LinearRegex.FoldTable.casedBlocks.contains(where: { $0.contains(v) }) { missing.append(v) }
        }
        #expect(missing.isEmpty, "outside the table's blocks: \(missing.prefix(20).map { String($0, radix: 16) })")
    }
}
