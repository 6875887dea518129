/// Camera URLs: credentials go in at open time and never come out in logs, errors or the database.
public enum StreamURL {
    /// Schemes whose sources are live (paced by the sender, never ending by design).
    static let liveSchemes: Set<String> = ["rtsp", "rtsps", "rtmp", "rtmps", "rtp", "udp", "srt", "tcp"]

    /// The URL's scheme, lower-cased, or `nil` for a plain file path.
    public static func scheme(_ source: String) -> String? {
        guard let r = schemeSeparator(source) else { return nil }
        let s = source[..<r.lowerBound]
        let allowed: (Character) -> Bool = { c in c.isLetter || c.isNumber || c == "+" || c == "-" || c == "." }
        guard !s.isEmpty, s.allSatisfy(allowed) else { return nil }
        return s.lowercased()
    }

    public static func isLive(_ source: String) -> Bool {
        scheme(source).map { liveSchemes.contains($0) } ?? false
    }

    /// The URL with any password replaced by `***` (`rtsp://admin:***@10.0.0.7/stream1`).
    public static func redacted(_ source: String) -> String {
        guard let schemeEnd = schemeSeparator(source) else { return source }
        let rest = source[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: isAuthorityEnd) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return source }
        let userInfo = authority[..<at]
        let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return String(source[..<schemeEnd.upperBound]) + user + ":***" + String(rest[at...])
    }

    /// `source` with `username`/`password` set in its authority (percent-encoded), replacing any
    /// user info already there.
    public static func withCredentials(_ source: String, username: String, password: String) -> String {
        guard let schemeEnd = schemeSeparator(source) else { return source }
        let rest = source[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: isAuthorityEnd) ?? rest.endIndex
        var host = rest[..<authorityEnd]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        return String(source[..<schemeEnd.upperBound]) + percentEncode(username) + ":" + percentEncode(password) + "@"
            + host + rest[authorityEnd...]
    }

    private static func isAuthorityEnd(_ c: Character) -> Bool { c == "/" || c == "?" || c == "#" }

    /// The range of the first "://" (Ingest does without Foundation).
    static func schemeSeparator(_ s: String) -> Range<String.Index>? {
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == ":", s[i...].hasPrefix("://") { return i..<s.index(i, offsetBy: 3) }
            i = s.index(after: i)
        }
        return nil
    }

    /// RFC 3986 user-info encoding: unreserved characters stay, everything else becomes %XX.
    static func percentEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
