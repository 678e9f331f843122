/// A position in a station's audio: where a recording begins (its ring's frame count).
public struct RingMark: Sendable, Equatable {
    public let station: String
    public let position: UInt64
    public let sampleRate: Int
    public init(station: String, position: UInt64, sampleRate: Int) {
        self.station = station
        self.position = position
        self.sampleRate = sampleRate
    }
}
