import Testing
@testable import LRSRuntime

/// im2col and col2im (in C, with a shifted-copy path for stride-1 same-size layers) against
/// their definitions written as plain loops, over geometries that take every path.
@Suite struct Im2ColTests {
    static let geometries: [ConvGeometry] = [
        ConvGeometry(channels: 2, height: 5, width: 5, kernel: 3, stride: 1, padding: 1),
        ConvGeometry(channels: 2, height: 4, width: 6, kernel: 5, stride: 1, padding: 2),
        ConvGeometry(channels: 3, height: 7, width: 6, kernel: 3, stride: 2, padding: 1),
        ConvGeometry(channels: 1, height: 6, width: 5, kernel: 3, stride: 1, padding: 0),
        ConvGeometry(channels: 2, height: 3, width: 3, kernel: 1, stride: 2, padding: 0),
        ConvGeometry(channels: 1, height: 2, width: 2, kernel: 3, stride: 1, padding: 2),
    ]

    /// x[c][iy][ix] for column row (c, ki, kj) and output position (y, xo), nil in the padding.
    static func source(_ g: ConvGeometry, row: Int, position: Int) -> Int? {
        let c = row / (g.kernel * g.kernel), ki = row / g.kernel % g.kernel, kj = row % g.kernel
        let iy = position / g.outWidth * g.stride - g.padding + ki
        let ix = position % g.outWidth * g.stride - g.padding + kj
        guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { return nil }
        return (c * g.height + iy) * g.width + ix
    }

    @Test(arguments: 0..<geometries.count) func im2colMatchesItsDefinition(_ index: Int) {
        let g = Self.geometries[index]
        let inSize = g.channels * g.height * g.width, colSize = g.patchSize * g.positions
        let x = Tensor(zeros: [inSize])
        for i in 0..<inSize { x.data[i] = Float(i + 1) }
        let col = Tensor(zeros: [colSize])
        col.fill(-7)
        g.im2col(x.data, into: col.data)
        for row in 0..<g.patchSize {
            for position in 0..<g.positions {
                let expected = Self.source(g, row: row, position: position).map { x.data[$0] } ?? 0
                #expect(col.data[row * g.positions + position] == expected, "row \(row) position \(position)")
            }
        }
    }

    @Test(arguments: 0..<geometries.count) func col2imAddsWhatEachEntryRead(_ index: Int) {
        let g = Self.geometries[index]
        let inSize = g.channels * g.height * g.width, colSize = g.patchSize * g.positions
        let col = Tensor(zeros: [colSize])
        for i in 0..<colSize { col.data[i] = Float(i % 13) - 6 }
        let dx = Tensor(zeros: [inSize])
        dx.fill(0.5)
        var expected = [Float](repeating: 0.5, count: inSize)
        for row in 0..<g.patchSize {
            for position in 0..<g.positions {
                if let i = Self.source(g, row: row, position: position) { expected[i] += col.data[row * g.positions + position] }
            }
        }
        g.col2im(col.data, into: dx.data)
        #expect((0..<inSize).map { dx.data[$0] } == expected)
    }
}
