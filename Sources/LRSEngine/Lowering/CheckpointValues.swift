import LRSFiles
import LRSLanguage

/// Initial values for `where` predicates of a model from a checkpoint (section 13): the
/// tensor's data, read from its file only when a predicate asks for it (F16, BF16 and F64
/// converted to Float). The headers are read once, on the first request.
final class CheckpointValues {
    private let path: String
    private var headers: Result<CheckpointHeaders, FileFormatError>?
    private var byName: [String: CheckpointHeaders.Tensor] = [:]

    init(path: String) {
        self.path = path
    }

    func value(of name: String) -> InitialValue? {
        if headers == nil {
            do throws(FileFormatError) {
                let read = try CheckpointHeaders.read(path: path)
                headers = .success(read)
                for tensor in read.tensors { byName[tensor.name] = tensor }
            } catch {
                headers = .failure(error)
            }
        }
        guard case .success(let read)? = headers, let tensor = byName[name],
              let values = try? read.floats(of: tensor) else { return nil }
        return InitialValue(shape: tensor.shape, values: values)
    }
}

extension ModelFactory {
    /// The predicate values of a model from a checkpoint, or `nil` for a built-in model.
    var checkpointValues: InitialValueProvider? {
        guard let file = script.model.file else { return nil }
        let values = CheckpointValues(path: file.file.path)
        return { values.value(of: $0) }
    }
}
