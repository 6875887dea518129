public import Description

/// Reads what families say about a missing person — "穿藏青色外套、黑裤子的老大爷，约1米6，被一个穿米色
/// 大衣的阿姨推着轮椅", "girl 6, pink bobble hat, white puffer coat, her brother has a blue balloon" —
/// in Chinese (simplified or traditional), English or both mixed, into garments with colours, carried
/// things, age, height and build, keeping the people around them apart.
///
/// How it reads:
/// - **Words**: traditional characters are made simplified, full-width punctuation half-width, common
///   input-method slips fixed (篮色 → 蓝色); then longest match against the colour lexicon and
///   ``ReadingVocabulary``; an English word not known is tried as a plural, a possessive, two words
///   run together ("redcoat") or a misspelling within one edit ("trowsers"). Modifiers merge into
///   the colour after them with the compound's weights ("light blue" → blue, cyan).
/// - **Clauses** end at , ; 。 ! ? and line breaks (not at 、). Each clause starts with the missing
///   person; a person word after "with", "pushed by", 和, 跟, 由, 被 …, or any person word other than
///   the missing person's, starts a companion, as does "I" / 我 followed by what they wear. In Chinese,
///   "穿米色大衣的阿姨" gives what came before 的 to the person after it. The missing person is the one
///   the clause with "lost" / 走丢 names, else the first person named outside a companion phrase.
/// - **Colours** go to the target right after them ("red jacket", "红色的外套", "red woolly hat", up
///   to two unknown words between), or back to a garment said before with a colon, "is" / 是, or (in
///   Chinese) a space ("上衣红色 裤子蓝色"); a colour before hair, a place, a car or a printed motif
///   goes to that and is never clothing; a colour of an unknown thing ("a red dinosaur on it") is
///   dropped. A colour with no garment covers the top if it has none yet, else the bottom, else the
///   last garment; after 一身 / "head to toe" it covers both. "not black" drops black; after "no
///   wait" / 不对 a colour replaces the one said before for that garment.
/// - **Garments**: top, outer layer, bottom, one-piece (both), headwear, footwear. Scarves, gloves,
///   masks and glasses are left out. Jeans said without colour are blue. Pattern words make the
///   second colour less sure. Bags, umbrellas, pushchairs, wheelchairs, walking sticks, toys,
///   balloons and phones are carried items with colours of their own (a pushchair or wheelchair is
///   the missing person's even when someone else pushes it).
/// - **Age**: years ("7岁", "78 years old", "八十多岁", "in her eighties", "in his 70s", "my son, 5")
///   decide; else plain words ("年纪大了", "pensioner", "still in nappies"); else the person word
///   (小孩, toddler, 奶奶, grandma …). Kinship alone ("my son", 我女儿) says no age.
/// - **Height**: "110cm", "1.1m", "1米1", "一米二", "身高120", "4 foot", "3'6\"", "5ft 2"; a bare
///   number 100–230 is a height.
public struct DescriptionReader: Sendable {
    /// A colour word lists every name with at least this weight.
    public static let listingWeight: Float = 0.2
    /// Under this many years is a child; this many and over is elderly.
    public static let childUnderYears = 14
    public static let elderlyFromYears = 65
    /// Longest description read, in characters (the API and the CLI take at most 500).
    public static let maximumLength = 2000

    static let defaultModifiers = ["dark", "light", "deep", "pale", "bright", "深", "浅", "淡", "亮"]

    public let model: ColourNameModel
    let tokenizer: ReadingTokenizer

    public init(model: ColourNameModel) {
        self.model = model
        tokenizer = ReadingTokenizer(model: model)
    }

    /// Reads one description.
    /// - Throws: ``MatchingError/emptyDescription`` when `text` has no letter or digit (spaces,
    ///   punctuation, emoji), ``MatchingError/descriptionTooLong(limit:)``,
    ///   ``MatchingError/descriptionHasMarkup`` for HTML, ``MatchingError/descriptionHasControlCharacters``.
    public func read(_ text: String) throws -> DescriptionReading {
        try Self.validate(text)
        let chars = ReadingText.normalised(text)
        var interpretation = Interpretation(tokens: tokenizer.tokenize(chars), chars: chars)
        return interpretation.run()
    }

    /// Reads a description for filing a report: as ``read(_:)``, and throws
    /// ``MatchingError/nothingUnderstood(words:)`` when nothing about the person was found.
    public func readForFiling(_ text: String) throws -> DescriptionReading {
        let r = try read(text)
        if r.isEmpty { throw MatchingError.nothingUnderstood(words: r.unparsed) }
        return r
    }

    static func validate(_ text: String) throws {
        if text.count > maximumLength { throw MatchingError.descriptionTooLong(limit: maximumLength) }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) {
            throw MatchingError.descriptionHasControlCharacters
        }
        let scalars = Array(text.unicodeScalars)
        for (i, s) in scalars.enumerated() where s == "<" && i + 1 < scalars.count {
            let n = scalars[i + 1]
            if (n.properties.isAlphabetic && n.isASCII) || n == "/" || n == "!" {
                if scalars[(i + 1)...].contains(">") { throw MatchingError.descriptionHasMarkup }
            }
        }
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { throw MatchingError.emptyDescription }
    }
}

/// One reading in progress.
struct Interpretation {
    typealias Meaning = ReadingVocabulary.Meaning

    enum Target: Equatable {
        case garment(GarmentKind, jeans: Bool)
        case item(CarriedKind)
        /// A colour said with no garment; resolved to top, bottom or both at the end.
        case loose(wholeBody: Bool)
        /// Hair, places, motifs, accessories: colours that are not clothing.
        case notClothing(IgnoredWords.Reason)
    }

