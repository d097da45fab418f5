import Foundation

/// The tensors of a checkpoint named by `model from`: one safetensors file, or Hugging
/// Face's sharded layout (`model.safetensors.index.json`, whose `weight_map` names the shard
/// of every tensor). Headers only; the data of one tensor is read on demand.
public struct CheckpointHeaders: Sendable {
    /// One tensor: its header entry and the file that holds it.
    public struct Tensor: Sendable {
        public let entry: SafetensorsHeader.Entry
        /// Index into `files`.
        public let file: Int

        public var name: String { entry.name }
        public var dtype: SafetensorsDType { entry.dtype }
        public var shape: [Int] { entry.shape }
    }

    /// The safetensors files read, with their headers.
    public let files: [(path: String, header: SafetensorsHeader)]
    /// Every tensor, in the checkpoint's order: a single file's header order, or the order
    /// of the index's `weight_map`.
    public var tensors: Tensors { Tensors(files: files, order: order) }
    /// An index's tensors as (file, position in that file's header); `nil` for one file,
    /// whose header's order is the order (no second list of ten thousand tensors).
    private let order: [(file: Int, entry: Int)]?

    /// The tensors in order, each made when read.
    public struct Tensors: RandomAccessCollection, Sendable {
        let files: [(path: String, header: SafetensorsHeader)]
        let order: [(file: Int, entry: Int)]?

        public var startIndex: Int { 0 }
        public var endIndex: Int { order?.count ?? files.first?.header.entries.count ?? 0 }

        public subscript(position: Int) -> Tensor {
            guard let order else { return Tensor(entry: files[0].header.entries[position], file: 0) }
            let (file, entry) = order[position]
            return Tensor(entry: files[file].header.entries[entry], file: file)
        }
    }

    /// Calls `visit` with each tensor's position and header entry, in the checkpoint's order,
    /// the entries borrowed where they lie (no `Tensor` made per position: a 10,000-tensor
    /// checkpoint is walked once per check).
    public func forEachEntry(_ visit: (Int, borrowing SafetensorsHeader.Entry) -> Void) {
        guard let order else {
            guard let header = files.first?.header else { return }
            header.entries.withUnsafeBufferPointer { entries in
                for position in entries.indices { visit(position, entries[position]) }
            }
            return
        }
        for (position, (file, entry)) in order.enumerated() { visit(position, files[file].header.entries[entry]) }
    }

    /// An index larger than this is refused before it is read (a 70B model's is 60 KB).
    static let maxIndexBytes = 100_000_000

    /// Reads the headers of `path`: an index when its name ends in `.index.json`, else one
    /// safetensors file.
    public static func read(path: String) throws(FileFormatError) -> CheckpointHeaders {
        guard path.hasSuffix(".index.json") else {
            let header = try SafetensorsHeader.read(path: path)
            return CheckpointHeaders(files: [(path, header)], order: nil)
        }
        return try readIndex(path: path)
    }

    private static func readIndex(path: String) throws(FileFormatError) -> CheckpointHeaders {
        let bytes: [UInt8]
        do {
            let size = try FileBytes.size(of: path)
            guard size <= maxIndexBytes else {
                throw FileFormatError(path: path, "the index is \(size) bytes, more than the \(maxIndexBytes) lrs reads")
            }
            bytes = try FileBytes.read(path, offset: 0, count: size)
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(path: path, "read failed")
        }
        let json: OrderedJSON
        do {
            json = try OrderedJSON.parse(bytes)
        } catch {
            if let name = error.duplicateName { throw FileFormatError(path: path, "the index names '\(name)' twice") }
            throw FileFormatError(path: path, "not a valid index: \(error.reason) at byte \(error.offset)")
        }
        guard let weightMap = json["weight_map"]?.members else {
            throw FileFormatError(path: path, "not a valid index: no \"weight_map\" object")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var fileIndex: [String: Int] = [:]
        var files: [(path: String, header: SafetensorsHeader)] = []
        // Per shard: how many of its entries the index named in the shard's own order (as
        // writers write both), and its entries by name, made only when a name comes out of
        // that order. A shard read through in order holds no tensor the index leaves out.
        var cursors: [Int] = []
        var inOrder: [Bool] = []
        var positions: [[String: Int]?] = []
        var order: [(file: Int, entry: Int)] = []
        order.reserveCapacity(weightMap.count)
        for (name, value) in weightMap {
            guard let shard = value.string else {
                throw FileFormatError(path: path, "not a valid index: the shard of '\(name)' is not a file name")
            }
            let file: Int
            if let known = fileIndex[shard] {
                file = known
            } else {
                // Shards are names beside the index, never paths elsewhere.
                guard !shard.isEmpty, !shard.utf8.contains(UInt8(ascii: "/")), shard != "..", shard != "." else {
                    throw FileFormatError(path: path, "the shard '\(shard)' of '\(name)' is not a file name beside the index")
                }
                let shardPath = directory.isEmpty ? shard : directory + "/" + shard
                let header: SafetensorsHeader
                do {
                    header = try SafetensorsHeader.read(path: shardPath)
                } catch {
                    throw FileFormatError(path: path, "the shard '\(shard)' of '\(name)': \(error.reason)")
                }
                file = files.count
                fileIndex[shard] = file
                files.append((shardPath, header))
                cursors.append(0)
                inOrder.append(true)
                positions.append(nil)
            }
            let shardEntries = files[file].header.entries
            if inOrder[file], cursors[file] < shardEntries.count, shardEntries[cursors[file]].name == name {
                order.append((file, cursors[file]))
                cursors[file] += 1
                continue
            }
            inOrder[file] = false
            if positions[file] == nil {
                var byName: [String: Int] = [:]
                byName.reserveCapacity(shardEntries.count)
                for (position, entry) in shardEntries.enumerated() { byName[entry.name] = position }
                positions[file] = byName
            }
            guard let entry = positions[file]?[name] else {
                throw FileFormatError(path: path, "'\(name)' is not in its shard '\(shard)'")
            }
            order.append((file, entry))
        }
        // A tensor a shard holds but the index does not name would be silently left out.
        var named: Set<String>?
        for (file, (shardPath, header)) in files.enumerated() where !(inOrder[file] && cursors[file] == header.entries.count) {
            if named == nil { named = Set(order.map { files[$0.file].header.entries[$0.entry].name }) }
            if let stray = header.entries.first(where: { !(named?.contains($0.name) ?? false) }) {
                let shard = (shardPath as NSString).lastPathComponent
                throw FileFormatError(path: path, "the shard '\(shard)' holds '\(stray.name)', which the index does not name")
            }
        }
        return CheckpointHeaders(files: files, order: order)
    }

    /// The elements of a floating-point tensor as Float (`nil` for integer and bool ones).
    public func floats(of tensor: Tensor) throws(FileFormatError) -> [Float]? {
        let (path, header) = files[tensor.file]
        return try header.floats(of: tensor.entry, path: path)
    }
}
