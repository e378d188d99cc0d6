import Foundation

/// A regular expression in RE2/Go syntax (the subset Alertmanager matchers use), matched without
/// backtracking: a Thompson NFA simulated over a set of states, so a match costs at most
/// O(text length × program size) whatever the pattern. Patterns and texts come from users, so every
/// limit is checked when compiling and nothing in here traps.
///
/// Works on Unicode scalars: `.` is one scalar, and "é" written precomposed does not match "e" + U+0301.
public struct LinearRegex: Sendable {
    /// Why a pattern was refused; `message` is shown to users as the reason.
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public static let maxPatternLength = 1000
    /// RE2's limit on `{n,m}` counts.
    public static let maxRepeatCount = 1000
    /// Instructions once repetitions are expanded; bounds both compile work and match cost.
    public static let maxProgramSize = 10_000
    public static let maxNestingDepth = 100

    public let pattern: String
    private let program: Program

    /// Instructions in the compiled program: what the pattern costs to keep, and per scalar of text at worst.
    public var size: Int { program.insts.count + program.classes.count }
    private let fastPath: FastPath

    public init(_ pattern: String) throws(SyntaxError) {
        let scalars = Array(pattern.unicodeScalars)
        guard scalars.count <= Self.maxPatternLength else {
            throw SyntaxError("pattern longer than \(Self.maxPatternLength) characters")
        }
        var parser = Parser(scalars)
        let root = try parser.parse()
        var compiler = Compiler()
        try compiler.compile(root)
        _ = try compiler.emit(.match)
        self.pattern = pattern
        self.program = Program(insts: compiler.insts, classes: parser.classes)
        self.fastPath = FastPath(root)
    }

    /// Whether the whole of `text` matches, as Alertmanager's `^(?:pattern)$`.
    public func wholeMatch(_ text: String) -> Bool {
        switch fastPath {
        case .literals(let options):
            let utf8 = text.utf8
            let count = utf8.count
            for option in options where option.count == count && utf8.elementsEqual(option) { return true }
            return false
        case .glob(let glob):
            return glob.wholeMatch(text) ?? program.wholeMatch(text)
        case .none:
            return program.wholeMatch(text)
        }
    }

    /// The NFA alone, bypassing the literal fast paths (for tests).
    func nfaWholeMatch(_ text: String) -> Bool { program.wholeMatch(text) }

    /// Whether a fast path applies (for tests).
    var usesFastPath: Bool {
        if case .none = fastPath { return false }
        return true
    }
}

// MARK: - Syntax tree

extension LinearRegex {
    fileprivate struct Flags {
        var foldCase = false
        var multiLine = false
        var dotNL = false
    }

    fileprivate enum Assertion {
        case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
    }

    fileprivate indirect enum Node {
        case empty
        case char(UInt32)
        /// Index into the parser's classes.
        case set(Int)
        case any
        case anyNotNL
        case assert(Assertion)
        case concat([Node])
        case alternate([Node])
        /// max < 0: unbounded.
        case repetition(Node, min: Int, max: Int)

        static func concat(of items: [Node]) -> Node {
            var out: [Node] = []
            for item in items {
                switch item {
                case .empty: continue
                case .concat(let inner): out.append(contentsOf: inner)
                default: out.append(item)
                }
            }
            if out.count == 1, let only = out.first { return only }
            return out.isEmpty ? .empty : .concat(out)
        }

        static func alternate(of branches: [Node]) -> Node {
            if branches.count == 1, let only = branches.first { return only }
            return branches.isEmpty ? .empty : .alternate(branches)
        }
    }