    struct Slot {
        var owner: Int
        var target: Target
        var word: String?
        var colours: [ColourMention] = []
        var pattern: String?
        /// A colon or "is" followed the word: its colour comes after ("top: red", "上衣是红色").
        var colourAfter = false
        var token: Int
        var replaced = false
    }

    struct Person {
        var word: String?
        var nounAges: [AgeGroup] = []
        /// Token index of the last word that named them.
        var lastMention = -1
    }

    enum FactKind {
        case years(Int), height(Double), phrase(AgeGroup), build(BodyBuild)
    }

    struct Fact {
        var owner: Int
        var kind: FactKind
        var token: Int
    }

    struct Pending {
        var mention: ColourMention
        var token: Int
        /// Nothing but 色, 的, patterns, joiners and up to two unknown words since it: it may go to
        /// the target that comes next.
        var adjacent = true
        /// Unknown words followed it: it may describe something the reader does not know.
        var unknownAfter = 0
        /// The colourless target it came right after ("上衣红色"), if any.
        var after: Int?
    }

    let tokens: [ReadingToken]
    let chars: [Character]

    var persons: [Person] = [Person()]
    var slots: [Slot] = []
    var facts: [Fact] = []
    var ignored: [IgnoredWords] = []

    var current = 0
    var pending: [Pending] = []
    var colourless: [Int] = []
    var segmentSlots = 0
    var segmentFacts = 0
    var patternWord: String?
    var wholeBody = false
    var motifClause = false
    /// Colours said before 印着 in "白色印着奥特曼的T恤": the garment's, not the picture's.
    var heldForGarment: [Pending] = []
    var negateNext = false
    var correction = false
    /// Age adjective waiting for the person word after it ("little", 小).
    var adjective: AgeGroup?
    var subjectToken: Int?
    /// The missing person's name, when the text names them only so ("missing is tom, 6").
    var nameToken: Int?
    /// The companion now spoken of was named as the topic of the clause ("推轮椅的护工是个阿姨，穿米色
    /// 大衣", "her brother (red t-shirt)"): they stay the one spoken of across a comma.
    var topicCompanion = false
    /// The last target of the clause before, when it got no colour: a clause of colours alone
    /// ("戴个毛线帽，粉色的", "a cap (navy)") describes it.
    var previousClauseTarget: Int?
    var clauseStartSlots = 0
    /// Token index of the last person word or pronoun, for "my son, 5" and "she's 81", and whom it names.
    var lastPersonToken: Int?
    var lastPersonOwner = 0

    init(tokens: [ReadingToken], chars: [Character]) {
        self.tokens = tokens
        self.chars = chars
    }

    // MARK: Who is who

    func isPerson(_ n: Int) -> Bool {
        if case .person = tokens[n].meaning { return true }
        return false
    }

    /// The next token from `n` that is not a small word, possessive, number or age word.
    func nextContent(after n: Int) -> Int? {
        var k = n + 1
        while k < tokens.count {
            switch tokens[k].kind {
            case .meaning(.stop), .meaning(.pronoun(subjective: false)), .meaning(.de), .meaning(.ageAdjective),
                 .meaning(.agePhrase), .years, .number, .meaning(.reporter), .meaning(.copula):
                k += 1
            default:
                return k
            }
        }
        return nil
    }

    /// Is the person word at `n` inside a companion phrase ("with her grandson", "由奶奶")?
    func afterCompanionMarker(_ n: Int, joiningOnly: Bool = false) -> Bool {
        var k = n - 1
        var steps = 0
        var relative = false
        /// Inside "穿…的" until its 穿 is passed: 和 there joins garments ("穿白色短袖和黑色半身裙的女孩").
        var insideRelative = false
        while k >= 0, steps < (relative ? 12 : 4) {
            switch tokens[k].kind {
            case .meaning(.companionMarker) where insideRelative:
                k -= 1
                steps += 1
            case .meaning(.phraseBreak) where insideRelative:
                insideRelative = false
                k -= 1
                steps += 1
            case .meaning(.companionMarker(let breaks)): return !joiningOnly || !breaks
            case .meaning(.stop), .meaning(.pronoun(subjective: false)), .meaning(.ageAdjective), .meaning(.agePhrase),
                 .meaning(.reporter), .years, .number:
                k -= 1
                steps += 1
            case .meaning(.de):
                // "跟着一个穿白衬衫的叔叔": what the 的 closes describes the person; look past it.
                relative = chars[tokens[n].range.lowerBound].isASCII == false
                insideRelative = relative
                k -= 1
                steps += 1
            case .colour, .suffix, .joiner, .emptyModifier, .meaning(.garment), .meaning(.item), .meaning(.phraseBreak),
                 .meaning(.adjective), .meaning(.pattern):
                // Clothes are walked over only inside a 的-relative.
                guard relative else { return false }
                k -= 1
                steps += 1
            default: return false
            }
        }
        return false
    }

