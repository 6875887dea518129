/// The words of a description, as the reader sees them.
struct ReadingToken {
    enum Kind {
        case meaning(ReadingVocabulary.Meaning)
        /// A colour word (modifier and 色 merged in): what it may mean, primary first.
        case colour([WeightedColour])
        /// A modifier with no colour after it and no meaning alone ("bright", "亮").
        case emptyModifier
        case suffix
        case years(Int)
        case height(Double)
        case number(Double)
        case unknown
        case clauseBreak, joiner, colon
    }

    var kind: Kind
    var range: Range<Int>
    var text: String

    var meaning: ReadingVocabulary.Meaning? {
        if case .meaning(let m) = kind { return m }
        return nil
    }
}

/// Splits normalised text into tokens: longest match against the dictionary (Chinese has no
/// spaces; English words must match whole), numbers with their units, and unknown words (English
/// words within one edit of a known word are taken for it).
struct ReadingTokenizer: Sendable {
    enum Entry: Sendable {
        case meaning(ReadingVocabulary.Meaning)
        case colour([WeightedColour])
        case modifier([WeightedColour])
        case suffix
    }

    let dictionary: [String: Entry]
    /// The lengths of the dictionary's words by their first character, longest first: longest
    /// match tries only lengths some word starting there has.
    let keyLengths: [Character: [Int]]
    /// Single English words that a misspelling may stand for, by length and first letter.
    let spellable: [Int: [Character: [(word: [Character], entry: Entry)]]]
    let model: ColourNameModel

    init(model: ColourNameModel) {
        self.model = model
        typealias V = ReadingVocabulary
        var d: [String: Entry] = [:]
        func add(_ words: String, _ e: Entry) {
            for w in words.split(separator: " ") {
                let key = String(w.map { $0 == "_" ? " " : $0 })
                if d[key] == nil { d[key] = e }
            }
        }
        for (kind, words) in V.garments { add(words, .meaning(.garment(kind, jeans: false))) }
        add(V.jeans, .meaning(.garment(.bottom, jeans: true)))
        add(V.accessories, .meaning(.accessory))
        for (kind, words) in V.items { add(words, .meaning(.item(kind))) }
        add(V.body, .meaning(.body))
        for (age, words) in V.people { add(words, .meaning(.person(.init(age: age)))) }
        add(V.subjectivePronouns, .meaning(.pronoun(subjective: true)))
        add(V.possessivePronouns, .meaning(.pronoun(subjective: false)))
        add(V.reporter, .meaning(.reporter))
        add(V.relatives, .meaning(.relative))
        add(V.leftBehind, .meaning(.leftBehind))
        add(V.companionBreaking, .meaning(.companionMarker(breaksPhrase: true)))
        add(V.companionJoining, .meaning(.companionMarker(breaksPhrase: false)))
        add(V.lost, .meaning(.lostMarker))
        add(V.ageMarkers, .meaning(.ageMarker))
        add(V.heightMarkers, .meaning(.heightMarker))
        for (age, words) in V.agePhrases { add(words, .meaning(.agePhrase(age))) }
        for (years, word) in V.decades { add(word, .meaning(.decade(years))) }
        add(V.wholeBody, .meaning(.wholeBody))
        add(V.negation, .meaning(.negation))
        add(V.corrections, .meaning(.correction))
        for (b, words) in V.builds { add(words, .meaning(.build(b))) }
        for w in model.colourWords where d[w] == nil { d[w] = .colour(model.lexicon[w]!.map { WeightedColour($0.0, $0.1) }) }
        for w in DescriptionReader.defaultModifiers where model.modifiers[w] == nil && d[w] == nil { d[w] = .modifier([]) }
        for w in model.modifierWords where d[w] == nil { d[w] = .modifier((model.modifiers[w] ?? []).map { WeightedColour($0.0, $0.1) }) }
        for s in ColourNameModel.colourSuffixes where d[s] == nil { d[s] = .suffix }
        add(V.places, .meaning(.place))
        add(V.motifs, .meaning(.motif))
        add(V.patterns, .meaning(.pattern))
        for (age, words) in V.ageAdjectives { add(words, .meaning(.ageAdjective(age))) }
        add(V.adjectives, .meaning(.adjective))
        add(V.copula, .meaning(.copula))
        add(V.phraseBreaks, .meaning(.phraseBreak))
        add("的 地 嘅", .meaning(.de))
        add(V.stopWords, .meaning(.stop))
        for (wrong, right) in V.englishSlips where d[wrong] == nil { d[wrong] = d[right] }
        dictionary = d
        var lengths: [Character: Set<Int>] = [:]
        for k in d.keys { if let f = k.first { lengths[f, default: []].insert(k.count) } }
        keyLengths = lengths.mapValues { $0.sorted(by: >) }

        var spell: [Int: [Character: [(word: [Character], entry: Entry)]]] = [:]
        for (k, e) in d where k.count >= 4 && k.allSatisfy({ $0.isASCII && $0.isLetter }) {
            switch e {
            case .colour, .meaning(.garment), .meaning(.item), .meaning(.person):
                spell[k.count, default: [:]][k.first!, default: []].append((Array(k), e))
            default: break
            }
        }
        for (len, byFirst) in spell {
            for (first, list) in byFirst { spell[len]![first] = list.sorted { String($0.word) < String($1.word) } }
        }
        spellable = spell
    }

