/// Text people type into a report's fields (name, contact, notes): control characters — escape
/// sequences that would repaint an operator's terminal, a NUL a store would cut at — are refused
/// where they are typed, and escaped wherever stored text is printed to a terminal.
public enum PlainText {
    /// Why `text` cannot be stored, or `nil`: a control character (line breaks and tabs allowed when
    /// `lineBreaks`), or a bidirectional override that would show the text reversed.
    public static func problem(_ text: String, lineBreaks: Bool = false) -> String? {
        for s in text.unicodeScalars {
            if lineBreaks, s == "\n" || s == "\r" || s == "\t" { continue }
            if s.properties.generalCategory == .control {
                return "control characters are not allowed (found U+\(hex(s)))"
            }
            if (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) {
                return "direction-override characters are not allowed (found U+\(hex(s)))"
            }
        }
        return nil
    }

    /// `text` with every control and direction-override character shown as `\u{1B}`, safe to print.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if needsEscape(s) { out += "\\u{\(hex(s))}" } else { out.unicodeScalars.append(s) }
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        s.properties.generalCategory == .control || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
    }

    static func hex(_ s: Unicode.Scalar) -> String {
        let h = String(s.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
