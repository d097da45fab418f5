import Foundation
import TestSupport

/// The Python that runs exported programs: `LRS_PYTHON`, else `python3` on the PATH; usable
/// only when `import torch, numpy, safetensors` works.
enum ExportPython {
    static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["LRS_PYTHON"], !chosen.isEmpty, FileManager.default.isExecutableFile(atPath: chosen) {
            return chosen
        }
        return ProcessRunner.which("python3")
    }()

    /// Whether the exported programs can run here (else the tests that run them are skipped).
    static let hasTorch: Bool = {
        guard let executable else { return false }
        let result = try? run(executable, ["-c", "import torch, numpy, safetensors"], in: NSTemporaryDirectory())
        return result?.status == 0
    }()

    /// Runs `python ARGS...` in `directory`, one OpenMP thread (the reference's setting).
    static func python(_ arguments: [String], in directory: String, timeout: Double = 600) throws -> ProcessResult {
        try run(executable ?? "python3", arguments, in: directory, timeout: timeout)
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String,
                    timeout: Double = 600) throws -> ProcessResult {
        // Gloo on the loopback interface: the machine's hostname need not resolve.
        let loopback = ProcessInfo.processInfo.environment["GLOO_SOCKET_IFNAME"] ?? "lo"
        return try ProcessRunner.run(executable, arguments, in: directory,
                                     environment: ["OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": loopback],
                                     timeout: timeout)
    }

    /// One line of a trace: `{"epoch", "step", "loss", "lr": {GROUP: RATE}}`, group order kept.
    struct TraceLine {
        let epoch: Int
        let step: Int
        let loss: Double
        let rates: [(group: String, lr: Double)]
    }

    static func readTrace(_ path: String) throws -> [TraceLine] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines: [TraceLine] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let object, let epoch = object["epoch"] as? Int, let step = object["step"] as? Int,
                  let loss = (object["loss"] as? NSNumber)?.doubleValue, let rates = object["lr"] as? [String: Any]
            else { throw TraceError(line: String(line)) }
            // JSONSerialization forgets key order: take it from the text.
            let order = groupOrder(in: String(line))
            lines.append(TraceLine(epoch: epoch, step: step, loss: loss,
                                   rates: order.compactMap { name in (rates[name] as? NSNumber).map { (name, $0.doubleValue) } }))
        }
        return lines
    }

    struct TraceError: Error { let line: String }

    /// The group names of a trace line's `"lr"` object, in the order written.
    private static func groupOrder(in line: String) -> [String] {
        guard let start = line.range(of: "\"lr\": {") ?? line.range(of: "\"lr\":{") else { return [] }
        var names: [String] = []
        var rest = line[start.upperBound...]
        while let open = rest.firstIndex(of: "\"") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "\"") else { break }
            names.append(String(rest[after..<close]))
            guard let comma = rest[close...].firstIndex(where: { $0 == "," || $0 == "}" }), rest[comma] == "," else { break }
            rest = rest[rest.index(after: comma)...]
        }
        return names
    }
}