    /// The missing person's first word: the person named in a clause that says "lost", else the
    /// first person named outside a companion phrase.
    mutating func findSubject() -> Int? {
        var clauseStart = 0
        for n in 0...tokens.count {
            let end = n == tokens.count
            if !end, case .clauseBreak = tokens[n].kind {} else if !end { continue }
            let range = clauseStart..<n
            clauseStart = n + 1
            guard let lost = range.first(where: { if case .lostMarker = tokens[$0].meaning { true } else { false } }) else { continue }
            var people = range.filter { isPerson($0) && !afterCompanionMarker($0) && reporterNaming($0) == nil }
            if people.isEmpty {
                // "My toddler, still in diapers, just started walking, wandered off": the person named
                // earlier in the sentence.
                var s = range.lowerBound
                while s > 0, case .clauseBreak = tokens[s - 1].kind, Self.softBreaks.contains(tokens[s - 1].text) {
                    s -= 1
                    while s > 0 { if case .clauseBreak = tokens[s - 1].kind { break }; s -= 1 }
                }
                people = (s..<range.lowerBound).filter { isPerson($0) && !afterCompanionMarker($0) && reporterNaming($0) == nil }
            }
            // "… and my dad just wandered off": "and" joins the clause, it brings no one along.
            if people.isEmpty { people = range.filter { isPerson($0) && afterCompanionMarker($0, joiningOnly: true) } }
            if let nearest = people.min(by: { abs($0 - lost) < abs($1 - lost) }) { return nearest }
            // Anyone named outside a companion phrase, but not "his sister": a relation of the one missing.
            let named = tokens.indices.contains { k in isPerson(k) && !afterCompanionMarker(k) && !relationOfAnother(k) }
            if people.isEmpty, nameToken == nil, !named {
                // "missing is tom", "jamie lost": an unknown word next to "lost" is the person's name
                // (not a place: "lost at chinatown"), when no person word names them.
                nameToken = range.first { k in
                    guard case .unknown = tokens[k].kind, tokens[k].text.first!.isASCII, abs(k - lost) <= 2 else { return false }
                    return k == 0 || !Self.placePrepositions.contains(tokens[k - 1].text)
                }
            }
        }
        if nameToken != nil { return nil }
        let candidates = tokens.indices.filter { isPerson($0) && !afterCompanionMarker($0) && reporterNaming($0) == nil }
        // "his dad", "her brother" are relations of the one missing: anyone else first.
        guard var first = candidates.first(where: { !relationOfAnother($0) }) ?? candidates.first else { return nil }
        // "我妹妹的孩子": the person is the one after 的.
        while first + 2 < tokens.count, case .meaning(.de) = tokens[first + 1].kind, isPerson(first + 2) { first += 2 }
        return first
    }

    /// A child word (孩子, little girl) and a child's kinship word (女儿, my son) said before anyone
    /// else is introduced name the same person: "找孩子：我女儿两岁半".
    func sameMissingPerson(_ word: String, age: AgeGroup?) -> Bool {
        guard persons.count == 1, let subject = persons[0].word else { return false }
        let subjectAge = persons[0].nounAges.first
        let subjectIsKin = Self.childKin.contains(Self.root(subject)), isKin = Self.childKin.contains(Self.root(word))
        return (subjectIsKin && !isKin && age == .child) || (!subjectIsKin && isKin && subjectAge == .child)
    }

    /// "his sister", "her dad", 他的妈妈: the person word at `n` names someone's relation.
    func relationOfAnother(_ n: Int) -> Bool {
        n > 0 && Self.thirdPersonPossessives.contains(tokens[n - 1].text)
    }

    static let thirdPersonPossessives: Set<String> = ["his", "her", "their", "他的", "她的"]

    /// A clause break that ends a sentence (not a comma or bracket).
    func endsSentence(_ k: Int) -> Bool {
        if case .clauseBreak = tokens[k].kind { return !Self.softBreaks.contains(tokens[k].text) }
        return false
    }

    /// "my other daughter", 另一个女儿: someone besides the one of that name already spoken of.
    static let otherWords: Set<String> = ["other", "另一个", "另外", "另外一个"]

    static let childKin: Set<String> = Set(ReadingVocabulary.childKin.split(separator: " ").map(String.init))

    static let kin: [String: Int] = {
        var m: [String: Int] = [:]
        for (i, group) in ReadingVocabulary.sameKin.enumerated() { for w in group.split(separator: " ") { m[String(w)] = i } }
        return m
    }()
    static let males = Set(ReadingVocabulary.male.split(separator: " ").map(String.init))
    static let females = Set(ReadingVocabulary.female.split(separator: " ").map(String.init))

    static func gender(_ word: String?) -> Int? {
        guard let w = word.map(root) else { return nil }
        return males.contains(w) ? 1 : females.contains(w) ? 2 : nil
    }

    static func root(_ s: String) -> String {
        var w = s
        for cut in ["'s", "s"] where w.count > cut.count + 2 && w.hasSuffix(cut) && kin[w] == nil && !males.contains(w) && !females.contains(w) {
            w = String(w.dropLast(cut.count))
            break
        }
        return w
    }

    static func sameWord(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        let ra = root(a), rb = root(b)
        if ra == rb { return true }
        if let ka = kin[ra], let kb = kin[rb] { return ka == kb }
        return false
    }

    static let placePrepositions: Set<String> = ["at", "in", "near", "by", "from", "on", "to", "around", "outside", "inside"]
    static let dollWords: Set<String> = ["娃娃", "娃"]
    static let holdingVerbs: Set<String> = ["拿着", "拿", "抱着", "抱", "拎着", "拎", "holding", "holds", "carrying", "carries", "攞住", "攞"]

    /// The word at `n` is the second half of a hyphenated name ("spider-man").
    func partOfName(_ n: Int) -> Bool {
        let lb = tokens[n].range.lowerBound
        return lb >= 2 && chars[lb - 1] == "-" && ReadingText.isLetter(chars[lb - 2])
    }

    /// A holding verb comes shortly before `n` in its clause.
    func heldThing(_ n: Int) -> Bool {
        var k = n - 1
        while k >= 0, n - k <= 6 {
            if case .clauseBreak = tokens[k].kind { return false }
            if Self.holdingVerbs.contains(tokens[k].text) { return true }
            k -= 1
        }
        return false
    }

    /// The number at `n` opens a sentence and no person or garment word follows it ("…lookout. 84 and
    /// gets confused").
    func opensSentence(_ n: Int) -> Bool {
        guard n == 0 || endsSentence(n - 1) else { return false }
        guard let next = nextContent(after: n) else { return true }
        switch tokens[next].kind {
        case .meaning(.person), .meaning(.garment), .meaning(.item), .colour: return false
        default: return true
        }
    }

