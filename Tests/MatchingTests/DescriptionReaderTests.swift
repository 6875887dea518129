@testable import Matching
import Testing
import Description

struct ParseCase: Sendable, CustomTestStringConvertible {
    var text: String
    var upper: [ColourName]
    var lower: [ColourName]
    var age: AgeGroup?
    var height: Double?
    var unparsed: [String]?
    var testDescription: String { text }

    /// `unparsed` is checked when given.
    init(
        _ text: String, upper: [ColourName] = [], lower: [ColourName] = [], age: AgeGroup? = nil, height: Double? = nil,
        unparsed: [String]? = nil
    ) {
        self.text = text
        self.upper = upper
        self.lower = lower
        self.age = age
        self.height = height
        self.unparsed = unparsed
    }
}

let parseCases: [ParseCase] = [
    // The examples of the brief.
    ParseCase("红色上衣 蓝色裤子 小孩", upper: [.red], lower: [.blue], age: .child),
    ParseCase("穿红色上衣的老人", upper: [.red], age: .elderly),
    ParseCase("穿藏青色外套、黑裤子的老大爷，约1米6", upper: [.blue, .black], lower: [.black], age: .elderly, height: 160),
    ParseCase("child in a red top and blue trousers", upper: [.red], lower: [.blue], age: .child),
    ParseCase("red jacket, blue jeans, elderly man about 160cm", upper: [.red], lower: [.blue], age: .elderly, height: 160),
    ParseCase("girl, pink T-shirt, white skirt, 1.1m", upper: [.pink], lower: [.white], age: .child, height: 110),
    ParseCase("old woman wearing a grey coat and black pants", upper: [.grey], lower: [.black], age: .elderly),
    // The sample clips' descriptions.
    ParseCase("粉色上衣 蓝色裤子 小孩", upper: [.pink], lower: [.blue], age: .child),
    ParseCase("青色上衣 灰色裤子 成人", upper: [.cyan], lower: [.grey], age: .adult),
    ParseCase("elderly person in a brown top and grey trousers", upper: [.brown], lower: [.grey], age: .elderly),
    ParseCase("adult in an orange top and blue trousers", upper: [.orange], lower: [.blue], age: .adult),
    // Modifiers and 色.
    ParseCase("深蓝色上衣", upper: [.blue]),
    ParseCase("浅灰裤子", lower: [.grey]),
    ParseCase("淡黄色毛衣 亮红色短裤", upper: [.yellow], lower: [.red]),
    ParseCase("pale blue shirt, bright green shorts", upper: [.blue], lower: [.green]),
    ParseCase("深色外套", upper: [.black, .blue, .grey]),
    ParseCase("dark jacket and light blue jeans", upper: [.black, .blue, .grey], lower: [.blue, .cyan]),
    ParseCase("dark grey trousers", lower: [.grey, .black]),
    // Colour after the garment.
    ParseCase("top: red, trousers: blue", upper: [.red], lower: [.blue]),
    ParseCase("上衣红色，裤子蓝色", upper: [.red], lower: [.blue]),
    ParseCase("上衣红色 裤子蓝色", upper: [.red], lower: [.blue]),
    ParseCase("上衣：红色 裤子：蓝色", upper: [.red], lower: [.blue]),
    ParseCase("上衣和裤子都是蓝色", upper: [.blue], lower: [.blue]),
    ParseCase("shirt is white", upper: [.white]),
    ParseCase("shirt is white with black trousers", upper: [.white], lower: [.black]),
    // No garment.
    ParseCase("穿着红色", upper: [.red]),
    ParseCase("in red with blue trousers", upper: [.red], lower: [.blue]),
    ParseCase("蓝色上衣，黑色", upper: [.blue], lower: [.black]),
    // Garments that say more.
    ParseCase("black jeans", lower: [.black]),
    ParseCase("jeans and a white shirt", upper: [.white], lower: [.blue]),
    ParseCase("牛仔裤 白T恤", upper: [.white], lower: [.blue]),
    ParseCase("white dress", upper: [.white], lower: [.white]),
    ParseCase("红色连衣裙 女孩 7岁", upper: [.red], lower: [.red], age: .child),
    ParseCase("red and white striped shirt", upper: [.red, .white], unparsed: []),
    ParseCase("red hat, blue jacket", upper: [.blue], unparsed: []),
    ParseCase("戴红色帽子，穿蓝色外套", upper: [.blue], unparsed: []),
    ParseCase("teal hoodie and khaki shorts", upper: [.cyan], lower: [.brown, .green]),
    ParseCase("grey top, charcoal trousers", upper: [.grey], lower: [.grey, .black]),
    ParseCase("blue jackets and black pants", upper: [.blue], lower: [.black]),
    // Ages.
    ParseCase("7岁男孩 穿黄色卫衣 110cm", upper: [.yellow], age: .child, height: 110),
    ParseCase("78 years old grandpa, navy jacket", upper: [.blue, .black], age: .elderly),
    ParseCase("aged 7, green hoodie", upper: [.green], age: .child),
    ParseCase("a 7-year-old boy in an orange T-shirt", upper: [.orange], age: .child),
    ParseCase("woman, 70 years old, purple cardigan", upper: [.purple], age: .elderly),
    ParseCase("男子 35岁 灰色西装", upper: [.grey], age: .adult),
    ParseCase("一个七岁的小男孩，穿橘色T恤和军绿色短裤", upper: [.orange], lower: [.green, .brown], age: .child),
    ParseCase("seven year old girl, pink coat", upper: [.pink], age: .child),
    ParseCase("八十岁的奶奶 紫色外套", upper: [.purple], age: .elderly),
    // Heights.
    ParseCase("一米二 粉色外套 小女孩", upper: [.pink], age: .child, height: 120),
    ParseCase("身高120 红衣服", upper: [.red], height: 120),
    ParseCase("1米10 黑色毛衣 白色短裤", upper: [.black], lower: [.white], height: 110),
    ParseCase("boy, 1.10 m, red coat", upper: [.red], age: .child, height: 110),
    ParseCase("man 175 cm blue shirt", upper: [.blue], age: .adult, height: 175),
    ParseCase("穿米色外套的奶奶，一米五五", upper: [.brown, .white, .yellow], age: .elderly, height: 155),
    ParseCase("height: 1.6m, grey coat", upper: [.grey], height: 160),
    ParseCase("老人 黑色裤子 身高一米六", lower: [.black], age: .elderly, height: 160),
    // Mixed languages and full-width characters.
    ParseCase("小孩 red T恤 blue 牛仔裤", upper: [.red], lower: [.blue], age: .child),
    ParseCase("Girl in PINK Ｔ恤，１１０ｃｍ", upper: [.pink], age: .child, height: 110),
    ParseCase("elderly 老人, 灰色 coat", upper: [.grey], age: .elderly),
    // Not understood.
    ParseCase("红色上衣 走路很慢", upper: [.red], unparsed: ["走路", "慢"]),
    ParseCase("hello world", unparsed: ["world"]),
    ParseCase("5 ft, red top", upper: [.red], height: 152),
]

