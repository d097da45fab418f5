import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LRSEngine
import LRSOptim

/// The renderers of `lrs schedule`, on tables computed from the reference cases' scripts.
@Suite struct ScheduleReportTests {
    /// Seed 2's script (two lambda schedules per epoch), as the reference case holds it.
    static func seed2(epochs: Int = 20) throws -> RateTable {
        try ScheduleCases.table("../reference/sched_seed2_lambda", epochs: epochs, stepsPerEpoch: 1)
    }

    /// A per-step one-cycle over 10 epochs of 10 steps, as the reference case holds it.
    static func onecycle() throws -> RateTable {
        try ScheduleCases.table("../reference/sched_onecycle", epochs: 10, stepsPerEpoch: 10)
    }

    @Test func csvIsTorchsReferenceFileByteForByte() throws {
        for (name, table) in [("sched_seed2_lambda", try Self.seed2()), ("sched_onecycle", try Self.onecycle())] {
            let want = try Data(contentsOf: ScheduleCases.root.appendingPathComponent("../reference/\(name)/schedule.csv"))
            let got = ScheduleReport.csv(table)
            #expect(got == Array(want), "\(name): csv differs from torch's schedule.csv")
        }
    }

    @Test func csvNumbersReadBackExactlyAndReadNaturally() throws {
        let values = [1e-05, 0.1, 0.0001, 0.0040000000000000036, 3e-10, 1.0, 0.0, 123.5]
        let table = try #require(RateTable(groups: ["a"], epochs: values.count, stepsPerEpoch: 1, rates: values))
        let text = String(decoding: ScheduleReport.csv(table), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "epoch,step,group,lr")
        #expect(Array(lines.dropFirst().prefix(3)) == ["0,0,a,1e-05", "1,1,a,0.1", "2,2,a,0.0001"])
        for (line, value) in zip(lines.dropFirst(), values) {
            #expect(Double(line.split(separator: ",")[3]) == value)
        }
        #expect(text.hasSuffix("\n"))
    }

    @Test func csvStreamsRowsLongerThanItsBuffer() throws {
        // A group name of 100 KB once overran the 64 KiB chunk buffer.
        let name = String(repeating: "x", count: 100_000)
        let table = try #require(RateTable(groups: ["a", name], epochs: 2, stepsPerEpoch: 1, rates: [0.1, 0.2, 0.1, 0.2]))
        let text = String(decoding: ScheduleReport.csv(table), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[2] == "0,0,\(name),0.2")
        #expect(lines[4] == "1,1,\(name),0.2")
    }