    /// The token at `n` is a clause by itself, save small words and "my" ("…，高中生，", ", my aunt,", ", 84,").
    func standsAlone(_ n: Int) -> Bool {
        var k = n - 1
        while k >= 0 {
            switch tokens[k].kind {
            case .meaning(.stop), .meaning(.reporter): k -= 1
                continue
            case .clauseBreak: break
            default: return false
            }
            break
        }
        var e = n + 1
        while e < tokens.count {
            switch tokens[e].kind {
            case .meaning(.stop): e += 1
                continue
            case .clauseBreak: return true
            default: return false
            }
        }
        return true
    }

    /// A person word said alone after the person spoken of says who they are: "Elderly woman, my aunt,
    /// 81", "我儿子今年十五岁，高中生" — a relation for someone named by a plain word, or an age word
    /// that agrees with what is known of them.
    func apposition(_ n: Int, age: AgeGroup?) -> Bool {
        guard let last = lastPersonToken, last < n, n - last <= 8, standsAlone(n), !afterCompanionMarker(n) else { return false }
        // Only right after them: no sentence ends between.
        guard !(last..<n).contains(where: endsSentence) else { return false }
        let p = persons[current]
        if age == nil { return !p.nounAges.isEmpty && !Self.isKin(p.word) }
        return p.nounAges.allSatisfy { $0 == age }
    }

    static let kinWords: Set<String> = Set(ReadingVocabulary.people.filter { $0.0 == nil }.flatMap { $0.1.split(separator: " ").map(String.init) })

    /// A word for a relation (son, 奶奶, grandad), not a plain word for a person (woman, 老人).
    static func isKin(_ word: String?) -> Bool {
        guard let w = word.map(root) else { return false }
        return kin[w] != nil || kinWords.contains(w) || childKin.contains(w)
    }

    /// The reporter word a person word at `n` follows ("I'm the mom", "我是他妈妈", "I am his carer"):
    /// the person named is the one writing.
    func reporterNaming(_ n: Int) -> Int? {
        // "我儿子", "my son" are the writer's relation, not the writer: a copula ("是", "am") or "I'm"
        // must stand between.
        var k = n - 1
        var steps = 0
        var copula = false
        while k >= 0, steps < 4 {
            switch tokens[k].kind {
            case .meaning(.reporter):
                return copula || ["i'm", "im", "i’m"].contains(tokens[k].text) ? k : nil
            case .meaning(.copula):
                copula = true
                k -= 1
                steps += 1
            case .meaning(.stop), .meaning(.pronoun(subjective: false)): k -= 1
                steps += 1
            default: return nil
            }
        }
        return nil
    }

    /// Who the person word at `n` is: the missing person (0) or a companion.
    mutating func resolve(person n: Int) -> Int {
        let word = tokens[n].text
        let age: AgeGroup? = { if case .person(let p) = tokens[n].meaning { p.age } else { nil } }()
        let other = n > 0 && Self.otherWords.contains(tokens[n - 1].text)
        if n == subjectToken || (!other && Self.sameWord(persons[0].word, word)) { return 0 }
        if let r = reporterNaming(n) { return reporter(r) }
        // "我儿子大学生", "my grandad, an old man": two person words together are one person.
        if let prev = previousSignificant(n), prev < n, isPerson(prev), !tokens[prev].text.hasSuffix("'s"), lastPersonToken == prev {
            return current
        }
        // "my daughter is a teenager", "she's an old lady", "他是个大学生": what the person is.
        if let prev = previousSignificant(n), let p = lastPersonToken {
            if prev == p, tokens[p].text.hasSuffix("'s"), !isPerson(p) { return lastPersonOwner }
            if case .meaning(.copula) = tokens[prev].kind, previousSignificant(prev) == p { return lastPersonOwner }
        }
        if let existing = persons.indices.dropFirst().first(where: { Self.sameWord(persons[$0].word, word) }) { return existing }
        if apposition(n, age: age) { return current }
        if !afterCompanionMarker(n), sameMissingPerson(word, age: age) { return 0 }
        if !afterCompanionMarker(n), let sAge = persons[0].nounAges.first, let age, age == sAge, age != .adult {
            // "my grandma … granny": another word for the same old person or child
            return 0
        }
        persons.append(Person(word: word))
        return persons.count - 1
    }

    /// The person writing, named by the reporter word at `n` ("我", "I"): one companion however often said.
    mutating func reporter(_ n: Int) -> Int {
        if let existing = persons.indices.dropFirst().first(where: { persons[$0].word == "我" || persons[$0].word == "I" }) {
            return existing
        }
        persons.append(Person(word: tokens[n].text.first!.isASCII ? "I" : "我"))
        return persons.count - 1
    }

    mutating func switchTo(_ owner: Int) {
        flush()
        current = owner
        segmentSlots = slots.count
        segmentFacts = facts.count
    }

    // MARK: Reading

    mutating func run() -> DescriptionReading {
        subjectToken = findSubject()
        if let s = subjectToken { persons[0].word = tokens[s].text }
        for n in tokens.indices { step(n) }
        flush()
        return result()
    }

    func previousSignificant(_ n: Int) -> Int? {
        var k = n - 1
        while k >= 0 {
            switch tokens[k].kind {
            case .meaning(.stop): k -= 1
            default: return k
            }
        }
        return nil
    }

