public import Description

/// What a family's free-text description says: clothing colours, age group and height.
public struct ParsedDescription: Sendable, Equatable {
    /// Upper-body colours, in the order said; a word like "navy" gives more than one (primary first).
    public var upper: [ColourName]
    /// Lower-body colours.
    public var lower: [ColourName]
    public var ageGroup: AgeGroup?
    /// Height in centimetres.
    public var heightCM: Double?
    /// Words not understood (and accessories such as "red hat", which the matcher does not use),
    /// to show back to the person so they can rephrase.
    public var unparsed: [String]

    public init(
        upper: [ColourName] = [], lower: [ColourName] = [], ageGroup: AgeGroup? = nil, heightCM: Double? = nil,
        unparsed: [String] = []
    ) {
        self.upper = upper
        self.lower = lower
        self.ageGroup = ageGroup
        self.heightCM = heightCM
        self.unparsed = unparsed
    }

    /// Nothing usable was found (no colour, age or height).
    public var isEmpty: Bool { upper.isEmpty && lower.isEmpty && ageGroup == nil && heightCM == nil }
}

/// Reads descriptions such as "红色上衣 蓝色裤子 小孩", "穿藏青色外套、黑裤子的老大爷，约1米6" or
/// "girl, pink T-shirt, white skirt, 1.1m", in Chinese, English or both mixed.
///
/// - Tokens: longest match against the colour lexicon of the model, garment, age and filler words
///   (Chinese has no spaces; English words must match whole), numbers with their units, and single
///   characters when nothing matches.
/// - Colours: a colour word goes to the nearest following garment in the same clause ("red jacket");
///   with no garment after it, to a colourless garment before it in the clause ("top: red",
///   "上衣红色，裤子蓝色", "上衣和裤子都是蓝色"); otherwise to the upper body if that is still empty
///   after all garments, else to the lower body. Clauses end at , ， ; 。 . ! ? and line breaks, not at 、.
///   A word lists every name with weight ≥ ``listingWeight`` ("navy" → blue, black). Jeans / 牛仔裤
///   with no colour are blue; a dress / 连衣裙 is both upper and lower.
/// - Modifiers (dark, light, 深, 浅 …) before a colour are dropped ("深蓝色" → blue); alone they use
///   their own weights from the lexicon ("深色外套" → black) or are left unparsed.
/// - Age: words (小孩, 老人, girl, old woman …; child and elderly words win over adult ones such as
///   man / woman) or years ("7岁", "78 years old", "aged 7": under 14 child, 65 and over elderly).
/// - Height: "110cm", "1.1m", "1米1", "1米10", "一米二", "身高120"; a bare number 100–230 is a height.
public struct ReportParser: Sendable {
    /// A colour word lists every name with at least this weight.
    public static let listingWeight: Float = 0.2
    /// Under this many years is a child; this many and over is elderly.
    public static let childUnderYears = 14
    public static let elderlyFromYears = 65

    public let model: ColourNameModel
    let dictionary: [String: Entry]
    let longestKey: Int

    public init(model: ColourNameModel) {
        self.model = model
        var d: [String: Entry] = [:]
        for w in model.colourWords { d[w] = .colour(model.lexicon[w] ?? []) }
        for w in Self.defaultModifiers where model.modifiers[w] == nil && d[w] == nil { d[w] = .modifier([]) }
        for w in model.modifierWords where d[w] == nil { d[w] = .modifier(model.modifiers[w] ?? []) }
        for s in ColourNameModel.colourSuffixes { d[s] = .suffix }
        for (words, g) in Self.garments { for w in words.split(separator: " ") { d[Self.key(w)] = .garment(g) } }
        for (words, a) in Self.ageWords { for w in words.split(separator: " ") { d[Self.key(w)] = .age(a) } }
        for w in Self.heightMarkers.split(separator: " ") { d[Self.key(w)] = .heightMarker }
        for w in Self.ageMarkers.split(separator: " ") { d[Self.key(w)] = .ageMarker }
        for w in Self.phraseBreaks.split(separator: " ") where d[Self.key(w)] == nil { d[Self.key(w)] = .phraseBreak }
        for w in Self.stopWords.split(separator: " ") where d[Self.key(w)] == nil { d[Self.key(w)] = .stop }
        dictionary = d
        longestKey = d.keys.map(\.count).max() ?? 1
    }

