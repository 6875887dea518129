import Foundation
import KinfinderTestSupport
import Testing

// The web console in a real headless Chromium (Debian's chromium + chromium-driver, selenium from
// PyPI in .venv-browser; scripts/install-deps installs them): Tests/browser/console_test.py files a
// report through the family form, watches the incident appear live on the command-centre page
// while `kinfinder watch` raises it, acknowledges it, and checks the worker and family pages.
extension RealTimeSuites {
@Suite("Web console in headless Chromium", .ownThread)
struct BrowserTests {
    @Test("family form → live incident on the command centre → acknowledge → worker and family pages",
          .enabled(if: ProcessInfo.processInfo.environment["KINFINDER_SKIP_BROWSER"] != "1", "KINFINDER_SKIP_BROWSER=1"))
    func console() throws {
        let python = repoRoot.appendingPathComponent(".venv-browser/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            Issue.record("""
                Chromium, chromium-driver or selenium is missing: run scripts/install-deps \
                (or set KINFINDER_SKIP_BROWSER=1 to skip the browser tests knowingly)
                """)
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [repoRoot.appendingPathComponent("Tests/browser/console_test.py").path, "--kinfinder", binary.path]
        p.currentDirectoryURL = repoRoot
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text.suffix(3000))")
    }
}
}  // extension RealTimeSuites