@Suite("Description reader")
struct DescriptionReaderTests {
    let parser = DescriptionReader(model: sharedModel)

    @Test("descriptions in Chinese, English and both", arguments: parseCases)
    func parses(_ c: ParseCase) throws {
        let got = try parser.read(c.text)
        #expect(got.upper == c.upper)
        #expect(got.lower == c.lower)
        #expect(got.ageGroup == c.age)
        #expect(got.heightCM == c.height)
        if let u = c.unparsed { #expect(got.unparsed == u) }
    }

    @Test("an empty or blank description is an error", arguments: ["", "   ", "\n\t", "，。、", " , . "])
    func empty(_ text: String) {
        #expect(throws: MatchingError.emptyDescription) { try parser.read(text) }
    }

    @Test("the empty-description message says what to write")
    func emptyMessage() {
        #expect(MatchingError.emptyDescription.description.contains("红色上衣"))
    }

    @Test("never crashes on odd input, and understands nothing in noise")
    func noise() throws {
        var rng = SplitMix(seed: 42)
        let pieces = ["红", "色", "上衣", "米", "1", "6", ".", "m", "cm", "岁", "一", "十", "百", "dark", " ", "-", "navy", ":",
                      "，", "top", "jeans", "old", "years", "身高", "age", "😀", "\u{301}", "９", "abc", "米色", "'", "\n"]
        for _ in 0..<2000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 12) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            do {
                let p = try parser.read(s)
                if let h = p.heightCM { #expect(h >= 40 && h <= 230, "\(s)") }
            } catch MatchingError.emptyDescription {
                // only for blank input
            }
        }
        let p = try parser.read("qwerty 嗯嗯")
        #expect(p.isEmpty)
        #expect(p.unparsed == ["qwerty", "嗯嗯"])
    }

