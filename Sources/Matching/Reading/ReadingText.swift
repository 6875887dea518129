import Foundation

/// Text as the reader sees it: lower case, half-width, simplified Chinese, common slips fixed.
enum ReadingText {
    /// Traditional characters → simplified: ICU's Hant-Hans transform over the CJK Unified
    /// Ideographs (about 3,000 characters differ), built once, with the reader's own choices on top
    /// (著 → 着, 裏 → 里, 揹 → 背, 姊 → 姐 …). Where ICU's data is missing, the reader's own pairs
    /// cover the words of clothing, colours, people, ages and the small words around them.
    static let traditional: [Character: Character] = {
        var map = icuTraditional()
        for (a, b) in readerTraditional { map[a] = b }
        return map
    }()

    static func icuTraditional() -> [Character: Character] {
        let block = (0x4E00...0x9FFF).compactMap { Unicode.Scalar($0).map(Character.init) }
        guard let simplified = String(block).applyingTransform(StringTransform(rawValue: "Hant-Hans"), reverse: false) else { return [:] }
        let out = Array(simplified)
        // The transform maps character for character over this block; anything else is not used.
        guard out.count == block.count else { return [:] }
        var map: [Character: Character] = [:]
        for (a, b) in zip(block, out) where a != b { map[a] = b }
        return map
    }

    /// The reader's own pairs (traditional, simplified).
    static let readerTraditional: [Character: Character] = {
        let pairs =
            "姊姐 籃篮 紅红 綠绿 藍蓝 黃黄 銀银 紫紫 棕棕 褐褐 灰灰 黑黑 白白 粉粉 橙橙 淺浅 艷艳 螢荧 駝驼 啡啡 "
            + "褲裤 裙裙 襯衬 衫衫 夾夹 襖袄 絨绒 衛卫 裝装 運运 動动 連连 體体 帶带 領领 鞋鞋 靴靴 帽帽 傘伞 圍围 "
            + "鏡镜 錶表 項项 鏈链 襪袜 袋袋 書书 雙双 輪轮 車车 嬰婴 兒儿 椅椅 杖杖 氣气 球球 機机 織织 線线 "
            + "條条 紋纹 點点 碎碎 格格 圖图 畫画 印印 羽羽 棉棉 長长 短短 寬宽 厚厚 薄薄 舊旧 新新 "
            + "頭头 髮发 臉脸 膚肤 眼眼 鬍胡 辮辫 腳脚 "
            + "歲岁 個个 幾几 兩两 萬万 約约 說说 話话 時时 後后 間间 這这 裡里 裏里 邊边 麼么 們们 沒没 過过 還还 "
            + "來来 見见 對对 應应 該该 記记 得得 樣样 麼么 嗎吗 請请 幫帮 謝谢 媽妈 爺爷 孫孙 親亲 姊姊 嬤嬷 婦妇 "
            + "媳媳 夥伙 護护 學学 園园 級级 歡欢 會会 電电 話话 號号 碼码 買买 賣卖 門门 廟庙 館馆 場场 廣广 "
            + "橋桥 樓楼 纜缆 廁厕 隊队 爬爬 跑跑 丟丢 迷迷 找找 見见 從从 與与 隨随 陪陪 跟跟 牽牵 扶扶 推推 "
            + "戴戴 穿穿 著着 揹背 拿拿 提提 拎拎 抱抱 拄拄 騎骑 坐坐 躺躺 站站 開开 關关 離离 別别 讓让 給给 "
            + "個个 隻只 頂顶 雙双 條条 件件 塊块 張张 種种 顏颜 愛爱 兒儿 孩孩 將将 為为 們们 現现 剛刚 "
            + "邊边 區区 處处 東东 兩两 歲岁 鐘钟 點点 號号 塑塑 膠胶 戲戏 熊熊 偶偶 鴨鸭 豬猪 龍龙 貓猫 "
            + "漁渔 遮遮 陽阳 涼凉 拖拖 襪袜 皮皮 布布 靜静 亂乱 聽听 講讲 認认 識识 邊边 臨临 經经 給给 "
            + "紀纪 齡龄 輕轻 壯壮 瘦瘦 胖胖 矮矮 高高 厘厘 釐厘 米米 公公 尺尺 寸寸 貝贝 寶宝 愛爱 國国 際际 "
            + "麗丽 鮮鲜 淡淡 深深 暗暗 亮亮 藏藏 青青 軍军 墨墨 卡卡 咖咖 酒酒 棗枣 玫玫 瑰瑰 桃桃 雪雪 "
            + "紗纱 禮礼 漢汉 袍袍 斗斗 篷篷 蓑蓑 衣衣 服服 褂褂 馬马 甲甲 背背 心心 領领 巾巾 罩罩 套套 "
            + "鬆松 緊紧 縮缩 彈弹 滑滑 蕩荡 盪荡 飾饰 鈕钮 釦扣 鍊链 環环 錢钱 銅铜 鐵铁 絲丝 網网 "
            + "發发 現现 聯联 繫系 員员 嗎吗 啦啦 囉啰 噢噢 喔喔 啊啊 呀呀 麼么 甚什 為为 因因 所所 以以 "
            + "爸爸 奶奶 姥姥 婆婆 娃娃 妹妹 弟弟 哥哥 姐姐 叔叔 伯伯 舅舅 姨姨 姑姑 嫂嫂 侄侄 甥甥 "
            + "灣湾 貨货 櫃柜 裝装 蘭兰 麵面 餅饼 飯饭 飲饮 買买 賣卖 鋪铺 攤摊 喬乔 莊庄 廳厅 臺台 "
            + "窄窄 寬宽 暖暖 涼凉 濕湿 乾干 淨净 髒脏 臟脏 壞坏 響响 嚇吓 哭哭 鬧闹 聲声 語语 懂懂 "
            + "風风 傘伞 針针 啡啡 "
        var map: [Character: Character] = [:]
        for pair in pairs.split(separator: " ") where pair.count == 2 {
            let a = pair[pair.startIndex], b = pair[pair.index(after: pair.startIndex)]
            if a != b { map[a] = b }
        }
        return map
    }()

