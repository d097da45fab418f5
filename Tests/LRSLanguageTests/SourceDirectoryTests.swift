import Foundation
import Testing
@testable import LRSLanguage

/// A script's directory, made by hand for plainly written paths, is what Foundation's URL
/// says for every spelling; other spellings are still URL's.
@Suite struct SourceDirectoryTests {
    static func url(_ path: String) -> String { URL(fileURLWithPath: path).deletingLastPathComponent().path }

    @Test(arguments: ["setup.lrs", "a/setup.lrs", "a/b c/setup.lrs", "a/.../x.lrs", "a:b/x.lrs", "/setup.lrs", "/a/b/setup.lrs",
                      "/a b/c.d/e.lrs", "a/../b.lrs", "./a.lrs", "a//b.lrs", "a/b/", "/", ".", "..", "~/a.lrs", "a/%20/b.lrs",
                      "caf\u{E9}/x.lrs", "a\\b/c.lrs"])
    func everySpellingIsWhatURLSays(path: String) {
        #expect(SourceFile(path: path, bytes: []).directory == Self.url(path), "\(path)")
    }

    @Test func relativePathsResolveAgainstTheWorkingDirectory() throws {
        #expect(SourceFile.plainDirectory(of: "a/b.lrs", workingDirectory: { "/" }) == Self.url("/a/b.lrs"))
        #expect(SourceFile.plainDirectory(of: "b.lrs", workingDirectory: { "/" }) == Self.url("/b.lrs"))
        #expect(SourceFile.plainDirectory(of: "a/b.lrs", workingDirectory: { "/w/x" }) == "/w/x/a")
        // Made by hand only when both are plainly written.
        #expect(SourceFile.plainDirectory(of: "a/b.lrs", workingDirectory: { "/w/../x" }) == nil)
        #expect(SourceFile.plainDirectory(of: "a/b.lrs", workingDirectory: { nil }) == nil)
        #expect(SourceFile.plainDirectory(of: "a/./b.lrs", workingDirectory: { "/w" }) == nil)
        #expect(SourceFile.plainDirectory(of: "/a/b.lrs", workingDirectory: { nil }) == "/a")
    }
}