    static let clauseBreaks: Set<Character> = [",", ";", ".", "!", "?", "\n", "。", "！", "？", "(", ")", "（", "）", "【", "】", "…"]
    static let joiners: Set<Character> = ["、", "/", "&", "+", "~", "·", "～"]

    func tokenize(_ c: [Character]) -> [ReadingToken] {
        var tokens: [ReadingToken] = []
        var marker: ReadingVocabulary.Meaning? = nil   // the height or age marker just before, for bare numbers
        var i = 0
        func push(_ kind: ReadingToken.Kind, _ r: Range<Int>) {
            let text = String(c[r])
            switch kind {
            case .meaning(.heightMarker), .meaning(.ageMarker): marker = kind.meaningValue
            case .colon, .meaning(.stop), .meaning(.copula): break
            default: marker = nil
            }
            // Unknown CJK characters next to each other are one unknown word.
            if case .unknown = kind, let last = tokens.last, case .unknown = last.kind,
               last.range.upperBound == r.lowerBound, !(c[r.lowerBound].isASCII), !(c[last.range.lowerBound].isASCII) {
                tokens[tokens.count - 1].range = last.range.lowerBound..<r.upperBound
                tokens[tokens.count - 1].text += text
                return
            }
            tokens.append(ReadingToken(kind: kind, range: r, text: text))
        }
        while i < c.count {
            let ch = c[i]
            if ch == " " { i += 1; continue }
            if let (kind, end) = number(c, at: i, marker: marker) {
                push(kind, i..<end)
                i = end
                continue
            }
            if let (entry, end) = longestMatch(c, at: i) {
                push(kind(of: entry), i..<end)
                i = end
                continue
            }
            if ReadingText.isLetter(ch) || ReadingText.isDigit(ch) {
                var j = i
                while j < c.count, ReadingText.isLetter(c[j]) || ReadingText.isDigit(c[j]) || c[j] == "'" { j += 1 }
                while j > i + 1, c[j - 1] == "'" { j -= 1 }
                let word = String(c[i..<j])
                if let parts = englishWord(word, at: i) {
                    for p in parts { push(p.0, p.1) }
                } else {
                    push(.unknown, i..<j)
                }
                i = j
                continue
            }
            if ch == ":" || ch == "：" {
                push(.colon, i..<i + 1)
            } else if Self.clauseBreaks.contains(ch) || ch.isNewline {
                push(.clauseBreak, i..<i + 1)
            } else if Self.joiners.contains(ch) {
                push(.joiner, i..<i + 1)
            } else if ch == "-" {
                // "dark-blue", "zip-up": says nothing
            } else if ch.isPunctuation || ch.isSymbol || ch.isWhitespace || !(ch.isLetter || ch.isNumber) {
                // quotes, brackets, emoji and the like say nothing
            } else {
                push(.unknown, i..<i + 1)
            }
            i += 1
        }
        return mergeColours(tokens)
    }

