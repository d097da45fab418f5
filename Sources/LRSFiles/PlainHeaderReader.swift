#if canImport(Glibc)
import Glibc
#endif

/// One member of a plain header, as `OrderedJSONParser.plainMember` read it: where its name
/// is in the text read, whether it is `__metadata__` (else a tensor's entry), and whether the
/// header's `}` came after it.
struct PlainHeaderMember {
    let name: Range<Int>
    let isMetadata: Bool
    let closed: Bool
}

/// A tensor's entry, its shape by number in the table's `ShapeInterner`.
typealias PlainHeaderEntry = (dtype: SafetensorsDType, shape: Int32, begin: Int, end: Int)

/// A safetensors header as writers write it, read in one pass, member by member: member names
/// in ASCII without escapes, each named once; `__metadata__` an object of strings; every other
/// member a plain entry whose size fits its shape and whose bytes follow the previous entry's,
/// the last ending at the data section's end. `nil` for anything else, valid or not: the
/// general reader then reads the header and says what is wrong. The tensors' names are copied
/// into the table's one buffer (no `String` per member name), and checked for duplicates there.
///
/// From a file, the text is read a window at a time (64 KB, and more when a member does not
/// fit): a 10,000-tensor header is about 1 MB, which would otherwise be read into fresh
/// memory, each of its pages faulted in, only to be dropped once its names are copied out. A
/// member the window cuts is never misread: every reader of a member needs the byte after
/// what it reads (a number's digits, a string's closing quote, a literal's last byte), so a
/// cut member fails and is read again from a wider window; only when the whole rest of the
/// header is in the window does a failure mean the header is not plain.
struct PlainHeaderReader {
    /// The text read and not yet consumed is `window[start ..< filled]`.
    private var window: UnsafeMutableBufferPointer<UInt8>
    private var start = 0
    private var filled: Int
    /// The file the header is read from (nil: all of it is in `window`), the offset of its
    /// next byte to read and where the header ends.
    private let file: FileBytes.OpenFile?
    private var next: Int
    private let end: Int
    /// Bytes of the header in all.
    private let length: Int
    /// The window is refilled when less than this is left unread: a small share of it (all of
    /// it, for a window smaller than a member, which then grows).
    private var lookahead: Int

    static let windowBytes = 64 * 1024

    /// The header whose text is `bytes`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, dataSize: Int) -> (tensors: TensorTable, metadata: [String: String])? {
        // Read only: with the whole text in the window, nothing is ever moved or read into it.
        var reader = PlainHeaderReader(window: UnsafeMutableBufferPointer(mutating: bytes), filled: bytes.count, file: nil,
                                       next: 0, end: 0, length: bytes.count)
        return reader.members(dataSize: dataSize)
    }

    /// The header of `length` bytes at `offset` of `file`, read a window at a time.
    /// `window` is its first size (tests make it small, to cut every member).
    static func read(_ file: FileBytes.OpenFile, offset: Int, length: Int, dataSize: Int,
                     window: Int = windowBytes) -> (tensors: TensorTable, metadata: [String: String])? {
        let window = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, min(length, window)))
        var reader = PlainHeaderReader(window: window, filled: 0, file: file, next: offset, end: offset + length, length: length)
        defer { reader.window.deallocate() }
        return reader.members(dataSize: dataSize)
    }

    private init(window: UnsafeMutableBufferPointer<UInt8>, filled: Int, file: FileBytes.OpenFile?, next: Int, end: Int,
                 length: Int) {
        self.window = window
        self.filled = filled
        self.file = file
        self.next = next
        self.end = end
        self.length = length
        lookahead = max(1, min(4096, window.count / 2))
    }

    /// Whether the whole rest of the header is in the window.
    private var allRead: Bool { next == end }

    /// Makes at least `count` bytes past `start` readable, or all that remain: the unread text
    /// moved to the front, the window grown if it is too small, and filled from the file.
    /// False when the file cannot be read as far as its header said.
    private mutating func ensure(_ count: Int) -> Bool {
        let unread = filled - start
        guard unread < count, !allRead, let file else { return true }
        guard let base = window.baseAddress else { return false }
        if start > 0 {
            memmove(base, base + start, unread)
            start = 0
            filled = unread
        }
        // Room for twice what is asked (while the header has that much): then a refill comes
        // only after at least `count` bytes were read, never once per member.
        let wanted = min(2 * count, unread + end - next)
        if window.count < wanted {
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(2 * window.count, wanted))
            if let target = grown.baseAddress { memcpy(target, base, filled) }
            window.deallocate()
            window = grown
        }
        let count = min(window.count - filled, end - next)
        guard file.read(into: UnsafeMutableBufferPointer(rebasing: window[filled ..< filled + count]), offset: next) else {
            return false
        }
        filled += count
        next += count
        return true
    }

    private mutating func members(dataSize: Int) -> (tensors: TensorTable, metadata: [String: String])? {
        // About 100 bytes of text per entry, a third of them the name: one allocation per
        // column, not a doubling series (room reserved and not used is never touched).
        var tensors = TensorTable(capacity: length / 64, nameBytes: length / 2)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(length / 64)
        var metadata: [String: String]?
        var entry: PlainHeaderEntry = (.f32, 0, 0, 0)
        var covered = 0
        guard var closed = readNext({ $0.plainOpening() }) else { return nil }
        while !closed {
            var read: [String: String]?
            guard let member = readNext({ $0.plainMember(&tensors.shapeInterner, entry: &entry, metadata: &read) }) else {
                return nil
            }
            if member.isMetadata {
                // `__metadata__` twice is a name twice.
                guard metadata == nil else { return nil }
                metadata = read
            } else {
                guard entry.begin == covered, entry.end >= entry.begin,
                      tensors.shapeInterner.byteCount(entry.shape, entry.dtype) == entry.end - entry.begin else { return nil }
                covered = entry.end
                let name = UnsafeBufferPointer(rebasing: window[member.name])
                tensors.append(name: name, dtype: entry.dtype, shape: entry.shape, begin: entry.begin, end: entry.end)
                hashes.append(ByteHash.of(UnsafeRawBufferPointer(name)))
            }
            closed = member.closed
        }
        // Nothing but white space after the object: all of the rest read first.
        guard covered == dataSize, ensure(Int.max / 2) else { return nil }
        var rest = OrderedJSONParser(bytes: UnsafeBufferPointer(rebasing: window[..<filled]))
        rest.position = start
        rest.skipSpace()
        guard rest.position == filled else { return nil }
        // No name twice: checked once all are in the table's buffer.
        let twice = tensors.withNames { names in hashes.withUnsafeBufferPointer { names.hasTwoEqual(hashes: $0) } }
        guard !twice else { return nil }
        return (tensors, metadata ?? [:])
    }

    /// What `read` reads from the unread text, which it is handed at `start`; `start` then
    /// past it. A failure is read again from a wider window while the header has more (the
    /// window may have cut it); `nil` once it fails with the whole rest in the window, or when
    /// the file cannot be read.
    private mutating func readNext<T>(_ read: (inout OrderedJSONParser) -> T?) -> T? {
        while true {
            guard ensure(lookahead) else { return nil }
            var reader = OrderedJSONParser(bytes: UnsafeBufferPointer(rebasing: window[..<filled]))
            reader.position = start
            if let value = read(&reader) {
                start = reader.position
                return value
            }
            guard !allRead else { return nil }
            lookahead = 2 * max(lookahead, filled - start)
        }
    }
}