    @Test("garments, people and things kept apart", arguments: readingCases)
    func reading(_ c: ReadingCase) throws {
        let r = try parser.read(c.text)
        #expect(r.upperPrimaries == c.upper, "upper")
        #expect(r.lowerPrimaries == c.lower, "lower")
        #expect(r.headwearPrimaries == c.headwear, "headwear")
        #expect(r.carried.map(\.kind) == c.carried, "carried")
        #expect(r.ageGroup == c.age, "age")
        if let companion = c.companionUpper {
            #expect(r.companions.flatMap { $0.garments.flatMap { $0.colours.map(\.primary) } } == companion, "companion")
        }
    }

    @Test("bad input is refused with a message that says why", arguments: [
        ("", MatchingError.emptyDescription), ("!!!", .emptyDescription), ("🔴🔴", .emptyDescription), ("，。、", .emptyDescription),
        ("<script>alert(1)</script> red top", .descriptionHasMarkup), ("red top\u{07}", .descriptionHasControlCharacters),
        (String(repeating: "红色上衣 ", count: 20_000), .descriptionTooLong(limit: DescriptionReader.maximumLength)),
    ])
    func badInput(_ text: String, _ error: MatchingError) {
        #expect(throws: error) { try parser.read(text) }
        #expect(!error.description.isEmpty)
    }

    @Test("nothing understood lists the words; partly understood names the ignored ones")
    func understood() throws {
        #expect(throws: MatchingError.nothingUnderstood(words: ["qwerty", "嗯嗯"])) { try parser.readForFiling("qwerty 嗯嗯") }
        let r = try parser.readForFiling("红色上衣 走路很慢")
        #expect(r.upper == [.red])
        #expect(r.unparsed == ["走路", "慢"])
    }

    @Test("the reading is shown back per garment, in English and Chinese")
    func summary() throws {
        let r = try parser.read("girl 6, brown hair, pink bobble hat, white puffer coat, her brother has a blue balloon")
        let en = ReadingSummary.text(r)
        #expect(en.contains("headwear") && en.contains("pink") && en.contains("bobble hat"))
        #expect(en.contains("someone else") && en.contains("brother"))
        #expect(en.contains("not clothing") && en.contains("brown hair"))
        let zh = ReadingSummary.text(r, language: .chinese)
        #expect(zh.contains("帽子") && zh.contains("粉"))
        #expect(zh.contains("同行的人"))
    }

    @Test("traditional characters, typos and fuzzy English words")
    func spelling() throws {
        #expect(try parser.read("灰色外逃，黑库子，我奶奶").upper == [.grey])
        #expect(try parser.read("穿著紅色外套、藍色褲子的小孩").lower == [.blue])
        #expect(try parser.read("granpa 80 gery jaket blak trowsers").lowerPrimaries == [.black])
        #expect(try parser.read("redcoat toddler").upper == [.red])
        // A word one letter from a colour is not taken for it when it starts differently ("lose", "back").
        #expect(try parser.read("he lose from us, come back, orange top").upper == [.orange])
    }