    func kind(of e: Entry) -> ReadingToken.Kind {
        switch e {
        case .meaning(let m): .meaning(m)
        case .colour(let w): .colour(w)
        case .modifier(let w): w.isEmpty ? .emptyModifier : .colour(w)
        case .suffix: .suffix
        }
    }

    /// An English word that is not in the dictionary as written: a plural, a possessive
    /// ("grandma's"), two words run together ("redcoat") or a misspelling within one edit
    /// ("trowsers", "bule"; two for long words).
    func englishWord(_ word: String, at start: Int) -> [(ReadingToken.Kind, Range<Int>)]? {
        let whole = start..<start + word.count
        func known(_ w: String) -> Entry? {
            if let e = dictionary[w] { return e }
            for cut in ["'s", "s", "es"] where w.count > cut.count + 2 && w.hasSuffix(cut) {
                if let e = dictionary[String(w.dropLast(cut.count))] {
                    switch e {
                    case .meaning(.stop), .meaning(.copula), .meaning(.phraseBreak): continue
                    default: return e
                    }
                }
            }
            return nil
        }
        if let e = known(word) { return [(kind(of: e), whole)] }
        guard word.allSatisfy({ $0.isLetter }) else { return nil }
        let chars = Array(word)
        // Two known words run together: a colour and a garment or item.
        if chars.count >= 6 {
            for cut in 3...(chars.count - 3) {
                let a = String(chars[..<cut]), b = String(chars[cut...])
                if let ea = dictionary[a], let eb = known(b), case .colour = ea {
                    switch eb {
                    case .meaning(.garment), .meaning(.item):
                        return [(kind(of: ea), start..<start + cut), (kind(of: eb), start + cut..<whole.upperBound)]
                    default: break
                    }
                }
            }
        }
        guard chars.count >= 4 else { return nil }
        let limit = chars.count >= 8 ? 2 : 1
        var best: (Int, Entry)? = nil
        var tie = false
        for len in (chars.count - limit)...(chars.count + limit) {
            for cand in spellable[len]?[chars[0]] ?? [] {
                // A person word is taken for a misspelling only at the same length, or when long:
                // "grand" (canyon) is not "gran".
                if case .meaning(.person) = cand.entry, len != chars.count, chars.count < 6 { continue }
                let d = ReadingText.editDistance(chars, cand.word, limit: limit)
                guard d <= limit else { continue }
                if best == nil || d < best!.0 {
                    best = (d, cand.entry)
                    tie = false
                } else if d == best!.0 {
                    tie = true
                }
            }
        }
        guard let best, !tie else { return nil }
        return [(kind(of: best.1), whole)]
    }

    /// The longest dictionary word starting at `i`; an ASCII word must match whole.
    func longestMatch(_ c: [Character], at i: Int) -> (Entry, Int)? {
        if ReadingText.isLetter(c[i]), i > 0, ReadingText.isLetter(c[i - 1]) || ReadingText.isDigit(c[i - 1]) { return nil }
        guard let lengths = keyLengths[c[i]] else { return nil }
        for len in lengths where i + len <= c.count {
            let end = i + len
            let last = c[end - 1]
            let cutsWord = (ReadingText.isLetter(last) || ReadingText.isDigit(last)) && end < c.count
                && (ReadingText.isLetter(c[end]) || c[end] == "'")
            if !cutsWord, let e = dictionary[String(c[i..<end])] { return (e, end) }
        }
        return nil
    }

