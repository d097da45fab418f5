import LRSRuntime

/// Runs work over the concatenation of many element ranges on all cores.
///
/// The elements of every piece of work are laid end to end and cut into a few contiguous
/// chunks, so one 10 M tensor and a thousand 10 k tensors are both shared across the cores,
/// each core streaming through memory. Small totals run on the calling thread: waking a
/// worker costs more than it saves below about a quarter million elements.
enum ParallelRanges {
    /// Totals below this many elements run on the calling thread.
    static let serialLimit = 1 << 18
    /// The smallest chunk handed to one worker.
    static let minimumChunk = 1 << 16
    /// How many chunks each core gets, so a core slowed by other load does not hold up the rest.
    static let chunksPerCore = 4

    /// Calls `body(item, range)` once or more for each item, together covering `0..<counts[item]`.
    static func run(counts: [Int], _ body: (Int, Range<Int>) -> Void) {
        let total = counts.reduce(0, +)
        let cores = ParallelFor.width
        if total < serialLimit || cores < 2 {
            for (item, count) in counts.enumerated() where count > 0 { body(item, 0..<count) }
            return
        }
        let chunks = max(cores, min(cores * chunksPerCore, total / minimumChunk))
        var starts = [Int](repeating: 0, count: counts.count + 1)
        for (item, count) in counts.enumerated() { starts[item + 1] = starts[item] + count }
        starts.withUnsafeBufferPointer { starts in
            // The runtime's persistent helper thread takes half the chunks: waking a Dispatch
            // worker for every step costs more than the update of a small model.
            ParallelFor.run(count: chunks, workPerItem: Int.max) { _, range in
                for chunk in range {
                    let lower = total / chunks * chunk + min(chunk, total % chunks)
                    let upper = total / chunks * (chunk + 1) + min(chunk + 1, total % chunks)
                    visit(lower..<upper, starts: starts, body: body)
                }
            }
        }
    }

    /// Calls `body` for the pieces of each item that fall inside `span` of the concatenation.
    private static func visit(_ span: Range<Int>, starts: UnsafeBufferPointer<Int>,
                              body: (Int, Range<Int>) -> Void) {
        // The last item whose start is <= span.lowerBound.
        var low = 0, high = starts.count - 2
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= span.lowerBound { low = mid } else { high = mid - 1 }
        }
        var item = low
        while item < starts.count - 1 && starts[item] < span.upperBound {
            let lower = max(span.lowerBound, starts[item]) - starts[item]
            let upper = min(span.upperBound, starts[item + 1]) - starts[item]
            if lower < upper { body(item, lower..<upper) }
            item += 1
        }
    }
}