    mutating func step(_ n: Int) {
        let t = tokens[n]
        switch t.kind {
        case .colour(let w):
            guard !w.isEmpty else { return }
            let mention = ColourMention(word: t.text, weights: w)
            if negateNext {
                negateNext = false
                for i in slots.indices where slots[i].owner == current {
                    slots[i].colours.removeAll { $0.primary == mention.primary }
                }
                return
            }
            var p = Pending(mention: mention, token: n)
            let spaced = n > 0 && !chars[tokens[n].range.lowerBound].isASCII
                && chars[tokens[n - 1].range.upperBound..<tokens[n].range.lowerBound].contains(" ")
            if !spaced, let before = pending.last, let back = before.after {
                // "花褂子红底白花的": the colours in one run after a garment are all its own.
                p.after = back
            } else if !spaced, let back = colourless.last, let prev = previousSignificant(n) {
                switch tokens[prev].kind {
                case .colon, .meaning(.copula), .meaning(.de):
                    if slots[back].token < prev { p.after = back }
                case .meaning(.stop) where ["it's", "its", "it"].contains(tokens[prev].text):
                    // "she uses a cane it's silver"
                    if slots[back].token < prev {
                        p.after = back
                        slots[back].colourAfter = true
                    }
                default:
                    if prev == slots[back].token { p.after = back }
                }
            }
            pending.append(p)
        case .emptyModifier, .suffix, .joiner, .meaning(.adjective):
            break
        case .meaning(.pattern):
            patternWord = t.text
            let nextIsGarment: Bool = {
                guard let k = nextContent(after: n) else { return false }
                if case .meaning(.garment) = tokens[k].kind { return true }
                if case .colour = tokens[k].kind { return true }
                if case .meaning(.pattern) = tokens[k].kind { return true }
                return false
            }()
            if !pending.isEmpty, !nextIsGarment,
               let last = slots.indices.last(where: { slots[$0].owner == current && Self.isGarment(slots[$0].target) && !slots[$0].replaced }) {
                // "polka dot dress, red with white spots": the spots' colour is the dress's, less surely.
                var colours = pending.map(\.mention)
                for i in colours.indices { colours[i].fromPattern = true }
                give(colours, to: last)
                colourless.removeAll { $0 == last }
                pending = []
                patternWord = nil
                return
            }
            if pending.isEmpty, let last = slots.last, last.owner == current, case .garment = last.target,
               last.token >= segmentSlotsToken {
                slots[slots.count - 1].pattern = t.text
            }
        case .meaning(.de):
            break
        case .unknown where n == nameToken:
            if current != 0 { switchTo(0) }
            lastPersonToken = n
            lastPersonOwner = 0
        case .unknown:
            ignored.append(IgnoredWords(t.text, .notUnderstood))
            for i in pending.indices {
                pending[i].unknownAfter += 1
                if pending[i].unknownAfter > 2 { pending[i].adjacent = false }
            }
        case .meaning(.garment(let kind, let jeans)):
            bind(n, .garment(kind, jeans: jeans))
        case .meaning(.item(let kind)):
            bind(n, .item(kind))
        case .meaning(.accessory):
            bind(n, .notClothing(.accessory))
        case .meaning(.motif) where motifNamesThing(n):
            // "a green dinosaur backpack", "红色小猪书包": the motif says what kind of bag it is.
            break
        case .meaning(.motif) where t.text.hasPrefix("印") && !pending.isEmpty:
            // "白色印着奥特曼的T恤": white is the T-shirt's; what follows 印着 is the picture.
            heldForGarment = pending
            pending = []
            motifClause = true
        case .meaning(.body), .meaning(.place), .meaning(.motif):
            bind(n, .notClothing(.notClothing))
        case .meaning(.person) where partOfName(n):
            // "Spider-Man", "Iron-Man": a name, not a man.
            ignored.append(IgnoredWords(t.text, .notUnderstood))
        case .meaning(.person) where Self.dollWords.contains(t.text) && heldThing(n):
            // "手里拿着一个Elsa娃娃", "抱着白色的兔子娃娃": a doll.
            bind(n, .item(.toy))
        case .meaning(.person):
            let owner = resolve(person: n)
            if case .person(let p) = t.meaning {
                if let a = adjective ?? p.age { persons[owner].nounAges.append(a) }
            }
            adjective = nil
            // 穿米色大衣的阿姨: what came before 的 describes the person after it.
            if let prev = previousSignificant(n), case .meaning(.de) = tokens[prev].kind, owner != current {
                flush()
                for i in segmentSlots..<slots.count where slots[i].owner == current && !Self.alwaysMissingPersons(slots[i].target) {
                    slots[i].owner = owner
                }
                for i in segmentFacts..<facts.count where facts[i].owner == current { facts[i].owner = owner }
            }
            if owner != current {
                switchTo(owner)
                topicCompanion = owner != 0 && !afterCompanionMarker(n)
            } else {
                segmentSlots = slots.count
                segmentFacts = facts.count
            }
            lastPersonToken = n
            lastPersonOwner = owner
            persons[owner].lastMention = n
        case .meaning(.pronoun(let subjective)):
            var toSubject = subjective
            if !subjective, let next = nextContent(after: n) {
                switch tokens[next].kind {
                case .colour, .meaning(.garment), .meaning(.item): toSubject = true
                default: break
                }
            }
            let g = Self.gender(t.text)
            if toSubject, current != 0 {
                // "her brother … he's with me" stays with the brother; "my husband … she" is the missing person.
                let h = Self.gender(persons[current].word)
                if !topicCompanion || (g != nil && h != nil && g != h) {
                    switchTo(0)
                    topicCompanion = false
                }
            }
            if toSubject, current == 0, let g, let s = Self.gender(persons[0].word), g != s,
               let other = persons.indices.dropFirst().filter({ Self.gender(persons[$0].word) == g && persons[$0].lastMention >= 0 })
                .max(by: { persons[$0].lastMention < persons[$1].lastMention }) {
                // "my granddaughter … my husband is pushing her, he has a grey coat": "he" cannot be
                // the granddaughter; it is the last man named.
                switchTo(other)
                topicCompanion = true
            }
            if toSubject {
                lastPersonToken = n
                lastPersonOwner = current
            }
        case .meaning(.reporter):
            // "我穿红色外套", "I'm wearing a red top", "I'm in red", "I'm at the main entrance in a purple
            // polo": the person writing — unless someone else is named first ("I think she is in red").
            var k = n + 1
            // Chinese says it at once ("我穿…"); "大概到我腰这么高 穿个红色连体衣" is the child's.
            let reach = t.text.first!.isASCII ? 8 : 3
            scan: while k < tokens.count, k < n + reach {
                switch tokens[k].kind {
                case .meaning(.phraseBreak), .meaning(.copula):
                    switchTo(reporter(n))
                    topicCompanion = true
                    break scan
                case .clauseBreak, .meaning(.person), .meaning(.pronoun), .colour, .meaning(.garment), .meaning(.item),
                     .meaning(.lostMarker), .meaning(.companionMarker):
                    break scan
                default:
                    k += 1
                }
            }
        case .meaning(.companionMarker(let breaks)):
            if breaks { flush() }
            if let next = nextContent(after: n), isPerson(next) {
                let owner = resolve(person: next)
                if owner != current {
                    switchTo(owner)
                    topicCompanion = false
                }
            } else if breaks {
                segmentSlots = slots.count
                segmentFacts = facts.count
            }
        case .meaning(.lostMarker), .meaning(.ageMarker), .meaning(.heightMarker):
            break
        case .meaning(.relative):
            // "pushed by his son, who is in a black jacket": the clause is about the son.
            var k = n - 1
            while k >= 0, { switch tokens[k].kind { case .meaning(.stop), .clauseBreak: true; default: false } }() { k -= 1 }
            if k >= 0, k == lastPersonToken, isPerson(k) {
                if lastPersonOwner != current { switchTo(lastPersonOwner) }
                topicCompanion = lastPersonOwner != 0
            }
        case .meaning(.leftBehind):
            leaveBehind(before: n)
        case .meaning(.agePhrase(let a)):
            facts.append(Fact(owner: current, kind: .phrase(a), token: n))
        case .meaning(.ageAdjective(let a)):
            if let next = nextContent(after: n), isPerson(next) { adjective = a }
        case .meaning(.decade(let d)):
            facts.append(Fact(owner: current, kind: .years(d + 5), token: n))
        case .meaning(.wholeBody):
            wholeBody = true
        case .meaning(.negation):
            if let prev = previousSignificant(n), let last = slots.indices.last, slots[last].token == prev,
               case .item = slots[last].target, t.text.hasPrefix("没") || t.text.hasPrefix("不") {
                // "他手机没带": the item is not with them.
                slots.removeLast()
                colourless.removeAll { $0 == last }
            } else {
                negateNext = true
            }
        case .meaning(.correction):
            correction = true
        case .meaning(.build(let b)):
            facts.append(Fact(owner: current, kind: .build(b), token: n))
        case .meaning(.copula), .colon:
            if let last = slots.indices.last, slots[last].token == n - 1 || (n >= 2 && slots[last].token == n - 2) {
                slots[last].colourAfter = true
            }
            for i in pending.indices { pending[i].adjacent = false }
        case .meaning(.phraseBreak):
            flush()
        case .meaning(.stop):
            for i in pending.indices { pending[i].adjacent = false }
            if t.text == "no", n + 1 < tokens.count {
                // "no hat", "no shoes": not worn.
                switch tokens[n + 1].kind {
                case .meaning(.garment), .meaning(.item): negateNext = true
                default: break
                }
            }
        case .years(let y):
            facts.append(Fact(owner: current, kind: .years(y), token: n))
        case .height(let h):
            facts.append(Fact(owner: current, kind: .height(h), token: n))
        case .number(let v):
            // "my son, 5, red top", "she's 81", "他七十六了": a number right after a person is an age.
            if let p = lastPersonToken, v >= 1, v <= 110, closeToPerson(p, n) {
                facts.append(Fact(owner: current, kind: .years(Int(v)), token: n))
            } else if v >= 1, v < 100, standsAlone(n) || opensSentence(n),
                      !facts.contains(where: { if case .years = $0.kind { $0.owner == current } else { false } }) {
                // "yellow coat, 5", "Mum has dementia, 84, wandered off": a number said alone is the age.
                facts.append(Fact(owner: current, kind: .years(Int(v)), token: n))
            } else if t.text.first!.isASCII && t.text.first!.isNumber {
                ignored.append(IgnoredWords(t.text, .notUnderstood))
            }
        case .clauseBreak:
            if !heldForGarment.isEmpty {
                // No garment came after the picture: what followed 印着 is the picture's, the colours
                // said before it are the clothes'.
                flush()
                motifClause = false
                pending = heldForGarment
                heldForGarment = []
            }
            flush()
            endClause(soft: Self.softBreaks.contains(t.text))
        }
    }