    /// Parses one description.
    /// - Throws: ``MatchingError/emptyDescription`` when `text` has nothing but spaces and punctuation.
    public func parse(_ text: String) throws -> ParsedDescription {
        let chars = Self.normalised(text)
        guard chars.contains(where: { !$0.isWhitespace && !$0.isPunctuation && !$0.isSymbol }) else {
            throw MatchingError.emptyDescription
        }
        return interpret(tokenize(chars), chars)
    }

    // MARK: Vocabulary

    enum Garment: Sendable, Equatable { case upper, lower, both, jeans, accessory }

    enum Entry: Sendable {
        case colour([(ColourName, Float)])
        case modifier([(ColourName, Float)])
        case suffix
        case garment(Garment)
        case age(AgeGroup)
        case heightMarker, ageMarker, stop
        /// "with", "wearing", 穿, 戴: a colour before it does not run on to a garment after it.
        case phraseBreak
    }

    static let defaultModifiers = ["dark", "light", "deep", "pale", "bright", "深", "浅", "淡", "亮"]

    /// Multi-word keys use one space; "_" stands for a space here.
    static let garments: [(String, Garment)] = [
        ("上衣 衣服 外套 t恤 t恤衫 衬衫 衬衣 夹克 毛衣 卫衣 羽绒服 马甲 背心 大衣 风衣 短袖 长袖 棉袄 棉衣 外衣 上装 上身 上半身 "
            + "polo衫 冲锋衣 西装 开衫 针织衫 运动衫 襯衫 夾克 衛衣 羽絨服 "
            + "top tops shirt t-shirt tshirt t_shirt tee jacket coat sweater hoodie jumper blouse vest cardigan pullover "
            + "sweatshirt fleece parka anorak raincoat polo polo_shirt windbreaker blazer tank_top", .upper),
        ("裤子 裤 长裤 短裤 裙子 裙 短裙 长裙 半身裙 运动裤 休闲裤 打底裤 下装 下身 下半身 褲子 褲 長褲 短褲 "
            + "trousers pants shorts skirt leggings bottoms slacks chinos joggers sweatpants tights", .lower),
        ("牛仔裤 牛仔褲 jeans", .jeans),
        ("连衣裙 連衣裙 连体衣 背带裤 睡衣 运动服 校服 套装 dress jumpsuit overalls dungarees pyjamas pajamas tracksuit "
            + "uniform onesie", .both),
        ("帽子 帽 鞋 鞋子 运动鞋 靴子 高跟鞋 包 背包 书包 双肩包 挎包 伞 雨伞 眼镜 围巾 领巾 手套 口罩 头发 白发 白头发 黑发 金发 "
            + "hat cap beanie shoes shoe sneakers trainers boots boot bag backpack rucksack handbag umbrella scarf glasses "
            + "gloves mask hair", .accessory),
    ]

    static let ageWords: [(String, AgeGroup)] = [
        ("小孩 孩子 儿童 兒童 小朋友 男孩 女孩 宝宝 寶寶 小男孩 小女孩 男童 女童 幼儿 婴儿 小姑娘 小孩子 "
            + "child children kid kids boy girl toddler son daughter baby infant little_boy little_girl", .child),
        ("老人 老年人 老大爷 大爷 老太太 奶奶 爷爷 老奶奶 老爷爷 老头 老太 老伯 老先生 老婆婆 婆婆 外婆 姥姥 外公 姥爷 老年 "
            + "elderly old senior grandma grandpa grandmother grandfather granny grandad old_man old_woman old_lady "
            + "old_person old_people pensioner", .elderly),
        ("男子 女子 成人 男人 女人 成年人 青年 中年 中年人 小伙子 阿姨 叔叔 先生 女士 "
            + "adult man woman lady gentleman guy teenager teen", .adult),
    ]

