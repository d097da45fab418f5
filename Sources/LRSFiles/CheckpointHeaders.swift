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
    /// Every tensor, in the checkpoint's order: a single file's header order (its table
    /// itself, not a copy), or the order of the index's `weight_map`.
    public let table: TensorTable
    /// An index's tensors' files (indices into `files`), in `table`'s order; `nil` for one file.
    private let fileOf: [Int]?

    /// The tensors in order, each made when read.
    public var tensors: Tensors { Tensors(table: table, fileOf: fileOf) }

    /// The tensors in order, each made (its name a `String`) when read.
    public struct Tensors: RandomAccessCollection, Sendable {
        let table: TensorTable
        let fileOf: [Int]?

        public var startIndex: Int { 0 }
        public var endIndex: Int { table.count }

        public subscript(position: Int) -> Tensor {
            Tensor(entry: table.entry(position), file: fileOf?[position] ?? 0)
        }
    }

    /// An index larger than this is refused before it is read (a 70B model's is 60 KB).
    static let maxIndexBytes = 100_000_000

    /// Reads the headers of `path`: an index when its name ends in `.index.json`, else one
    /// safetensors file.
    public static func read(path: String) throws(FileFormatError) -> CheckpointHeaders {
        guard path.hasSuffix(".index.json") else {
            let header = try SafetensorsHeader.read(path: path)
            return CheckpointHeaders(files: [(path, header)], table: header.tensors, fileOf: nil)
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
            let tensors = files[file].header.tensors
            if inOrder[file], cursors[file] < tensors.count, tensors.withNames({ $0[cursors[file]].elementsEqual(name.utf8) }) {
                order.append((file, cursors[file]))
                cursors[file] += 1
                continue
            }
            inOrder[file] = false
            if positions[file] == nil {
                var byName: [String: Int] = [:]
                byName.reserveCapacity(tensors.count)
                for position in 0 ..< tensors.count { byName[tensors.name(position)] = position }
                positions[file] = byName
            }
            guard let entry = positions[file]?[name] else {
                throw FileFormatError(path: path, "'\(name)' is not in its shard '\(shard)'")
            }
            order.append((file, entry))
        }
        // A tensor a shard holds but the index does not name would be silently left out.
        var named: Set<String>?
        for (file, (shardPath, header)) in files.enumerated() where !(inOrder[file] && cursors[file] == header.tensors.count) {
            if named == nil { named = Set(order.map { files[$0.file].header.tensors.name($0.entry) }) }
            let shard = header.tensors
            if let stray = (0 ..< shard.count).first(where: { !(named?.contains(shard.name($0)) ?? false) }) {
                let shardName = (shardPath as NSString).lastPathComponent
                throw FileFormatError(path: path, "the shard '\(shardName)' holds '\(shard.name(stray))', which the index does not name")
            }
        }
        var table = TensorTable(capacity: order.count, nameBytes: order.count * 64)
        for (file, entry) in order { table.append(entry, of: files[file].header.tensors) }
        return CheckpointHeaders(files: files, table: table, fileOf: order.map(\.file))
    }

    /// The elements of a floating-point tensor as Float (`nil` for integer and bool ones).
    public func floats(of tensor: Tensor) throws(FileFormatError) -> [Float]? {
        let (path, header) = files[tensor.file]
        return try header.floats(of: tensor.entry, path: path)
    }
}