    var segmentSlotsToken: Int { segmentSlots < slots.count ? slots[segmentSlots].token : Int.max }

    /// A motif word right before a garment or carried thing names what it is ("dinosaur backpack",
    /// "小猪书包"), rather than a picture on it whose colour is not the garment's.
    func motifNamesThing(_ n: Int) -> Bool {
        guard n + 1 < tokens.count, tokens[n].text.count > 2 || !tokens[n].text.first!.isASCII else { return false }
        switch tokens[n + 1].kind {
        case .meaning(.garment), .meaning(.item): return true
        default: return false
        }
    }

    /// "车还在我这里", "her bag is with me": the thing named last in this clause stays with the writer.
    mutating func leaveBehind(before n: Int) {
        var k = n - 1
        while k >= 0 {
            switch tokens[k].kind {
            case .meaning(.item(let kind)):
                for i in slots.indices where slots[i].target == .item(kind) && (slots[i].owner == 0 || slots[i].owner == current) {
                    slots[i].replaced = true
                }
                return
            case .meaning(.place) where tokens[k].text == "车":
                // The pushchair or wheelchair spoken of as 车.
                for i in slots.indices where slots[i].owner == 0 && (slots[i].target == .item(.pushchair) || slots[i].target == .item(.wheelchair)) {
                    slots[i].replaced = true
                }
                return
            case .meaning(.stop), .meaning(.copula):
                k -= 1
            default:
                return
            }
        }
    }