    @Test("Chinese numbers")
    func chineseNumbers() {
        #expect(ReadingText.chineseValue(Array("七")) == 7)
        #expect(ReadingText.chineseValue(Array("十二")) == 12)
        #expect(ReadingText.chineseValue(Array("七十八")) == 78)
        #expect(ReadingText.chineseValue(Array("一百二")) == 120)
        #expect(ReadingText.chineseValue(Array("一百二十五")) == 125)
        #expect(ReadingText.chineseValue(Array("六五")) == 65)
    }
}

struct ReadingCase: Sendable, CustomTestStringConvertible {
    var text: String
    var upper: [ColourName] = []
    var lower: [ColourName] = []
    var headwear: [ColourName]? = nil
    var carried: [CarriedKind] = []
    var age: AgeGroup? = nil
    var companionUpper: [ColourName]? = nil
    var testDescription: String { text }
}

/// The kinds of error the issue measured, one case each.
let readingCases: [ReadingCase] = [
    // A companion's clothes are not the missing person's.
    ReadingCase(text: "elderly woman in a wheelchair, grey cardigan, the lady pushing her wears a beige coat",
                upper: [.grey], carried: [.wheelchair], age: .elderly, companionUpper: [.brown]),
    ReadingCase(text: "奶奶八十多岁，穿紫色外套，由一个穿米色大衣的阿姨推着轮椅", upper: [.purple], carried: [.wheelchair], age: .elderly,
                companionUpper: [.brown]),
    ReadingCase(text: "宝宝两岁，穿黄色连体衣，坐在蓝色婴儿车里，由奶奶推着", upper: [.yellow], lower: [.yellow], carried: [.pushchair], age: .child),
    ReadingCase(text: "boy, 5, red hoodie, with his sister who has a white dress", upper: [.red], age: .child, companionUpper: [.white]),
    ReadingCase(text: "我穿红色外套，我儿子穿蓝色T恤", upper: [.blue], companionUpper: [.red]),
    // Colours of things that are not clothing.
    ReadingCase(text: "old man, brown hair, grey jacket, carrying a red plastic bag", upper: [.grey], carried: [.bag], age: .elderly),
    ReadingCase(text: "白色T恤上印着一只红色小猪，黑色短裤", upper: [.white], lower: [.black]),
    ReadingCase(text: "white t-shirt with a red dinosaur on it, blue shorts", upper: [.white], lower: [.blue]),
    ReadingCase(text: "打着一把黄伞，穿灰色外套", upper: [.grey], carried: [.umbrella]),
    // Garment words of rain and hooded wear.
    ReadingCase(text: "yellow raincoat and green wellies", upper: [.yellow]),
    ReadingCase(text: "穿红色雨衣的小孩", upper: [.red], age: .child),
    ReadingCase(text: "grey hooded top, navy joggers", upper: [.grey], lower: [.blue]),
    // Light blue is blue (and maybe cyan), not white or grey.
    ReadingCase(text: "light blue shirt", upper: [.blue]),
    ReadingCase(text: "浅蓝色外套", upper: [.blue]),
    // Age in plain words; kinship alone says none.
    ReadingCase(text: "my son, blue top", upper: [.blue]),
    ReadingCase(text: "我女儿穿粉色裙子", lower: [.pink]),
    ReadingCase(text: "上了年纪的老太太，穿黑衣服", upper: [.black], age: .elderly),
    ReadingCase(text: "she is in her eighties, red coat", upper: [.red], age: .elderly),
    ReadingCase(text: "still in nappies, white onesie", upper: [.white], lower: [.white], age: .child),
    // Headwear is its own attribute.
    ReadingCase(text: "red hat, blue jacket", upper: [.blue], headwear: [.red]),
    ReadingCase(text: "戴红色帽子，穿蓝色外套", upper: [.blue], headwear: [.red]),
    // Patterns, corrections, colour alone.
    ReadingCase(text: "蓝白条纹衬衫", upper: [.blue, .white]),
    ReadingCase(text: "black coat, no wait, it's navy not black", upper: [.blue]),
    ReadingCase(text: "戴个毛线帽，粉色的", headwear: [.pink]),
    ReadingCase(text: "一身黑", upper: [.black], lower: [.black]),
    // What the person is ("is a teenager") is the same person, not a companion.
    ReadingCase(text: "my son is a teenager, grey hoodie, ripped jeans", upper: [.grey], lower: [.blue], age: .adult),
    ReadingCase(text: "她是个大学生，穿白色卫衣", upper: [.white], age: .adult),
    // A pronoun that cannot be the missing person goes to the companion it can be; "who" to the one just named.
    ReadingCase(text: "my grandson is in his buggy and my wife is pushing it, she has a red coat. he has a blue jumper",
                upper: [.blue], carried: [.pushchair], companionUpper: [.red]),
    ReadingCase(text: "grandad in a black wheelchair pushed by his daughter, who wears a white fleece. he has a brown jacket",
                upper: [.brown], carried: [.wheelchair], age: .elderly, companionUpper: [.white]),
    // A companion introduced first, in a relative clause, then the child.
    ReadingCase(text: "跟着一个穿黑夹克的阿姨走了，孩子七岁，穿黄色T恤", upper: [.yellow], age: .child, companionUpper: [.black]),
    // A motif that names the thing is not a picture on it; bread (面包) is not a bag; 包鞋 are shoes.
    ReadingCase(text: "小孩背着一个红色恐龙书包，穿白上衣", upper: [.white], carried: [.bag], age: .child),
    ReadingCase(text: "我们刚吃完面包，孩子就不见了，红色外套", upper: [.red], age: .child),
    ReadingCase(text: "穿黑色包鞋的奶奶", age: .elderly),
    // Something left with the writer is not carried.
    ReadingCase(text: "孙女坐在粉色推车里，后来自己下来跑了，推车还在我这里，她穿绿色裙子", lower: [.green]),
    // Traditional characters ICU knows though the reader's own list does not (風).
    ReadingCase(text: "穿卡其色風衣的爺爺", upper: [.brown], age: .elderly),
    // The writer named by a person word ("I'm the mom …"), a lost clause whose person came earlier in the sentence.
    ReadingCase(text: "I'm the mom in the orange sweatshirt. My toddler, still in diapers, wandered off. Grey romper", upper: [.grey],
                lower: [.grey], age: .child, companionUpper: [.orange]),
    // A relation of the missing person ("his dad") is not the missing person; brands name no garment.
    ReadingCase(text: "his dad is at the gate in a black North Face. Our son is 7, grey Nike hoodie, navy shorts", upper: [.grey],
                lower: [.blue], age: .child),
    // "it's grey" after a thing; a run of colours after a garment is its own, a spaced colour the next garment's.
    ReadingCase(text: "she uses a cane it's silver", carried: [.walkingStick]),
    ReadingCase(text: "穿个花褂子红底白花的 黑裤子", upper: [.red, .white], lower: [.black]),
    // A number opening a sentence is the age; 今年 says an age.
    ReadingCase(text: "Dad's wandered off. 84 and gets confused. Brown jacket", upper: [.brown], age: .elderly),
    ReadingCase(text: "俺娘走丢了 今年六十八 黑裤子", lower: [.black], age: .elderly),
]

/// A small deterministic generator for the noise test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Plain text fields")
struct PlainTextTests {
    @Test("control and direction-override characters are named; line breaks only where allowed")
    func problems() {
        #expect(PlainText.problem("小明 Lily-2") == nil)
        #expect(PlainText.problem("\u{1B}[2J")?.contains("U+001B") == true)
        #expect(PlainText.problem("a\u{0}b")?.contains("U+0000") == true)
        #expect(PlainText.problem("138\u{202E}0000")?.contains("direction") == true)
        #expect(PlainText.problem("line one\nline two") != nil)
        #expect(PlainText.problem("line one\nline two", lineBreaks: true) == nil)
    }

    @Test("escaped for a terminal: nothing that drives it is left")
    func escaping() {
        #expect(PlainText.escaped("Esc\u{1B}[2J") == "Esc\\u{001B}[2J")
        #expect(PlainText.escaped("小明") == "小明")
        #expect(!PlainText.escaped("\u{7}\u{9B}x\u{202E}").unicodeScalars.contains { $0.properties.generalCategory == .control })
    }
}