    /// A scalar for a message: printable ASCII as is, anything else as U+XXXX so a message cannot
    /// carry control or bidi characters.
    fileprivate static func show(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var out = ""
        for c in scalars {
            if (0x21...0x7E).contains(c.value) {
                out.unicodeScalars.append(c)
            } else {
                let hex = String(c.value, radix: 16, uppercase: true)
                out += "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }
}

// MARK: - Parser

extension LinearRegex {
    /// Recursive descent over scalars; recursion depth is bounded by `maxNestingDepth`.
    fileprivate struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var classes: [CharClass] = []
        private var classByRanges: [[UInt32]: Int] = [:]
        private var names: Set<String> = []

        init(_ s: [Unicode.Scalar]) { self.s = s }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            let j = i + offset
            return j >= 0 && j < s.count ? s[j] : nil
        }

        mutating func parse() throws(SyntaxError) -> Node {
            try parseSequence(Flags(), depth: 0)
        }

        /// Alternatives up to the `)` closing this group (consumed), or to the end at depth 0.
        private mutating func parseSequence(_ outer: Flags, depth: Int) throws(SyntaxError) -> Node {
            var flags = outer
            var branches: [Node] = []
            var items: [Node] = []
            // Whether items.last may take a quantifier, and the quantifier just applied (Go refuses `a**`).
            var repeatable = false
            var lastQuantifier: String?

            func atom(_ node: Node) {
                items.append(node)
                repeatable = true
                lastQuantifier = nil
            }

            while let c = peek() {
                switch c {
                case "|":
                    i += 1
                    branches.append(.concat(of: items))
                    items = []
                    repeatable = false
                    lastQuantifier = nil
                case ")":
                    guard depth > 0 else { throw SyntaxError("unexpected )") }
                    i += 1
                    branches.append(.concat(of: items))
                    return .alternate(of: branches)
                case "(":
                    i += 1
                    var inner = flags
                    if peek() == "?" {
                        i += 1
                        if try parseGroupPrefix(&inner) == .flagsOnly {
                            flags = inner
                            repeatable = false
                            lastQuantifier = nil
                            continue
                        }
                    }
                    guard depth < LinearRegex.maxNestingDepth else {
                        throw SyntaxError("nesting depth above \(LinearRegex.maxNestingDepth)")
                    }
                    atom(try parseSequence(inner, depth: depth + 1))
                case "*", "+", "?", "{":
                    let start = i
                    var lo = 0, hi = -1
                    if c == "{" {
                        guard let counts = braceRepeat() else {
                            // Not a valid repetition: a literal `{`, as in Go.
                            i += 1
                            atom(literal(c.value, flags))
                            continue
                        }
                        (lo, hi) = (counts.min, counts.max)
                        i = counts.end
                    } else {
                        i += 1
                        if c == "+" { lo = 1 } else if c == "?" { hi = 1 }
                    }
                    var text = String(String.UnicodeScalarView(s[start..<i]))
                    if let last = lastQuantifier {
                        throw SyntaxError("invalid nested repetition operator \(last)\(text)")
                    }
                    guard repeatable, let operand = items.popLast() else {
                        throw SyntaxError("missing argument to repetition operator \(text)")
                    }
                    guard lo <= LinearRegex.maxRepeatCount, hi <= LinearRegex.maxRepeatCount else {
                        throw SyntaxError("repetition count above \(LinearRegex.maxRepeatCount)")
                    }
                    guard hi < 0 || lo <= hi else { throw SyntaxError("invalid repetition range \(text)") }
                    if peek() == "?" {
                        i += 1  // lazy: the same language, so the same whole-match answer
                        text += "?"
                    } else if peek() == "+" {
                        throw SyntaxError("possessive quantifiers are not supported")
                    }
                    items.append(.repetition(operand, min: lo, max: hi))
                    repeatable = false
                    lastQuantifier = text
                case "[":
                    atom(try parseClass(flags))
                case ".":
                    i += 1
                    atom(flags.dotNL ? .any : .anyNotNL)
                case "^":
                    i += 1
                    atom(.assert(flags.multiLine ? .beginLine : .beginText))
                case "$":
                    i += 1
                    atom(.assert(flags.multiLine ? .endLine : .endText))
                case "\\":
                    let parsed = try parseEscape(flags)
                    if parsed.isEmpty {
                        repeatable = false
                        lastQuantifier = nil
                    }
                    for node in parsed { atom(node) }
                default:
                    i += 1
                    atom(literal(c.value, flags))
                }
            }
            if depth > 0 { throw SyntaxError("missing closing )") }
            branches.append(.concat(of: items))
            return .alternate(of: branches)
        }

        private enum GroupKind { case group, flagsOnly }

        /// After `(?`: a named group, a flag group, or something refused.
        private mutating func parseGroupPrefix(_ flags: inout Flags) throws(SyntaxError) -> GroupKind {
            guard let c = peek() else { throw SyntaxError("missing closing )") }
            switch c {
            case "P":
                if peek(1) == "<" {
                    i += 2
                    try parseGroupName()
                    return .group
                }
                if peek(1) == "=" { throw SyntaxError("backreferences are not supported") }
                throw SyntaxError("invalid named group")
            case "<":
                if peek(1) == "=" || peek(1) == "!" { throw SyntaxError("lookbehind is not supported") }
                i += 1
                try parseGroupName()
                return .group
            case "=", "!": throw SyntaxError("lookahead is not supported")
            case ">": throw SyntaxError("atomic groups are not supported")
            case "#": throw SyntaxError("comments are not supported")
            case "(": throw SyntaxError("conditionals are not supported")
            default: break
            }
            var negate = false
            var sawFlag = false
            while let c = peek() {
                i += 1
                switch c {
                case "i": flags.foldCase = !negate; sawFlag = true
                case "m": flags.multiLine = !negate; sawFlag = true
                case "s": flags.dotNL = !negate; sawFlag = true
                case "U": sawFlag = true  // ungreedy: irrelevant to a whole match
                case "-":
                    guard !negate else { throw SyntaxError("invalid flags: more than one -") }
                    negate = true
                    sawFlag = false
                case ":", ")":
                    guard !negate || sawFlag else { throw SyntaxError("missing flag after -") }
                    return c == ":" ? .group : .flagsOnly
                default:
                    if c.properties.isAlphabetic {
                        throw SyntaxError("unsupported flag \(LinearRegex.show([c]))")
                    }
                    throw SyntaxError("unsupported group syntax (?\(LinearRegex.show([c]))")
                }
            }
            throw SyntaxError("missing closing )")
        }

        /// `name>` of a named group; names are only checked, groups do not capture.
        private mutating func parseGroupName() throws(SyntaxError) {
            var name = ""
            while let c = peek() {
                i += 1
                if c == ">" {
                    guard !name.isEmpty else { throw SyntaxError("invalid named group") }
                    guard names.insert(name).inserted else { throw SyntaxError("duplicate group name \(name)") }
                    return
                }
                guard Self.isWordChar(c.value) else { throw SyntaxError("invalid named group") }
                name.unicodeScalars.append(c)
            }
            throw SyntaxError("invalid named group")
        }

        /// `{n}`, `{n,}` or `{n,m}` at `i`; nil when it is not one (then `{` is a literal, as in Go).
        /// Counts saturate just above the limit so huge numbers cannot overflow.
        private func braceRepeat() -> (min: Int, max: Int, end: Int)? {
            var j = i + 1
            func number() -> Int? {
                guard j < s.count, Self.isDigit(s[j]) else { return nil }
                if s[j] == "0", j + 1 < s.count, Self.isDigit(s[j + 1]) { return nil }  // Go refuses leading zeros
                var value = 0
                while j < s.count, Self.isDigit(s[j]) {
                    value = Swift.min(value * 10 + Int(s[j].value - 48), LinearRegex.maxRepeatCount + 1)
                    j += 1
                }
                return value
            }
            guard let lo = number() else { return nil }
            var hi = lo
            if j < s.count, s[j] == "," {
                j += 1
                if j < s.count, s[j] == "}" {
                    hi = -1
                } else {
                    guard let h = number() else { return nil }
                    hi = h
                }
            }
            guard j < s.count, s[j] == "}" else { return nil }
            return (lo, hi, j + 1)
        }

        /// At a backslash outside a class. Returns the nodes it stands for (several for `\Q...\E`).
        private mutating func parseEscape(_ flags: Flags) throws(SyntaxError) -> [Node] {
            guard let c = peek(1) else { throw SyntaxError("trailing backslash at end of pattern") }
            switch c {
            case "A": i += 2; return [.assert(.beginText)]
            case "z": i += 2; return [.assert(.endText)]
            case "b": i += 2; return [.assert(.wordBoundary)]
            case "B": i += 2; return [.assert(.notWordBoundary)]
            case "p", "P": throw SyntaxError("Unicode classes \\p are not supported")
            case "1"..."9": throw SyntaxError("backreferences are not supported")
            case "Q":
                i += 2
                var nodes: [Node] = []
                while let q = peek() {
                    if q == "\\", peek(1) == "E" {
                        i += 2
                        break
                    }
                    i += 1
                    nodes.append(literal(q.value, flags))
                }
                return nodes
            default:
                if let perl = Self.perlClass(c) {
                    i += 2
                    var set = RangeSet()
                    set.add(perl.ranges, negated: perl.negated, fold: flags.foldCase)
                    return [.set(classIndex(for: set.normalized()))]
                }
                i += 1
                return [literal(try parseCharEscape(), flags)]
            }
        }

        /// A single-scalar escape, `i` just after the backslash.
        private mutating func parseCharEscape() throws(SyntaxError) -> UInt32 {
            guard let c = peek() else { throw SyntaxError("trailing backslash at end of pattern") }
            i += 1
            switch c {
            case "a": return 7
            case "f": return 12
            case "t": return 9
            case "n": return 10
            case "r": return 13
            case "v": return 11
            case "0":
                var value: UInt32 = 0
                for _ in 0..<2 {
                    guard let d = peek(), ("0"..."7").contains(d) else { break }
                    value = value * 8 + (d.value - 48)
                    i += 1
                }
                return value
            case "x":
                if peek() == "{" {
                    i += 1
                    var value: UInt32 = 0
                    var digits = 0
                    while let d = peek(), let h = Self.hexValue(d) {
                        value = value * 16 + h
                        digits += 1
                        i += 1
                        guard value <= 0x10FFFF else { throw SyntaxError("invalid escape sequence \\x{: above 10FFFF") }
                    }
                    guard digits > 0, peek() == "}" else { throw SyntaxError("invalid escape sequence \\x{") }
                    i += 1
                    guard Unicode.Scalar(value) != nil else { throw SyntaxError("invalid escape sequence \\x{: a surrogate") }
                    return value
                }
                guard let h1 = peek().flatMap(Self.hexValue), let h2 = peek(1).flatMap(Self.hexValue) else {
                    throw SyntaxError("invalid escape sequence \\x")
                }
                i += 2
                return h1 * 16 + h2
            default:
                // Any ASCII punctuation (or space or control) may be escaped to stand for itself.
                if c.value < 0x80, !Self.isWordChar(c.value) { return c.value }
                throw SyntaxError("invalid escape sequence \\\(LinearRegex.show([c]))")
            }
        }

        private mutating func parseClass(_ flags: Flags) throws(SyntaxError) -> Node {
            i += 1
            var negated = false
            if peek() == "^" {
                negated = true
                i += 1
            }
            var set = RangeSet()
            var first = true
            while true {
                guard let c = peek() else { throw SyntaxError("missing closing ]") }
                if c == "]", !first {
                    i += 1
                    break
                }
                first = false
                if c == "[", peek(1) == ":", let found = posixName() {
                    let (name, end) = found
                    let negatedPOSIX = name.first == "^"
                    let bare = negatedPOSIX ? Array(name.dropFirst()) : name
                    guard let ranges = Self.posixClass(String(String.UnicodeScalarView(bare))) else {
                        throw SyntaxError("unknown POSIX class [:\(LinearRegex.show(name)):]")
                    }
                    set.add(ranges, negated: negatedPOSIX, fold: flags.foldCase)
                    i = end
                    continue
                }
                if c == "\\", let e = peek(1) {
                    if let perl = Self.perlClass(e) {
                        i += 2
                        set.add(perl.ranges, negated: perl.negated, fold: flags.foldCase)
                        continue
                    }
                    if e == "p" || e == "P" { throw SyntaxError("Unicode classes \\p are not supported") }
                }
                let lo = try classChar()
                var hi = lo
                if peek() == "-", let next = peek(1), next != "]" {
                    i += 1
                    if next == "\\", let e = peek(1), Self.perlClass(e) != nil || e == "p" || e == "P" {
                        throw SyntaxError("invalid character class range")
                    }
                    hi = try classChar()
                    guard lo <= hi else {
                        throw SyntaxError("invalid character class range \(Self.showValue(lo))-\(Self.showValue(hi))")
                    }
                }
                set.add([(lo, hi)], negated: false, fold: flags.foldCase)
            }
            var ranges = set.normalized()
            if negated { ranges = RangeSet.complement(ranges) }
            return .set(classIndex(for: ranges))
        }

        private mutating func classChar() throws(SyntaxError) -> UInt32 {
            guard let c = peek() else { throw SyntaxError("missing closing ]") }
            if c == "\\" {
                i += 1
                return try parseCharEscape()
            }
            i += 1
            return c.value
        }

        /// `[:name:]` at `i` (Go looks for the closing `:]` anywhere further on).
        private func posixName() -> ([Unicode.Scalar], Int)? {
            var j = i + 2
            var name: [Unicode.Scalar] = []
            while j + 1 < s.count {
                if s[j] == ":", s[j + 1] == "]" { return (name, j + 2) }
                name.append(s[j])
                j += 1
            }
            return nil
        }

        private mutating func literal(_ c: UInt32, _ flags: Flags) -> Node {
            guard flags.foldCase, let orbit = FoldTable.shared.orbit(of: c) else { return .char(c) }
            return .set(classIndex(for: RangeSet.normalize(orbit.map { ($0, $0) })))
        }

        private mutating func classIndex(for ranges: [(UInt32, UInt32)]) -> Int {
            let key = ranges.flatMap { [$0.0, $0.1] }
            if let known = classByRanges[key] { return known }
            classes.append(CharClass(ranges))
            classByRanges[key] = classes.count - 1
            return classes.count - 1
        }

        private static func showValue(_ v: UInt32) -> String {
            Unicode.Scalar(v).map { LinearRegex.show([$0]) } ?? "?"
        }

        static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

        static func isWordChar(_ v: UInt32) -> Bool {
            (48...57).contains(v) || (65...90).contains(v) || (97...122).contains(v) || v == 95
        }

        static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
            switch c.value {
            case 48...57: return c.value - 48
            case 65...70: return c.value - 55
            case 97...102: return c.value - 87
            default: return nil
            }
        }

        static let digits: [(UInt32, UInt32)] = [(48, 57)]
        static let space: [(UInt32, UInt32)] = [(9, 10), (12, 13), (32, 32)]
        static let word: [(UInt32, UInt32)] = [(48, 57), (65, 90), (95, 95), (97, 122)]

        static func perlClass(_ c: Unicode.Scalar) -> (ranges: [(UInt32, UInt32)], negated: Bool)? {
            switch c {
            case "d": return (digits, false)
            case "D": return (digits, true)
            case "s": return (space, false)  // Go's \s: no \v
            case "S": return (space, true)
            case "w": return (word, false)
            case "W": return (word, true)
            default: return nil
            }
        }

        static func posixClass(_ name: String) -> [(UInt32, UInt32)]? {
            switch name {
            case "alnum": return [(48, 57), (65, 90), (97, 122)]
            case "alpha": return [(65, 90), (97, 122)]
            case "ascii": return [(0, 0x7F)]
            case "blank": return [(9, 9), (32, 32)]
            case "cntrl": return [(0, 0x1F), (0x7F, 0x7F)]
            case "digit": return digits
            case "graph": return [(0x21, 0x7E)]
            case "lower": return [(97, 122)]
            case "print": return [(0x20, 0x7E)]
            case "punct": return [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]
            case "space": return [(9, 13), (32, 32)]
            case "upper": return [(65, 90)]
            case "word": return word
            case "xdigit": return [(48, 57), (65, 70), (97, 102)]
            default: return nil
            }
        }
    }
}

