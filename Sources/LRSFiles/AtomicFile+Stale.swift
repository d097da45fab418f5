import Foundation

/// Temporaries a killed writer left behind. A write goes to `.NAME.tmp-PID-XXXXXX` beside
/// `NAME` (PID the writer's process id, XXXXXX from mkstemp) and is renamed over `NAME`; a
/// `kill -9` between the two leaves the temporary for ever. Each later write of the same
/// target removes such leftovers of its own target, and only those it can tell are dead:
///
/// - the name is exactly `.NAME.tmp-PID-XXXXXX` (or lrs 1.0's `.NAME.tmp-XXXXXX`), so no
///   other file, and no temporary of another target, is ever touched;
/// - it is a regular file (a link is never followed);
/// - its writer is gone: no process has its PID (`kill(pid, 0)` fails with ESRCH), and the
///   PID is not this process's own (another thread may be writing); 1.0's names carry no
///   PID, and count as gone on the next condition alone;
/// - and it was last modified before this process started. A live writer keeps touching
///   its file, so this also protects one whose PID means nothing here (a process on another
///   machine writing to a shared directory). A reused PID only keeps a leftover longer.
extension AtomicFile {
    /// The template of a temporary for `name`, before mkstemp fills in the X's.
    static func temporaryPrefix(for name: String) -> String { ".\(name).tmp-" }

    static func temporaryTemplate(for name: String) -> String {
        temporaryPrefix(for: name) + "\(getpid())-XXXXXX"
    }

    /// When this process started: /proc's start time on Linux, else the first write's time.
    static let processStart: Date = {
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            // Field 22 (starttime, in clock ticks after boot); fields after the command name.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 19, let ticks = Double(fields[19]), let boot = bootTime() {
                let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
                if hz > 0 { return Date(timeIntervalSince1970: boot + ticks / hz) }
            }
        }
        return Date()
    }()

    private static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Removes the dead temporaries of `name` in `directory`; failures are ignored (a
    /// leftover costs disk space, never correctness).
    static func removeStaleTemporaries(of name: String, in directory: String) {
        let prefix = temporaryPrefix(for: name)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return }
        let start = processStart.timeIntervalSince1970
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = writerOf(String(entry.dropFirst(prefix.count))) else { continue }
            if let pid {
                guard pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            }
            let path = (directory.isEmpty ? "." : directory) + "/" + entry
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            guard modified < start else { continue }
            unlink(path)
        }
    }

    /// For the part after `.NAME.tmp-`: `.some(pid)` for `PID-XXXXXX`, `.some(nil)` for
    /// 1.0's bare `XXXXXX`, nil when it is not a temporary's name at all.
    static func writerOf(_ suffix: String) -> pid_t?? {
        func isRandom(_ s: Substring) -> Bool {
            s.utf8.count == 6 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }
        }
        let parts = suffix.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, isRandom(parts[0]) { return .some(nil) }
        guard parts.count == 2, isRandom(parts[1]), !parts[0].isEmpty, parts[0].utf8.count <= 10,
              parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let pid = pid_t(parts[0]), pid > 0 else { return nil }
        return .some(pid)
    }
}