    static let heightMarkers = "身高 高 个子 height tall"
    static let ageMarkers = "年龄 年纪 age aged"

    static let phraseBreaks = "穿 穿着 穿著 身穿 戴 戴着 with wearing wears wore in"
    static let stopWords = "着 的 了 和 与 跟 及 以及 还有 或 或者 约 大约 大概 左右 一 一件 件 一条 条 一个 个 名 位 是 有 都 在 "
        + "背着 拿着 半 相间 很 比较 偏 一点 有点 走失 走丢 丢失 失踪 最后 看到 看见 此人 他 她 我 我的 家 带 上面 下面 "
        + "a an the in on at and or with wearing wears wore worn dressed is was were are has had have about around approx "
        + "approximately roughly circa of my our her his their he she they who which that last seen lost missing person "
        + "people both one also plus"

    static func key(_ w: Substring) -> String { w.replacingUnderscores() }

    // MARK: Normalising

    /// Lower-cased, full-width ASCII made half-width, ideographic space made a space, runs of
    /// whitespace made one space.
    static func normalised(_ text: String) -> [Character] {
        var out: [Character] = []
        for ch in text.lowercased() {
            var c = ch
            if let s = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 {
                if (0xFF01...0xFF5E).contains(s.value), let h = Unicode.Scalar(s.value - 0xFEE0) {
                    c = Character(h).lowercased().first ?? Character(h)
                } else if s.value == 0x3000 {
                    c = " "
                }
            }
            if c.isWhitespace && c != "\n" {
                if out.last == " " || out.isEmpty { continue }
                c = " "
            }
            out.append(c)
        }
        return out
    }

    // MARK: Tokens

    enum Kind {
        case colour([(ColourName, Float)])
        case modifier([(ColourName, Float)])
        case suffix
        case garment(Garment)
        case age(AgeGroup)
        case years(Int)
        case height(Double)
        case number
        case heightMarker, ageMarker, stop, unknown
        case clauseBreak, joiner, colon, phraseBreak
    }

    struct Token {
        var kind: Kind
        var range: Range<Int>
        var text: String
    }