    /// Lower-cased; full-width ASCII made half-width; curly quotes made straight; traditional
    /// characters made simplified; ideographic space and runs of whitespace made one space;
    /// known slips fixed.
    static func normalised(_ text: String) -> [Character] {
        var out: [Character] = []
        out.reserveCapacity(text.count)
        for ch in text.lowercased() {
            var c = ch
            if let s = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 {
                if (0xFF01...0xFF5E).contains(s.value), let h = Unicode.Scalar(s.value - 0xFEE0) {
                    c = Character(h).lowercased().first ?? Character(h)
                } else if s.value == 0x3000 {
                    c = " "
                } else if s.value == 0x2019 || s.value == 0x2018 {
                    c = "'"
                } else if s.value == 0x201C || s.value == 0x201D {
                    c = "\""
                }
            }
            if let simple = traditional[c] { c = simple }
            if c.isWhitespace && c != "\n" {
                if out.last == " " || out.isEmpty { continue }
                c = " "
            }
            out.append(c)
        }
        return fixingSlips(out)
    }

    /// Slips by their first character.
    static let slips: [Character: [([Character], [Character])]] =
        Dictionary(grouping: ReadingVocabulary.typos.map { (Array($0.0), Array($0.1)) }, by: { $0.0[0] })

    static func fixingSlips(_ c: [Character]) -> [Character] {
        guard c.contains(where: { !$0.isASCII }) else { return c }
        var out: [Character] = []
        out.reserveCapacity(c.count)
        var i = 0
        outer: while i < c.count {
            for (wrong, right) in slips[c[i]] ?? [] where i + wrong.count <= c.count {
                if Array(c[i..<i + wrong.count]) == wrong {
                    out += right
                    i += wrong.count
                    continue outer
                }
            }
            out.append(c[i])
            i += 1
        }
        return out
    }

    // MARK: Numbers

    static func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
    static let chineseDigits: [Character: Int] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]
    static func isChineseNumeral(_ c: Character) -> Bool { chineseDigits[c] != nil || c == "十" || c == "百" }
    static let englishNumbers: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90,
    ]

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
        // 八九 (岁), 七八 (十): "eight or nine", the lower one.
        if s.count == 2, let a = chineseDigits[s[0]], let b = chineseDigits[s[1]], b == a + 1 { return a }
        var v = 0
        for ch in s {
            guard let d = chineseDigits[ch] else { return nil }
            v = v * 10 + d
        }
        return v
    }

    static func plausibleHeight(_ cm: Double) -> Bool { cm >= 40 && cm <= 230 }

    // MARK: Spelling

    /// Damerau–Levenshtein distance (adjacent transpositions count one), stopping early above `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        let n = a.count, m = b.count
        var prev2 = [Int](repeating: 0, count: m + 1)
        var prev = Array(0...m)
        var cur = [Int](repeating: 0, count: m + 1)
        for i in 1...max(n, 1) where n > 0 {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...max(m, 1) where m > 0 {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return n == 0 ? m : prev[m]
    }
}
