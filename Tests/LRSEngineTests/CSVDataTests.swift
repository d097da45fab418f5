import LRSFiles
import Foundation
import Testing
import TestSupport
@testable import LRSEngine

@Suite struct CSVDataTests {
    func write(_ text: String) throws -> String {
        let path = Fixtures.temporaryDirectory() + "/d.csv"
        try AtomicFile.write(text: text, to: path)
        return path
    }

    @Test func labelsByNameAndIndex() throws {
        let path = try write("a,b,kind\n1,2,0\n3,4,1\n5,6,1\n")
        let byName = try Dataset.csv(path: path, label: .name("kind"), header: true, sampleShape: nil)
        #expect(byName.inputs == [1, 2, 3, 4, 5, 6])
        #expect(byName.targets == .classes([0, 1, 1]))
        let byIndex = try Dataset.csv(path: path, label: .index(0), header: nil, sampleShape: nil)
        #expect(byIndex.inputs == [2, 0, 4, 1, 6, 1])
        #expect(byIndex.targets == .classes([1, 3, 5]))
    }

    @Test func fractionalLabelsAreRegressionTargets() throws {
        let path = try write("1,2,0.5\n3,4,1.25\n")
        let data = try Dataset.csv(path: path, label: nil, header: nil, sampleShape: [2])
        #expect(data.targets == .values([0.5, 1.25], width: 1))
    }

    @Test func reportsTheRowAndColumnOfABadCell() throws {
        let path = try write("x,y,label\n1,2,0\n3,oops,1\n")
        #expect {
            try Dataset.csv(path: path, label: nil, header: true, sampleShape: nil)
        } throws: { error in
            (error as? FileFormatError)?.reason == "row 3, column 2: 'oops' is not a finite number"
        }
    }

    @Test func reportsAMissingLabelColumn() throws {
        let path = try write("x,y\n1,2\n")
        #expect(throws: FileFormatError.self) { try Dataset.csv(path: path, label: .name("z"), header: true, sampleShape: nil) }
        #expect(throws: FileFormatError.self) { try Dataset.csv(path: path, label: .index(5), header: true, sampleShape: nil) }
    }

    @Test func aByteOrderMarkIsNoPartOfTheFirstCell() throws {
        let noHeader = try write("\u{FEFF}1,2,0\n3,4,1\n")
        let data = try Dataset.csv(path: noHeader, label: nil, header: false, sampleShape: nil)
        #expect(data.inputs == [1, 2, 3, 4])
        let named = try write("\u{FEFF}a,b\n1,0\n")
        #expect(try Dataset.csv(path: named, label: .name("a"), header: true, sampleShape: nil).targets == .classes([1]))
        #expect {
            try Dataset.csv(path: named, label: .name("z"), header: true, sampleShape: nil)
        } throws: { error in
            (error as? FileFormatError)?.reason == "no column named 'z'; the columns are a, b"
        }
    }

    @Test func aNULIsRefusedWhereItStands() throws {
        let path = try write("x,y,label\n1,2,0\n3,\"4\u{0}\",1\n")
        #expect {
            try Dataset.csv(path: path, label: nil, header: true, sampleShape: nil)
        } throws: { error in
            (error as? FileFormatError)?.reason == "line 3, column 5: a NUL byte, which a CSV file cannot hold"
        }
    }
}
