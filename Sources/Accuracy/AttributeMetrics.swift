public import Description

/// How well colour names were given: overall, per true colour, and which colours were taken for which.
public struct ColourConfusion: Sendable, Hashable, Codable {
    /// `counts[truth][predicted]`, indexed by `ColourName.rawValue`.
    public var counts: [[Int]]

    public init() {
        counts = Array(repeating: Array(repeating: 0, count: ColourName.allCases.count), count: ColourName.allCases.count)
    }

    public mutating func add(truth: ColourName, predicted: ColourName) {
        counts[truth.rawValue][predicted.rawValue] += 1
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { ColourName.allCases.reduce(0) { $0 + counts[$1.rawValue][$1.rawValue] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Accuracy for people whose true colour is `colour`, or `nil` when there were none.
    public func accuracy(of colour: ColourName) -> Double? {
        let row = counts[colour.rawValue]
        let n = row.reduce(0, +)
        return n == 0 ? nil : Double(row[colour.rawValue]) / Double(n)
    }
}

/// Ranking quality of report → track retrieval.
public struct RetrievalScore: Sendable, Hashable, Codable {
    /// For each query, the 1-based ranks of the relevant items in the ranked list (empty when
    /// none was ranked).
    public var relevantRanks: [[Int]] = []
    /// For each query, how many relevant items exist (ranked or not).
    public var relevantCounts: [Int] = []

    public init() {}

    public mutating func add(rankedRelevance: [Bool], relevantCount: Int) {
        relevantRanks.append(rankedRelevance.enumerated().filter(\.element).map { $0.offset + 1 })
        relevantCounts.append(relevantCount)
    }

    public var queries: Int { relevantRanks.count }

    /// Share of queries whose first relevant item is within the top `k`.
    public func recall(at k: Int) -> Double {
        queries == 0 ? 0 : Double(relevantRanks.filter { ($0.first ?? .max) <= k }.count) / Double(queries)
    }

    /// Mean over queries of average precision (relevant items never ranked count as misses).
    public var meanAveragePrecision: Double {
        guard queries > 0 else { return 0 }
        var sum = 0.0
        for (ranks, count) in zip(relevantRanks, relevantCounts) where count > 0 {
            var ap = 0.0
            for (k, rank) in ranks.enumerated() { ap += Double(k + 1) / Double(rank) }
            sum += ap / Double(count)
        }
        return sum / Double(queries)
    }
}