    @Test func csvRowsFollowTheContractOrder() throws {
        let table = try #require(RateTable(groups: ["x", "y,z"], epochs: 2, stepsPerEpoch: 3,
                                           rates: (0..<12).map { Double($0) / 8 }))
        let lines = String(decoding: ScheduleReport.csv(table), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 13)
        #expect(lines[1] == "0,0,x,0.0")
        #expect(lines[2] == "0,0,\"y,z\",0.125")
        #expect(lines[7] == "1,3,x,0.75")
        #expect(lines[12] == "1,5,\"y,z\",1.375")
    }

    @Test func jsonCarriesTheSameRates() throws {
        let table = try Self.onecycle()
        let json = ScheduleReport.json(table)
        // The structure through JSONSerialization; the numbers from their text, since
        // Foundation's parser on Linux rounds some doubles.
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let root = try #require(object as? [String: Any])
        #expect(root["epochs"] as? Int == 10)
        #expect(root["steps_per_epoch"] as? Int == 10)
        #expect(root["groups"] as? [String] == ["main"])
        let rows = try #require(root["rows"] as? [[String: Any]])
        #expect(rows.count == 100)
        let lines = json.split(separator: "\n").filter { $0.contains("\"step\"") }
        #expect(lines.count == 100)
        for (s, (row, line)) in zip(rows, lines).enumerated() {
            #expect(row["step"] as? Int == s && row["epoch"] as? Int == s / 10)
            let text = try #require(line.split(separator: "\"main\": ").last?.split(separator: "}").first)
            #expect(Double(text) == table.lr(step: s, group: 0))
        }
    }

    @Test func tableFitsEightyColumnsAndSummarisesLongRuns() throws {
        let table = try Self.seed2(epochs: 300)
        let text = ScheduleReport.text(table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[0].contains("epoch") && lines[0].contains("layer1") && lines[0].contains("layer2"))
        #expect(lines[1].hasSuffix("0.01       0.001") || lines[1].contains("0.01"))
        #expect(text.contains("(20 of 300 epochs shown: every 16th and the last; every epoch: --all)"))
        #expect(lines.count < 90)
        let all = ScheduleReport.text(table, options: .init(all: true))
        #expect(all.split(separator: "\n").count == 301)
        #expect(!all.contains("shown"))
        // the last epoch is always shown: 0.01 * 0.95^299
        #expect(text.contains(ScheduleReport.compact(0.01 * pow(0.95, 299))))
    }

    /// Rows left out of a long table are marked by a `...` line wherever they are, in every
    /// block of columns; the rows shown are a regular stride and the last; the CSV keeps all.
    @Test func tableMarksEveryElisionAndCSVStaysComplete() throws {
        for epochs in [41, 50, 73, 300, 1000] {
            let table = try Self.seed2(epochs: epochs)
            let text = ScheduleReport.text(table, options: .init(width: 24))  // two blocks of columns
            let blocks = text.components(separatedBy: "\n\n")
            #expect(blocks.count == 2)
            for block in blocks {
                let lines = block.split(separator: "\n").filter { !$0.hasPrefix("(") }.dropFirst()  // header
                #expect(lines.count <= 40)
                var previous: Int?
                var marked = false
                var gaps: Set<Int> = []
                for line in lines {
                    if line == "  ..." {
                        #expect(!marked, "one mark per gap")
                        marked = true
                        continue
                    }
                    let epoch = try #require(Int(line.split(separator: " ").first ?? ""))
                    if let previous {
                        #expect((epoch - previous > 1) == marked, "epochs \(previous) to \(epoch): a gap has a mark, only a gap")
                        if epoch != epochs - 1 { gaps.insert(epoch - previous) }
                    } else {
                        #expect(epoch == 0)
                    }
                    previous = epoch
                    marked = false
                }
                #expect(previous == epochs - 1, "the last epoch is shown")
                #expect(gaps.count == 1, "a regular stride: \(gaps)")
            }
            let csv = ScheduleReport.csv(table)
            #expect(csv.split(separator: UInt8(ascii: "\n")).count == 1 + 2 * epochs)
        }
        // Short runs, and --all, have every row and no mark.
        for text in [ScheduleReport.text(try Self.seed2(epochs: 40)), ScheduleReport.text(try Self.seed2(epochs: 300), options: .init(all: true))] {
            #expect(!text.contains("..."))
        }
    }

    @Test func tableShowsStepsWhenRatesMoveInsideEpochsAndWrapsWideGroups() throws {
        let steps = try ScheduleReport.text(Self.onecycle(), options: .init(all: true))
        #expect(steps.split(separator: "\n").first?.contains("step") == true)
        #expect(steps.split(separator: "\n").count == 101)
        let names = (0..<12).map { "group_number_\($0)" }
        let wide = try #require(RateTable(groups: names, epochs: 3, stepsPerEpoch: 1, rates: Array(repeating: 0.5, count: 36)))
        let text = ScheduleReport.text(wide)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        for name in names { #expect(text.contains(name)) }
        #expect(text.components(separatedBy: "epoch").count > 2, "groups continue in further blocks")
    }

    @Test func svgIsWellFormedWithALinePerGroupAndALegend() throws {
        for log in [false, true] {
            let svg = ScheduleReport.svg(try Self.seed2(), options: .init(logScale: log, title: "seed 2"))
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "svg must be well-formed XML")
            #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
            #expect(svg.contains(">layer1<") && svg.contains(">layer2<") && svg.contains(">seed 2<"))
            #expect(svg.contains("log scale") == log)
        }
        let perStep = ScheduleReport.svg(try Self.onecycle())
        #expect(perStep.contains("stroke-dasharray=\"2 3\""), "epoch boundaries are marked")
    }
}