    static func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
    static let chineseDigits: [Character: Int] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]
    static func isChineseNumeral(_ c: Character) -> Bool { chineseDigits[c] != nil || c == "十" || c == "百" }
    static let englishNumbers: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90,
    ]
    static let clauseBreaks: Set<Character> = [",", ";", ".", "!", "?", "\n", "。", "！", "？", "(", ")", "（", "）", "【", "】"]
    static let joiners: Set<Character> = ["、", "/", "&", "+", "-", "~", "·", "～"]

    func tokenize(_ c: [Character]) -> [Token] {
        var tokens: [Token] = []
        var marker: Kind? = nil     // the height or age marker just before, for bare numbers
        var i = 0
        func push(_ kind: Kind, _ r: Range<Int>) {
            let text = String(c[r])
            switch kind {
            case .heightMarker, .ageMarker: marker = kind
            case .colon, .stop, .phraseBreak: break
            default: marker = nil
            }
            // Unknown CJK characters next to each other are one unknown word.
            if case .unknown = kind, let last = tokens.last, case .unknown = last.kind,
               last.range.upperBound == r.lowerBound, !(c[r.lowerBound].isASCII), !(c[last.range.lowerBound].isASCII) {
                tokens[tokens.count - 1].range = last.range.lowerBound..<r.upperBound
                tokens[tokens.count - 1].text += text
                return
            }
            tokens.append(Token(kind: kind, range: r, text: text))
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
            if Self.isLetter(ch) || Self.isDigit(ch) {
                var j = i
                while j < c.count, Self.isLetter(c[j]) || Self.isDigit(c[j]) || c[j] == "'" { j += 1 }
                let word = String(c[i..<j])
                var kind: Kind = .unknown
                for cut in [1, 2] where word.count > cut + 2 && word.hasSuffix(cut == 1 ? "s" : "es") {
                    if let e = dictionary[String(word.dropLast(cut))] {
                        switch e {
                        case .garment, .age: kind = self.kind(of: e)
                        default: break
                        }
                        break
                    }
                }
                push(kind, i..<j)
                i = j
                continue
            }
            if ch == ":" || ch == "：" {
                push(.colon, i..<i + 1)
            } else if Self.clauseBreaks.contains(ch) || ch.isNewline {
                push(.clauseBreak, i..<i + 1)
            } else if Self.joiners.contains(ch) {
                push(.joiner, i..<i + 1)
            } else if ch.isPunctuation || ch.isSymbol || ch.isWhitespace {
                // quotes, brackets and the like say nothing
            } else {
                push(.unknown, i..<i + 1)
            }
            i += 1
        }
        return tokens
    }

    func kind(of e: Entry) -> Kind {
        switch e {
        case .colour(let w): .colour(w)
        case .modifier(let w): .modifier(w)
        case .suffix: .suffix
        case .garment(let g): .garment(g)
        case .age(let a): .age(a)
        case .heightMarker: .heightMarker
        case .ageMarker: .ageMarker
        case .stop: .stop
        case .phraseBreak: .phraseBreak
        }
    }

    /// The longest dictionary word starting at `i`; an ASCII word must match whole.
    func longestMatch(_ c: [Character], at i: Int) -> (Entry, Int)? {
        if Self.isLetter(c[i]), i > 0, Self.isLetter(c[i - 1]) || Self.isDigit(c[i - 1]) { return nil }
        var len = min(longestKey, c.count - i)
        while len > 0 {
            let end = i + len
            let last = c[end - 1]
            let cutsWord = (Self.isLetter(last) || Self.isDigit(last)) && end < c.count && Self.isLetter(c[end])
            if !cutsWord, let e = dictionary[String(c[i..<end])] { return (e, end) }
            len -= 1
        }
        return nil
    }

    /// A number with its unit at `i`: a height, an age in years, or a bare number. Chinese and
    /// English number words count only with a unit or after a marker ("一米二", "seven years old").
    func number(_ c: [Character], at i: Int, marker: Kind?) -> (Kind, Int)? {
        var j = i
        var value: Double
        let digits: Bool
        if Self.isDigit(c[i]) {
            if i > 0, Self.isLetter(c[i - 1]) { return nil }
            while j < c.count, Self.isDigit(c[j]) { j += 1 }
            if j + 1 < c.count, c[j] == ".", Self.isDigit(c[j + 1]) {
                j += 1
                while j < c.count, Self.isDigit(c[j]) { j += 1 }
            }
            guard let v = Double(String(c[i..<j])) else { return nil }
            value = v
            digits = true
        } else if Self.isChineseNumeral(c[i]) {
            while j < c.count, Self.isChineseNumeral(c[j]) { j += 1 }
            guard let v = Self.chineseValue(Array(c[i..<j])) else { return nil }
            value = Double(v)
            digits = false
        } else if Self.isLetter(c[i]), i == 0 || !Self.isLetter(c[i - 1]) {
            var words: [Int] = []
            var k = i
            while k < c.count {
                var e = k
                while e < c.count, Self.isLetter(c[e]) { e += 1 }
                guard e > k, let n = Self.englishNumbers[String(c[k..<e])] else { break }
                words.append(n)
                j = e
                // "seventy-eight", "seventy eight"
                guard words.count == 1, n >= 20, e + 1 < c.count, c[e] == "-" || c[e] == " " else { break }
                k = e + 1
            }
            guard let first = words.first else { return nil }
            value = Double(first + (words.count > 1 && words[1] < 10 ? words[1] : 0))
            if words.count > 1 && words[1] >= 10 { return nil }
            digits = false
        } else {
            return nil
        }

        var k = j
        while k < c.count, c[k] == " " || c[k] == "-" { k += 1 }
        func unit(_ units: [String]) -> Int? {
            for u in units {
                let uc = Array(u)
                guard k + uc.count <= c.count, Array(c[k..<k + uc.count]) == uc else { continue }
                let end = k + uc.count
                if Self.isLetter(uc[uc.count - 1]), end < c.count, Self.isLetter(c[end]) { continue }
                return end
            }
            return nil
        }
        if let end = unit(["centimetres", "centimeters", "centimetre", "centimeter", "cm", "厘米", "公分"]) {
            return (Self.plausibleHeight(value) ? .height(value) : .number, end)
        }
        if var end = unit(["metres", "meters", "metre", "meter", "米", "m"]) {
            // 米色 / 米黄 / 米白 are colours (beige, cream), not metres.
            if c[end - 1] == "米", end < c.count, "色黄白".contains(c[end]) { return nil }
            var cm = value * 100
            var s = end
            if s < c.count, Self.isDigit(c[s]) {
                while s < c.count, Self.isDigit(c[s]) { s += 1 }
            } else if c[end - 1] == "米" {
                while s < c.count, Self.chineseDigits[c[s]] != nil { s += 1 }
            }
            if s > end, s - end <= 2, value < 3, value == value.rounded() {
                let sub = Array(c[end..<s]).map { Self.isDigit($0) ? Int(String($0))! : Self.chineseDigits[$0]! }
                cm += Double(sub.count == 1 ? sub[0] * 10 : sub[0] * 10 + sub[1])
                end = s
            }
            return (Self.plausibleHeight(cm) ? .height(cm) : .number, end)
        }
        if let end = unit(["years old", "year old", "years-old", "year-old", "yrs old", "yr old", "years", "year", "yrs", "yr",
                           "y/o", "yo", "周岁", "岁", "歲"]) {
            return (value <= 120 && value == value.rounded() ? .years(Int(value)) : .number, end)
        }
        switch marker {
        case .heightMarker?:
            let cm = value < 3 ? value * 100 : value
            return (Self.plausibleHeight(cm) ? .height(cm) : .number, j)
        case .ageMarker?:
            return (value <= 120 && value == value.rounded() ? .years(Int(value)) : .number, j)
        default:
            guard digits else { return nil }
            return (value >= 100 && Self.plausibleHeight(value) ? .height(value) : .number, j)
        }
    }

    static func plausibleHeight(_ cm: Double) -> Bool { cm >= 40 && cm <= 230 }

    /// 七 → 7, 十二 → 12, 七十八 → 78, 一百二 → 120 (spoken: 一百二十), 六五 → 65 (digit by digit).
    static func chineseValue(_ s: [Character]) -> Int? {
        if s.contains("十") || s.contains("百") {
            var total = 0, current = 0, lastUnit = 0
            for ch in s {
                if let d = chineseDigits[ch] {
                    current = d
                } else if ch == "十" {
                    total += (current == 0 ? 1 : current) * 10
                    current = 0
                    lastUnit = 10
                } else if ch == "百" {
                    total += (current == 0 ? 1 : current) * 100
                    current = 0
                    lastUnit = 100
                }
            }
            // 一百二 means 120: a lone digit after 百 counts tens.
            return total + (lastUnit == 100 ? current * 10 : current)
        }
        var v = 0
        for ch in s {
            guard let d = chineseDigits[ch] else { return nil }
            v = v * 10 + d
        }
        return v
    }

    // MARK: Meaning

    struct Slot {
        var kind: Garment
        var colours: [[(ColourName, Float)]]
        /// A colon followed the garment word: its colour comes after ("top: red").
        var colonAfter = false
    }

    func interpret(_ tokens: [Token], _ c: [Character]) -> ParsedDescription {
        var slots: [Slot] = []
        var pending: [(weights: [(ColourName, Float)], range: Range<Int>)] = []
        var colourless: [Int] = []          // slots of this clause still without a colour
        var loose: [[(ColourName, Float)]] = []
        var unparsed: [String] = []
        var ageWords: [AgeGroup] = []
        var years: Int?
        var height: Double?

        func flush() {
            guard !pending.isEmpty else { return }
            if colourless.isEmpty {
                loose += pending.map(\.weights)
            } else {
                for s in colourless { slots[s].colours = pending.map(\.weights) }
                colourless = []
            }
            pending = []
        }

        for (n, t) in tokens.enumerated() {
            switch t.kind {
            case .modifier(let w):
                // Dropped before a colour word ("深蓝色", "dark blue"); alone it is a colour of its own.
                let next = tokens[(n + 1)...].first { if case .suffix = $0.kind { false } else { true } }
                if let next {
                    switch next.kind {
                    case .colour, .modifier: continue
                    default: break
                    }
                }
                if w.isEmpty { unparsed.append(t.text) } else { pending.append((w, t.range)) }
            case .colour(let w):
                pending.append((w, t.range))
            case .garment(.accessory):
                if let first = pending.first {
                    unparsed.append(String(c[first.range.lowerBound..<t.range.upperBound]))
                    pending = []
                } else {
                    unparsed.append(t.text)
                }
            case .garment(let g):
                var slot = Slot(kind: g, colours: [])
                if let last = pending.last {
                    // "上衣红色 裤子蓝色", "top: red trousers: blue": the colour belongs to the garment before.
                    let gap = c[last.range.upperBound..<t.range.lowerBound].contains(" ")
                    let cjk = !(c[last.range.lowerBound].isASCII)
                    if let before = colourless.last, slots[before].colonAfter || (gap && cjk) {
                        slots[before].colours = pending.map(\.weights)
                        colourless.removeLast()
                        colourless.append(slots.count)
                    } else {
                        slot.colours = pending.map(\.weights)
                    }
                    pending = []
                } else {
                    colourless.append(slots.count)
                }
                slots.append(slot)
            case .colon:
                if n > 0, case .garment(let g) = tokens[n - 1].kind, g != .accessory, !slots.isEmpty {
                    slots[slots.count - 1].colonAfter = true
                }
            case .age(let a):
                flush()
                ageWords.append(a)
            case .years(let y):
                flush()
                if years == nil { years = y }
            case .height(let h):
                flush()
                if height == nil { height = h }
            case .number, .unknown:
                unparsed.append(t.text)
            case .clauseBreak:
                flush()
                colourless = []
            case .phraseBreak:
                flush()
            case .suffix, .stop, .joiner, .heightMarker, .ageMarker:
                break
            }
        }
        flush()

        var upper: [ColourName] = [], lower: [ColourName] = []
        func names(_ w: [(ColourName, Float)]) -> [ColourName] { w.filter { $0.1 >= Self.listingWeight }.map(\.0) }
        func add(_ ns: [ColourName], to list: inout [ColourName]) { for x in ns where !list.contains(x) { list.append(x) } }
        for s in slots {
            var ns = s.colours.flatMap(names)
            if ns.isEmpty && s.kind == .jeans { ns = [.blue] }
            switch s.kind {
            case .upper: add(ns, to: &upper)
            case .lower, .jeans: add(ns, to: &lower)
            case .both:
                add(ns, to: &upper)
                add(ns, to: &lower)
            case .accessory: break
            }
        }
        for w in loose {
            if upper.isEmpty { add(names(w), to: &upper) } else { add(names(w), to: &lower) }
        }

        var group: AgeGroup?
        if let years {
            group = years < Self.childUnderYears ? .child : years >= Self.elderlyFromYears ? .elderly : .adult
        } else {
            group = ageWords.first { $0 != .adult } ?? ageWords.first
        }
        // To the millimetre: 1.1 m is 110 cm, not 110.00000000000001.
        let cm = height.map { ($0 * 10).rounded() / 10 }
        return ParsedDescription(upper: upper, lower: lower, ageGroup: group, heightCM: cm, unparsed: unparsed)
    }
}

extension Substring {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