    /// Only small words, commas and "is" between the person at `p` and the number at `n`.
    func closeToPerson(_ p: Int, _ n: Int) -> Bool {
        guard n > p, n - p <= 4 else { return false }
        for k in (p + 1)..<n {
            switch tokens[k].kind {
            case .clauseBreak, .meaning(.copula), .meaning(.stop), .meaning(.lostMarker): continue
            case .unknown where k == p + 1: continue   // a name: "my son Leo is 9"
            default: return false
            }
        }
        return true
    }

    static func alwaysMissingPersons(_ t: Target) -> Bool {
        t == .item(.pushchair) || t == .item(.wheelchair)
    }

    static let softBreaks: Set<String> = [",", "，", "(", ")", "（", "）"]

    mutating func endClause(soft: Bool) {
        if let last = slots.indices.last, last >= clauseStartSlots, slots[last].colours.isEmpty,
           Self.isGarment(slots[last].target) || { if case .item = slots[last].target { true } else { false } }() {
            previousClauseTarget = last
        } else {
            previousClauseTarget = nil
        }
        clauseStartSlots = slots.count
        colourless = []
        wholeBody = false
        motifClause = false
        negateNext = false
        patternWord = nil
        adjective = nil
        if current != 0 && !(soft && topicCompanion) {
            current = 0
            topicCompanion = false
        }
        segmentSlots = slots.count
        segmentFacts = facts.count
    }

    /// A target word: gives it the colours said for it.
    mutating func bind(_ n: Int, _ target: Target) {
        let t = tokens[n]
        if negateNext, Self.isGarment(target) || { if case .item = target { true } else { false } }() {
            // "没戴帽子", "without a coat": not theirs.
            negateNext = false
            pending = []
            return
        }
        var owner = Self.alwaysMissingPersons(target) ? 0 : current
        if n > 0, case .meaning(.reporter) = tokens[n - 1].kind {
            // "放在我包包里": the writer's own.
            owner = reporter(n - 1)
        }
        var slot = Slot(owner: owner, target: target, word: t.text, token: n)
        if !pending.isEmpty {
            let last = pending[pending.count - 1]
            let gap = chars[tokens[last.token].range.upperBound..<t.range.lowerBound].contains(" ")
            let cjk = !(chars[tokens[last.token].range.lowerBound].isASCII)
            if let back = last.after, slots[back].colourAfter || (gap && cjk) {
                // "上衣红色 裤子蓝色", "top: red trousers: blue": the colours belong to the garment before.
                give(pending.map(\.mention), to: back)
                colourless.removeAll { $0 == back }
            } else if cjk, let back = pending.first(where: { $0.after != nil })?.after, pending.last?.after == nil {
                // "花褂子红底白花的 黑裤子": the run after 褂子 is its own, 黑 is the trousers'.
                give(pending.filter { $0.after == back }.map(\.mention), to: back)
                colourless.removeAll { $0 == back }
                slot.colours = pending.filter { $0.after == nil && $0.adjacent }.map(\.mention)
            } else {
                let near = pending.filter(\.adjacent)
                let far = pending.filter { !$0.adjacent }
                slot.colours = near.map(\.mention)
                if !far.isEmpty {
                    pending = far
                    flush()
                }
            }
            pending = []
        }
        if !heldForGarment.isEmpty, case .garment = target {
            slot.colours = heldForGarment.map(\.mention)
            heldForGarment = []
            motifClause = false
        }
        if let p = patternWord, case .garment = target {
            slot.pattern = p
            patternWord = nil
        }
        if slot.pattern != nil, slot.colours.count > 1 {
            for i in 1..<slot.colours.count { slot.colours[i].fromPattern = true }
        }
        slots.append(slot)
        let index = slots.count - 1
        if slot.colours.isEmpty {
            colourless.append(index)
        } else {
            applyCorrection(index)
        }
    }

    mutating func give(_ colours: [ColourMention], to index: Int) {
        slots[index].colours += colours
        applyCorrection(index)
    }

    /// After "no wait" / 不对: the garment's new colours replace what was said of the same kind.
    mutating func applyCorrection(_ index: Int) {
        guard correction else { return }
        correction = false
        let s = slots[index]
        for i in slots.indices where i != index && slots[i].owner == s.owner && !slots[i].colours.isEmpty {
            if Self.sameRegion(slots[i].target, s.target) { slots[i].replaced = true }
        }
    }

    static func sameRegion(_ a: Target, _ b: Target) -> Bool {
        func region(_ t: Target) -> Int {
            switch t {
            case .garment(let k, _): k.coversUpper && !k.coversLower ? 1 : k.coversLower && !k.coversUpper ? 2 : k == .onePiece ? 3 : k == .headwear ? 4 : 5
            case .item(let k): 10 + CarriedKind.allCases.firstIndex(of: k)!
            case .loose: 0
            case .notClothing: -1
            }
        }
        return region(a) == region(b) && region(a) >= 0
    }

