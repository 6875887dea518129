public import Description

/// The reading shown back to the person who wrote it, line by line, in English or Chinese:
/// what was understood per garment, the people kept apart and the words not used.
public enum ReadingSummary {
    public enum Language: Sendable { case english, chinese }

    public static func lines(_ r: DescriptionReading, language: Language = .english) -> [(label: String, value: String)] {
        let zh = language == .chinese
        var out: [(String, String)] = []
        func colours(_ m: [ColourMention]) -> String {
            if m.isEmpty { return zh ? "颜色未说" : "colour not said" }
            return m.map { c in
                let names = c.listed().map { zh ? $0.chinese : $0.english }.joined(separator: zh ? "或" : " or ")
                let said = c.word == names ? "" : " (\(c.word))"
                return names + said + (c.fromPattern ? (zh ? "（花纹）" : " (pattern)") : "")
            }.joined(separator: zh ? "、" : ", ")
        }
        func garment(_ g: GarmentReading) -> String {
            var s = colours(g.colours)
            if let w = g.word { s += zh ? " — \(w)" : " — \(w)" }
            if let p = g.pattern { s += zh ? "，\(p)" : ", \(p)" }
            return s
        }
        func label(_ k: GarmentKind) -> String {
            switch k {
            case .top: zh ? "上衣" : "top"
            case .outer: zh ? "外套" : "outer layer"
            case .bottom: zh ? "下装" : "bottom"
            case .onePiece: zh ? "连身（上下）" : "one-piece (top and bottom)"
            case .headwear: zh ? "帽子" : "headwear"
            case .footwear: zh ? "鞋" : "footwear"
            }
        }
        for g in r.garments { out.append((label(g.kind), garment(g))) }
        for c in r.carried {
            out.append((zh ? "随身物品" : "carried", "\(itemName(c.kind, zh)) — \(c.word)" + (c.colours.isEmpty ? "" : ", " + colours(c.colours))))
        }
        if let a = r.ageGroup {
            let name = zh ? (a == .child ? "儿童" : a == .elderly ? "老人" : "成人") : a.rawValue
            out.append((zh ? "年龄" : "age", name + (r.ageYears.map { zh ? "（\($0)岁）" : " (\($0) years)" } ?? "")))
        } else {
            out.append((zh ? "年龄" : "age", zh ? "未说（请补充）" : "not said (please add it)"))
        }
        if let h = r.heightCM { out.append((zh ? "身高" : "height", "\(Int(h.rounded())) cm")) }
        if let b = r.build { out.append((zh ? "体型" : "build", zh ? (b == .slim ? "偏瘦" : "偏胖") : b.rawValue)) }
        for c in r.companions where !c.garments.isEmpty || !c.carried.isEmpty {
            let what = (c.garments.map(garment) + c.carried.map { itemName($0.kind, zh) + ($0.colours.isEmpty ? "" : " " + colours($0.colours)) })
                .joined(separator: zh ? "；" : "; ")
            out.append((zh ? "同行的人（不用于查找）" : "someone else (not searched for)", "\(c.word): \(what)"))
        }
        let notClothing = r.ignored.filter { $0.reason != .notUnderstood }.map(\.text)
        if !notClothing.isEmpty {
            out.append((zh ? "不是衣着（不用于颜色）" : "not clothing (colour not used)", notClothing.joined(separator: zh ? "、" : ", ")))
        }
        if !r.unparsed.isEmpty {
            out.append((zh ? "没看懂的词" : "words not understood", r.unparsed.joined(separator: zh ? "、" : ", ")))
        }
        return out
    }

    static func itemName(_ k: CarriedKind, _ zh: Bool) -> String {
        guard zh else { return String(k.rawValue.map { $0 == "_" ? " " : $0 }) }
        switch k {
        case .bag: return "包"
        case .umbrella: return "伞"
        case .pushchair: return "婴儿车"
        case .wheelchair: return "轮椅"
        case .walkingStick: return "拐杖"
        case .toy: return "玩具"
        case .balloon: return "气球"
        case .phone: return "手机"
        case .other: return "其他"
        }
    }

    /// The lines as one indented block for a terminal.
    public static func text(_ r: DescriptionReading, language: Language = .english) -> String {
        let ls = lines(r, language: language)
        let width = ls.map(\.label.count).max() ?? 0
        return ls.map { "  " + $0.label + String(repeating: " ", count: width - $0.label.count + 2) + $0.value }.joined(separator: "\n")
    }
}