    /// Modifiers and 色 merged into the colour after them: "light blue" and "深蓝色" are one colour
    /// word each, with the compound's weights when the lexicon knows it ("light blue" → blue,
    /// cyan), else the colour's own.
    func mergeColours(_ tokens: [ReadingToken]) -> [ReadingToken] {
        var out: [ReadingToken] = []
        var i = 0
        while i < tokens.count {
            var t = tokens[i]
            let isModifier: Bool
            switch t.kind {
            case .emptyModifier: isModifier = true
            case .colour: isModifier = dictionary[t.text].map { if case .modifier = $0 { true } else { false } } ?? false
            default: isModifier = false
            }
            if isModifier, i + 1 < tokens.count, case .colour(let w) = tokens[i + 1].kind {
                let next = tokens[i + 1]
                let compound = model.colourWeights(for: t.text + (t.text.first!.isASCII ? " " : "") + next.text)
                    ?? model.colourWeights(for: Self.plainModifier(t.text) + (t.text.first!.isASCII ? " " : "") + next.text)
                let weights = compound.map { $0.map { WeightedColour($0.0, $0.1) } } ?? w
                t = ReadingToken(kind: .colour(weights), range: t.range.lowerBound..<next.range.upperBound, text: t.text + (t.text.first!.isASCII ? " " : "") + next.text)
                i += 1
            }
            if case .colour = t.kind, i + 1 < tokens.count, case .suffix = tokens[i + 1].kind {
                t.range = t.range.lowerBound..<tokens[i + 1].range.upperBound
                t.text += tokens[i + 1].text
                i += 1
            }
            out.append(t)
            i += 1
        }
        return out
    }

    static func plainModifier(_ m: String) -> String {
        switch m {
        case "pale", "soft", "baby", "pastel": "light"
        case "deep": "dark"
        case "淡", "浅浅的": "浅"
        case "暗": "深"
        default: m
        }
    }

    // MARK: Numbers