    /// Colours said with no target after them go to a colourless garment said before in this clause,
    /// else (when nothing unknown followed them) to the person's clothes as a whole.
    mutating func flush() {
        guard !pending.isEmpty else { return }
        let colours = pending
        pending = []
        let targets = colourless.filter { slots[$0].owner == current || Self.alwaysMissingPersons(slots[$0].target) }
        if !targets.isEmpty {
            for s in targets { give(colours.map(\.mention), to: s) }
            colourless.removeAll { targets.contains($0) }
            return
        }
        var loose: [ColourMention] = []
        for p in colours {
            if motifClause || p.unknownAfter > 0 {
                let end = min(p.token + p.unknownAfter, tokens.count - 1)
                let text = String(chars[tokens[p.token].range.lowerBound..<tokens[end].range.upperBound])
                ignored.append(IgnoredWords(text, .notClothing))
            } else {
                loose.append(p.mention)
            }
        }
        guard !loose.isEmpty else { return }
        if let prev = previousClauseTarget, slots.count == clauseStartSlots, slots[prev].owner == current || Self.alwaysMissingPersons(slots[prev].target) {
            // "戴个毛线帽，粉色的": the colour of what the clause before named.
            previousClauseTarget = nil
            give(loose, to: prev)
            return
        }
        if correction, let last = slots.indices.last(where: { slots[$0].owner == current && !slots[$0].replaced && Self.isClothing(slots[$0].target) }) {
            // "外套是黑色的，不对，是深蓝色": the last garment's colour replaced.
            correction = false
            slots[last].colours = loose
            return
        }
        slots.append(Slot(owner: current, target: .loose(wholeBody: wholeBody), word: nil, colours: loose, token: colours[0].token))
    }

    static func isGarment(_ t: Target) -> Bool {
        if case .garment = t { return true }
        return false
    }

    static func isClothing(_ t: Target) -> Bool {
        switch t {
        case .garment, .loose: true
        default: false
        }
    }

    // MARK: Result

    func garments(of owner: Int) -> [GarmentReading] {
        var out: [GarmentReading] = []
        var hasUpper = false, hasLower = false
        var lastGarment: Int?
        for s in slots where s.owner == owner && !s.replaced {
            switch s.target {
            case .garment(let kind, let jeans):
                var colours = s.colours
                if colours.isEmpty && jeans { colours = [ColourMention(word: "jeans", weights: [WeightedColour(.blue, 1)])] }
                out.append(GarmentReading(kind: kind, word: s.word, colours: colours, pattern: s.pattern))
                if !colours.isEmpty {
                    hasUpper = hasUpper || kind.coversUpper
                    hasLower = hasLower || kind.coversLower
                }
                if kind != .headwear && kind != .footwear { lastGarment = out.count - 1 }
            case .loose(let whole):
                if whole {
                    out.append(GarmentReading(kind: .onePiece, word: nil, colours: s.colours))
                    hasUpper = true
                    hasLower = true
                } else if !hasUpper {
                    out.append(GarmentReading(kind: .top, word: nil, colours: s.colours))
                    hasUpper = true
                } else if !hasLower {
                    out.append(GarmentReading(kind: .bottom, word: nil, colours: s.colours))
                    hasLower = true
                } else if let g = lastGarment {
                    for c in s.colours where !out[g].colours.contains(where: { $0.primary == c.primary }) { out[g].colours.append(c) }
                }
            default:
                break
            }
        }
        return out
    }

    /// Items by kind: "uses a wheelchair … the wheelchair is black" is one black wheelchair.
    func carried(of owner: Int) -> [CarriedItem] {
        var out: [CarriedItem] = []
        for s in slots where s.owner == owner && !s.replaced {
            guard case .item(let kind) = s.target else { continue }
            if let i = out.firstIndex(where: { $0.kind == kind }) {
                for c in s.colours where !out[i].colours.contains(where: { $0.primary == c.primary }) { out[i].colours.append(c) }
            } else {
                out.append(CarriedItem(kind: kind, word: s.word ?? "", colours: s.colours))
            }
        }
        return out
    }

    func result() -> DescriptionReading {
        var r = DescriptionReading()
        r.garments = garments(of: 0)
        r.carried = carried(of: 0)
        for i in persons.indices.dropFirst() {
            r.companions.append(CompanionReading(word: persons[i].word ?? "", garments: garments(of: i), carried: carried(of: i)))
        }
        let mine = facts.filter { $0.owner == 0 }
        for f in mine {
            switch f.kind {
            case .years(let y): if r.ageYears == nil { r.ageYears = y }
            case .height(let h): if r.heightCM == nil { r.heightCM = (h * 10).rounded() / 10 }
            case .build(let b): if r.build == nil { r.build = b }
            case .phrase: break
            }
        }
        let phrases = mine.compactMap { if case .phrase(let a) = $0.kind { a } else { nil } }
        if let y = r.ageYears {
            r.ageGroup = y < DescriptionReader.childUnderYears ? .child : y >= DescriptionReader.elderlyFromYears ? .elderly : .adult
        } else if let p = phrases.first(where: { $0 != .adult }) ?? phrases.first {
            r.ageGroup = p
        } else {
            let nouns = persons[0].nounAges
            r.ageGroup = nouns.first { $0 != .adult } ?? nouns.first
        }
        for s in slots where s.owner == 0 {
            if case .notClothing(let reason) = s.target, !s.colours.isEmpty {
                let text = s.colours.map(\.word).joined(separator: " ") + (s.colours.isEmpty ? "" : " ") + (s.word ?? "")
                r.ignored.append(IgnoredWords(text, reason))
            }
        }
        r.ignored += ignored
        return r
    }
}
