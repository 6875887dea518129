import Foundation

/// A height as people type it in a height field: "110", "110cm", "1.1m", "1米1", "一米二", "110 公分".
public enum HeightText {
    /// Plausible heights of a person, in centimetres.
    public static let plausible: ClosedRange<Double> = 40...230

    /// The height in centimetres, or `nil` when the text says no height. A bare number under 3 is in
    /// metres. Anything else is read as a description would be ("1米1" is 110 cm).
    public static func centimetres(_ text: String, reader: DescriptionReader) -> Double? {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.count <= 40 else { return nil }
        for (suffix, scale) in [("cm", 1.0), ("厘米", 1), ("公分", 1), ("m", 100), ("米", 100)] where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) { return v * scale }
        }
        if let v = Double(t) { return v < 3 ? v * 100 : v }
        return (try? reader.read(t))?.heightCM
    }
}