// MARK: - Character sets

extension LinearRegex {
    /// Scalar ranges being collected for one class.
    fileprivate struct RangeSet {
        private var ranges: [(UInt32, UInt32)] = []

        /// Go's order: fold the positive set, then negate, so `(?i)\W` still excludes K and the Kelvin sign.
        mutating func add(_ items: [(UInt32, UInt32)], negated: Bool, fold: Bool) {
            var r = fold ? FoldTable.shared.folded(items) : items
            if negated { r = Self.complement(Self.normalize(r)) }
            ranges.append(contentsOf: r)
        }

        func normalized() -> [(UInt32, UInt32)] { Self.normalize(ranges) }

        /// Sorted, merged, non-overlapping. Values are at most 0x10FFFF, so `+ 1` cannot overflow.
        static func normalize(_ r: [(UInt32, UInt32)]) -> [(UInt32, UInt32)] {
            var out: [(UInt32, UInt32)] = []
            for (lo, hi) in r.sorted(by: { $0.0 < $1.0 }) {
                if let last = out.last, lo <= last.1 + 1 {
                    out[out.count - 1].1 = Swift.max(last.1, hi)
                } else {
                    out.append((lo, hi))
                }
            }
            return out
        }

        /// Of normalized ranges, over all scalars.
        static func complement(_ r: [(UInt32, UInt32)]) -> [(UInt32, UInt32)] {
            var out: [(UInt32, UInt32)] = []
            var next: UInt32 = 0
            for (lo, hi) in r {
                if lo > next { out.append((next, lo - 1)) }
                next = Swift.max(next, hi + 1)
            }
            if next <= 0x10FFFF { out.append((next, 0x10FFFF)) }
            return out
        }
    }

