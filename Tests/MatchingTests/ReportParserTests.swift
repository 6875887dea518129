@testable import Matching
import Testing
import Description

struct ParseCase: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: ParsedDescription
    var testDescription: String { text }

    init(
        _ text: String, upper: [ColourName] = [], lower: [ColourName] = [], age: AgeGroup? = nil, height: Double? = nil,
        unparsed: [String] = []
    ) {
        self.text = text
        expected = ParsedDescription(upper: upper, lower: lower, ageGroup: age, heightCM: height, unparsed: unparsed)
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
    ParseCase("深色外套", upper: [.black]),
    ParseCase("dark jacket and light blue jeans", upper: [.black], lower: [.blue]),
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
    ParseCase("red and white striped shirt", upper: [.red, .white], unparsed: ["striped"]),
    ParseCase("red hat, blue jacket", upper: [.blue], unparsed: ["red hat"]),
    ParseCase("戴红色帽子，穿蓝色外套", upper: [.blue], unparsed: ["红色帽子"]),
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
    ParseCase("穿米色外套的奶奶，一米五五", upper: [.white, .brown, .yellow], age: .elderly, height: 155),
    ParseCase("height: 1.6m, grey coat", upper: [.grey], height: 160),
    ParseCase("老人 黑色裤子 身高一米六", lower: [.black], age: .elderly, height: 160),
    // Mixed languages and full-width characters.
    ParseCase("小孩 red T恤 blue 牛仔裤", upper: [.red], lower: [.blue], age: .child),
    ParseCase("Girl in PINK Ｔ恤，１１０ｃｍ", upper: [.pink], age: .child, height: 110),
    ParseCase("elderly 老人, 灰色 coat", upper: [.grey], age: .elderly),
    // Not understood.
    ParseCase("红色上衣 走路很慢", upper: [.red], unparsed: ["走路", "慢"]),
    ParseCase("hello world", unparsed: ["hello", "world"]),
    ParseCase("5 ft, red top", upper: [.red], unparsed: ["5", "ft"]),
]

@Suite("Report description parser")
struct ReportParserTests {
    let parser = ReportParser(model: sharedModel)

    @Test("descriptions in Chinese, English and both", arguments: parseCases)
    func parses(_ c: ParseCase) throws {
        let got = try parser.parse(c.text)
        #expect(got == c.expected)
    }

    @Test("an empty or blank description is an error", arguments: ["", "   ", "\n\t", "，。、", " , . "])
    func empty(_ text: String) {
        #expect(throws: MatchingError.emptyDescription) { try parser.parse(text) }
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
                let p = try parser.parse(s)
                if let h = p.heightCM { #expect(h >= 40 && h <= 230, "\(s)") }
            } catch MatchingError.emptyDescription {
                // only for blank input
            }
        }
        let p = try parser.parse("qwerty 嗯嗯")
        #expect(p.isEmpty)
        #expect(p.unparsed == ["qwerty", "嗯嗯"])
    }

    @Test("Chinese numbers")
    func chineseNumbers() {
        #expect(ReportParser.chineseValue(Array("七")) == 7)
        #expect(ReportParser.chineseValue(Array("十二")) == 12)
        #expect(ReportParser.chineseValue(Array("七十八")) == 78)
        #expect(ReportParser.chineseValue(Array("一百二")) == 120)
        #expect(ReportParser.chineseValue(Array("一百二十五")) == 125)
        #expect(ReportParser.chineseValue(Array("六五")) == 65)
    }
}

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