    /// A number with its unit at `i`: a height, an age in years, or a bare number. Chinese and
    /// English number words count only with a unit or after a marker ("一米二", "seven years old").
    func number(_ c: [Character], at i: Int, marker: ReadingVocabulary.Meaning?) -> (ReadingToken.Kind, Int)? {
        var j = i
        var value: Double
        let digits: Bool
        if ReadingText.isDigit(c[i]) {
            if i > 0, ReadingText.isLetter(c[i - 1]) { return nil }
            while j < c.count, ReadingText.isDigit(c[j]) { j += 1 }
            if j + 1 < c.count, c[j] == ".", ReadingText.isDigit(c[j + 1]) {
                j += 1
                while j < c.count, ReadingText.isDigit(c[j]) { j += 1 }
            }
            guard let v = Double(String(c[i..<j])) else { return nil }
            value = v
            digits = true
        } else if ReadingText.isChineseNumeral(c[i]) {
            while j < c.count, ReadingText.isChineseNumeral(c[j]) { j += 1 }
            guard let v = ReadingText.chineseValue(Array(c[i..<j])) else { return nil }
            value = Double(v)
            digits = false
        } else if ReadingText.isLetter(c[i]), i == 0 || !ReadingText.isLetter(c[i - 1]) {
            var words: [Int] = []
            var k = i
            while k < c.count {
                var e = k
                while e < c.count, ReadingText.isLetter(c[e]) { e += 1 }
                guard e > k, let n = ReadingText.englishNumbers[String(c[k..<e])] else { break }
                words.append(n)
                j = e
                // "seventy-eight", "seventy eight"
                guard words.count == 1, n >= 20, e + 1 < c.count, c[e] == "-" || c[e] == " " else { break }
                k = e + 1
            }
            guard let first = words.first else { return nil }
            if words.count > 1 && words[1] >= 10 { return nil }
            value = Double(first + (words.count > 1 ? words[1] : 0))
            digits = false
        } else {
            return nil
        }

        var k = j
        func skipSpaces() { while k < c.count, c[k] == " " || c[k] == "-" { k += 1 } }
        skipSpaces()
        func unit(_ units: [String]) -> Int? {
            for u in units {
                let uc = Array(u)
                guard k + uc.count <= c.count, Array(c[k..<k + uc.count]) == uc else { continue }
                let end = k + uc.count
                if ReadingText.isLetter(uc[uc.count - 1]), end < c.count, ReadingText.isLetter(c[end]) { continue }
                return end
            }
            return nil
        }
        // "3 and a half (years old)"
        if let end = unit(["and a half"]) {
            value += 0.5
            k = end
            skipSpaces()
        }
        if let end = unit(["centimetres", "centimeters", "centimetre", "centimeter", "cms", "cm", "厘米", "公分"]) {
            return (ReadingText.plausibleHeight(value) ? .height(value) : .number(value), end)
        }
        if let end = unit(["feet", "foot", "ft", "'"]), value >= 2, value <= 7 {
            // 4 foot, 5ft 2, 3'6", 5 foot 2 inches
            var cm = value * 30.48
            var e = end
            var m = e
            while m < c.count, c[m] == " " { m += 1 }
            var n = m
            while n < c.count, ReadingText.isDigit(c[n]) { n += 1 }
            if n > m, n - m <= 2, let inches = Double(String(c[m..<n])), inches < 12 {
                cm += inches * 2.54
                e = n
                k = n
                skipSpaces()
                if let u = unit(["inches", "inch", "in", "\"", "''"]) { e = u }
            }
            let rounded = cm.rounded()
            return (ReadingText.plausibleHeight(rounded) ? .height(rounded) : .number(value), e)
        }
        if var end = unit(["metres", "meters", "metre", "meter", "米", "m"]) {
            // 米色 / 米黄 / 米白 are colours (beige, cream), not metres.
            if c[end - 1] == "米", end < c.count, "色黄白".contains(c[end]) { return nil }
            var cm = value * 100
            var s = end
            if s < c.count, ReadingText.isDigit(c[s]) {
                while s < c.count, ReadingText.isDigit(c[s]) { s += 1 }
            } else if c[end - 1] == "米" {
                while s < c.count, ReadingText.chineseDigits[c[s]] != nil { s += 1 }
            }
            if s > end, s - end <= 2, value < 3, value == value.rounded() {
                let sub = Array(c[end..<s]).map { ReadingText.isDigit($0) ? Int(String($0))! : ReadingText.chineseDigits[$0]! }
                cm += Double(sub.count == 1 ? sub[0] * 10 : sub[0] * 10 + sub[1])
                end = s
            }
            return (ReadingText.plausibleHeight(cm) ? .height(cm) : .number(value), end)
        }
        if let end = unit(["months old", "month old", "months", "month", "个月大", "个月"]) {
            return (value <= 48 ? .years(Int(value / 12)) : .number(value), end)
        }
        if let end = unit(["years old", "year old", "years-old", "year-old", "yrs old", "yr old", "years", "year", "yrs", "yr",
                           "y/o", "yo", "y.o.", "周岁", "多岁", "来岁", "余岁", "几岁", "岁多", "岁半", "岁", "出头", "s", "'s"]) {
            let decade = c[end - 1] == "s" && !c[k...].starts(with: Array("y"))
            if decade {
                // "in his 70s"
                guard digits, value >= 10, value <= 100, value.truncatingRemainder(dividingBy: 10) == 0 else { return nil }
                return (.years(Int(value) + 5), end)
            }
            return (value <= 120 ? .years(Int(value)) : .number(value), end)
        }
        if !digits, j < c.count, c[j] == "多" || c[j] == "来", value >= 10 {
            // 八十多, 七十来 (岁 left out)
            return (value <= 120 ? .years(Int(value)) : .number(value), j + 1)
        }
        switch marker {
        case .heightMarker?:
            let cm = value < 3 ? value * 100 : value
            return (ReadingText.plausibleHeight(cm) ? .height(cm) : .number(value), j)
        case .ageMarker?:
            return (value <= 120 && value == value.rounded() ? .years(Int(value)) : .number(value), j)
        default:
            if !digits {
                // A Chinese number of two or more characters alone ("他七十六了") or an English number
                // word ("she's seventy-five") is a number the words around it may make an age;
                // 一 / 两 alone are words (一身, 两个).
                let chinese = ReadingText.isChineseNumeral(c[i])
                if chinese { return j - i >= 2 && value >= 10 && value <= 120 ? (.number(value), j) : nil }
                return value >= 2 ? (.number(value), j) : nil
            }
            return (value >= 100 && ReadingText.plausibleHeight(value) ? .height(value) : .number(value), j)
        }
    }
}

extension ReadingToken.Kind {
    var meaningValue: ReadingVocabulary.Meaning? {
        if case .meaning(let m) = self { return m }
        return nil
    }
}
