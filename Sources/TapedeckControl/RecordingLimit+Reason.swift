extension RecordingLimit {
    /// "limit of 8 recordings per agent reached" / "limit of 256 recordings reached".
    public var reason: String {
        switch self {
        case .perAgent(let n): "limit of \(n) recordings per agent reached"
        case .total(let n): "limit of \(n) recordings reached"
        }
    }
}