    /// A compiled class: a bitmap for ASCII, binary search over ranges for the rest.
    fileprivate struct CharClass: Sendable {
        private var low: UInt64 = 0
        private var high: UInt64 = 0
        /// Flat (lo, hi) pairs of the part at or above 128, sorted.
        private var ranges: [UInt32] = []

        init(_ normalized: [(UInt32, UInt32)]) {
            for (lo, hi) in normalized where lo <= hi {
                if lo < 128 {
                    for v in lo...Swift.min(hi, 127) {
                        if v < 64 { low |= UInt64(1) << UInt64(v) } else { high |= UInt64(1) << UInt64(v - 64) }
                    }
                }
                if hi >= 128 {
                    ranges.append(Swift.max(lo, 128))
                    ranges.append(hi)
                }
            }
        }

        func contains(_ c: UInt32) -> Bool {
            if c < 64 { return low & (UInt64(1) << UInt64(c)) != 0 }
            if c < 128 { return high & (UInt64(1) << UInt64(c - 64)) != 0 }
            var lo = 0
            var hi = ranges.count / 2
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if c < ranges[2 * mid] {
                    hi = mid
                } else if c > ranges[2 * mid + 1] {
                    lo = mid + 1
                } else {
                    return true
                }
            }
            return false
        }
    }

    /// Simple case folding: scalars grouped into orbits of those equal ignoring case (k, K, Kelvin sign),
    /// built once from the standard library's case mappings.
    struct FoldTable: Sendable {
        static let shared = FoldTable()

        /// Every scalar whose case mapping changes it lies in these blocks; a test checks this against
        /// the whole code space, so a new Unicode version cannot silently leave letters out.
        static let casedBlocks: [ClosedRange<UInt32>] = [
            0x41...0x58F, 0x10A0...0x10FF, 0x13A0...0x13FF, 0x1C80...0x1FFF, 0x2100...0x218F,
            0x24B6...0x24E9, 0x2C00...0x2D2F, 0xA640...0xA7FF, 0xAB50...0xABBF, 0xFB00...0xFB17,
            0xFF21...0xFF5A, 0x10400...0x105BF, 0x10C80...0x10DFF, 0x118A0...0x118FF,
            0x16E40...0x16EFF, 0x1E900...0x1E95F,
        ]

        /// Sorted scalars that have at least one other case form, with their orbit.
        private let members: [UInt32]
        private let orbitOfMember: [Int]
        private let orbits: [[UInt32]]

        private init() {
            var byKey: [UInt32: [UInt32]] = [:]
            for block in Self.casedBlocks {
                for v in block {
                    guard let s = Unicode.Scalar(v), s.properties.changesWhenCaseMapped else { continue }
                    byKey[Self.key(s), default: []].append(v)
                }
            }
            var pairs: [(UInt32, Int)] = []
            var orbits: [[UInt32]] = []
            for (key, members) in byKey.sorted(by: { $0.key < $1.key }) {
                var orbit = members
                // The key joins its own orbit unless it is filed under another key.
                if !orbit.contains(key), let k = Unicode.Scalar(key), !k.properties.changesWhenCaseMapped || Self.key(k) == key {
                    orbit.append(key)
                }
                guard orbit.count > 1 else { continue }
                orbit.sort()
                for m in orbit { pairs.append((m, orbits.count)) }
                orbits.append(orbit)
            }
            pairs.sort { $0.0 < $1.0 }
            members = pairs.map(\.0)
            orbitOfMember = pairs.map(\.1)
            self.orbits = orbits
        }

        /// lower(upper(s)), taking only single-scalar mappings. Dotless ı is kept apart, as in
        /// CaseFolding.txt, though its uppercase is I.
        private static func key(_ s: Unicode.Scalar) -> UInt32 {
            if s.value == 0x131 { return s.value }
            let upper = single(s.properties.uppercaseMapping) ?? s
            return (single(upper.properties.lowercaseMapping) ?? upper).value
        }

        private static func single(_ text: String) -> Unicode.Scalar? {
            var it = text.unicodeScalars.makeIterator()
            guard let first = it.next(), it.next() == nil else { return nil }
            return first
        }

        private func firstMember(atLeast v: UInt32) -> Int {
            var lo = 0
            var hi = members.count
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if members[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// The scalars equal to `v` ignoring case, `v` included; nil when there are no others.
        func orbit(of v: UInt32) -> [UInt32]? {
            let k = firstMember(atLeast: v)
            guard k < members.count, members[k] == v, orbitOfMember[k] < orbits.count else { return nil }
            return orbits[orbitOfMember[k]]
        }

        /// `ranges` with every other case form of their scalars added (unnormalized).
        func folded(_ ranges: [(UInt32, UInt32)]) -> [(UInt32, UInt32)] {
            var out = ranges
            for (lo, hi) in ranges {
                var k = firstMember(atLeast: lo)
                while k < members.count, members[k] <= hi {
                    if orbitOfMember[k] < orbits.count {
                        for m in orbits[orbitOfMember[k]] where m < lo || m > hi { out.append((m, m)) }
                    }
                    k += 1
                }
            }
            return out
        }
    }
}

// MARK: - Compiler and Pike VM

extension LinearRegex {
    fileprivate enum Inst: Sendable {
        case char(UInt32)
        case set(Int)
        case any
        case anyNotNL
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    fileprivate struct Compiler {
        var insts: [Inst] = []

        /// Every instruction goes through here, so `((a{1000}){1000}){1000}` fails after 10,000
        /// instructions instead of being expanded first.
        mutating func emit(_ inst: Inst) throws(SyntaxError) -> Int {
            guard insts.count < LinearRegex.maxProgramSize else {
                throw SyntaxError("pattern too large once repetitions are expanded")
            }
            insts.append(inst)
            return insts.count - 1
        }

        mutating func compile(_ node: Node) throws(SyntaxError) {
            switch node {
            case .empty: break
            case .char(let c): _ = try emit(.char(c))
            case .set(let k): _ = try emit(.set(k))
            case .any: _ = try emit(.any)
            case .anyNotNL: _ = try emit(.anyNotNL)
            case .assert(let a): _ = try emit(.assert(a))
            case .concat(let items):
                for item in items { try compile(item) }
            case .alternate(let branches):
                var exits: [Int] = []
                for (k, branch) in branches.enumerated() {
                    if k == branches.count - 1 {
                        try compile(branch)
                    } else {
                        let split = try emit(.split(0, 0))
                        try compile(branch)
                        exits.append(try emit(.jump(0)))
                        insts[split] = .split(split + 1, insts.count)
                    }
                }
                for exit in exits { insts[exit] = .jump(insts.count) }
            case .repetition(let body, let lo, let hi):
                try compileRepetition(body, min: lo, max: hi)
            }
        }

        /// Copies of a body that compiles to nothing are all nothing: stop at the first, so
        /// `((){1000}){1000}` does no work.
        private mutating func compileRepetition(_ body: Node, min lo: Int, max hi: Int) throws(SyntaxError) {
            let required = hi < 0 ? Swift.max(lo - 1, 0) : lo
            for _ in stride(from: 0, to: required, by: 1) {
                let before = insts.count
                try compile(body)
                if insts.count == before { return }
            }
            if hi < 0 {
                if lo == 0 {
                    let split = try emit(.split(0, 0))
                    try compile(body)
                    if insts.count == split + 1 {
                        insts.removeLast()
                        return
                    }
                    _ = try emit(.jump(split))
                    insts[split] = .split(split + 1, insts.count)
                } else {
                    let start = insts.count
                    try compile(body)
                    if insts.count == start { return }
                    _ = try emit(.split(start, insts.count + 1))
                }
                return
            }
            // x{n,m}: nested optionals x(x(x)?)?, each skipping to the end.
            var splits: [Int] = []
            for _ in stride(from: 0, to: hi - lo, by: 1) {
                let split = try emit(.split(0, 0))
                try compile(body)
                if insts.count == split + 1 {
                    insts.removeLast()
                    break
                }
                splits.append(split)
            }
            let end = insts.count
            for split in splits { insts[split] = .split(split + 1, end) }
        }
    }

    fileprivate struct Program: Sendable {
        let insts: [Inst]
        let classes: [CharClass]

        /// Pike VM without captures: the set of live states advances one scalar at a time, each state
        /// at most once per step, so the cost is O(text × program) with no backtracking.
        func wholeMatch(_ text: String) -> Bool {
            let n = insts.count
            guard n > 0 else { return false }
            // mark[pc] == step: pc already added for this position. Reused across steps, never cleared.
            var mark = [Int](repeating: -1, count: n)
            var current: [Int] = []
            var next: [Int] = []
            var stack: [Int] = []
            current.reserveCapacity(n)
            next.reserveCapacity(n)
            stack.reserveCapacity(n)

            var scalars = text.unicodeScalars.makeIterator()
            var before: Int32 = -1
            var at: Int32 = scalars.next().map { Int32(bitPattern: $0.value) } ?? -1
            var step = 0
            addClosure(0, to: &current, step: step, before: before, at: at, mark: &mark, stack: &stack)
            while at >= 0 {
                if current.isEmpty { return false }
                let c = UInt32(bitPattern: at)
                let after: Int32 = scalars.next().map { Int32(bitPattern: $0.value) } ?? -1
                step += 1
                next.removeAll(keepingCapacity: true)
                for pc in current {
                    let consumed: Bool
                    switch insts[pc] {
                    case .char(let x): consumed = x == c
                    case .set(let k): consumed = k < classes.count && classes[k].contains(c)
                    case .any: consumed = true
                    case .anyNotNL: consumed = c != 10
                    default: consumed = false
                    }
                    if consumed {
                        addClosure(pc + 1, to: &next, step: step, before: at, at: after, mark: &mark, stack: &stack)
                    }
                }
                swap(&current, &next)
                before = at
                at = after
            }
            for pc in current {
                if case .match = insts[pc] { return true }
            }
            return false
        }

        /// Follows jumps, splits and assertions from `start`, adding the consuming states and `match`.
        /// An explicit stack, since a program may chain thousands of splits.
        private func addClosure(_ start: Int, to list: inout [Int], step: Int, before: Int32, at: Int32,
                                mark: inout [Int], stack: inout [Int]) {
            let n = insts.count
            func push(_ pc: Int) {
                guard pc >= 0, pc < n, mark[pc] != step else { return }
                mark[pc] = step
                stack.append(pc)
            }
            // Most steps land on a consuming instruction: add it without going through the stack.
            guard start >= 0, start < n, mark[start] != step else { return }
            switch insts[start] {
            case .jump, .split, .assert:
                push(start)
            default:
                mark[start] = step
                list.append(start)
                return
            }
            while let pc = stack.popLast() {
                switch insts[pc] {
                case .jump(let target): push(target)
                case .split(let a, let b):
                    push(b)
                    push(a)
                case .assert(let a):
                    if Self.holds(a, before: before, at: at) { push(pc + 1) }
                default: list.append(pc)
                }
            }
        }

        /// `before`/`at`: the scalars either side of the position, -1 past either end.
        private static func holds(_ a: Assertion, before: Int32, at: Int32) -> Bool {
            switch a {
            case .beginText: return before < 0
            case .endText: return at < 0
            case .beginLine: return before < 0 || before == 10
            case .endLine: return at < 0 || at == 10
            case .wordBoundary: return isWord(before) != isWord(at)
            case .notWordBoundary: return isWord(before) == isWord(at)
            }
        }

        private static func isWord(_ c: Int32) -> Bool {
            c >= 0 && Parser.isWordChar(UInt32(bitPattern: c))
        }
    }
}

// MARK: - Fast paths

extension LinearRegex {
    /// Most matchers are literals, alternations of literals, or literals around `.*`; those are
    /// answered by comparing UTF-8 bytes (equal bytes are equal scalars, unlike `String ==`).
    fileprivate enum FastPath: Sendable {
        case literals([[UInt8]])
        case glob(Glob)
        case none

        init(_ root: Node) {
            if let literal = Self.scalars(of: root) {
                self = .literals([Self.utf8(literal)])
            } else if case .alternate(let branches) = root {
                var options: [[UInt8]] = []
                for branch in branches {
                    guard let literal = Self.scalars(of: branch) else {
                        self = .none
                        return
                    }
                    options.append(Self.utf8(literal))
                }
                self = .literals(options)
            } else if let glob = Glob(root) {
                self = .glob(glob)
            } else {
                self = .none
            }
        }

        static func scalars(of node: Node) -> [UInt32]? {
            switch node {
            case .empty: return []
            case .char(let c): return [c]
            case .concat(let items):
                var out: [UInt32] = []
                for item in items {
                    guard case .char(let c) = item else { return nil }
                    out.append(c)
                }
                return out
            default: return nil
            }
        }

        static func utf8(_ scalars: [UInt32]) -> [UInt8] {
            var view = String.UnicodeScalarView()
            for v in scalars {
                if let u = Unicode.Scalar(v) { view.append(u) }
            }
            return Array(String(view).utf8)
        }
    }

    /// Literal pieces separated by `.*`: the first and last pieces pin the ends, the middle ones are
    /// found leftmost in order (KMP, so linear). UTF-8 is self-synchronizing, so byte matches of whole
    /// pieces fall on scalar boundaries.
    fileprivate struct Glob: Sendable {
        let pieces: [[UInt8]]
        let failure: [[Int]]
        /// Some `.*` does not cross `\n`: texts with a newline go to the NFA.
        let newlineSensitive: Bool

        init?(_ root: Node) {
            let items: [Node]
            if case .concat(let list) = root { items = list } else { items = [root] }
            var pieces: [[UInt32]] = []
            var piece: [UInt32] = []
            var newlineSensitive = false
            for item in items {
                switch item {
                case .char(let c):
                    piece.append(c)
                case .repetition(.any, min: 0, max: -1):
                    pieces.append(piece)
                    piece = []
                case .repetition(.anyNotNL, min: 0, max: -1):
                    pieces.append(piece)
                    piece = []
                    newlineSensitive = true
                default:
                    return nil
                }
            }
            pieces.append(piece)
            guard pieces.count >= 2 else { return nil }
            let bytes = pieces.map(FastPath.utf8)
            self.pieces = bytes
            self.failure = bytes.map(Self.failureTable)
            self.newlineSensitive = newlineSensitive
        }

        /// nil: not decidable here (a newline with a newline-sensitive `.*`).
        func wholeMatch(_ text: String) -> Bool? {
            if let result = text.utf8.withContiguousStorageIfAvailable({ match($0) }) { return result }
            return Array(text.utf8).withUnsafeBufferPointer { match($0) }
        }

        private func match(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
            if newlineSensitive, bytes.contains(10) { return nil }
            guard pieces.count >= 2, let head = pieces.first, let tail = pieces.last else { return nil }
            let n = bytes.count
            guard n >= head.count + tail.count else { return false }
            for k in 0..<head.count where bytes[k] != head[k] { return false }
            let end = n - tail.count
            for k in 0..<tail.count where bytes[end + k] != tail[k] { return false }
            var position = head.count
            for m in stride(from: 1, to: pieces.count - 1, by: 1) {
                guard let found = find(m, in: bytes, from: position, to: end) else { return false }
                position = found + pieces[m].count
            }
            return true
        }

        /// Start of the first occurrence of pieces[m] wholly inside bytes[from..<to].
        private func find(_ m: Int, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
            let p = pieces[m]
            let f = failure[m]
            if p.isEmpty { return from <= to ? from : nil }
            var k = 0
            var j = from
            while j < to {
                while k > 0, p[k] != bytes[j] { k = f[k - 1] }
                if p[k] == bytes[j] { k += 1 }
                if k == p.count { return j + 1 - p.count }
                j += 1
            }
            return nil
        }

        private static func failureTable(_ p: [UInt8]) -> [Int] {
            var f = [Int](repeating: 0, count: p.count)
            var k = 0
            for q in stride(from: 1, to: p.count, by: 1) {
                while k > 0, p[k] != p[q] { k = f[k - 1] }
                if p[k] == p[q] { k += 1 }
                f[q] = k
            }
            return f
        }
    }
}
