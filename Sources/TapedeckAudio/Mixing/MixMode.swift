/// How a recording turns a station's two legs into the channels of its file.
public enum MixMode: Sendable, Equatable, Hashable {
    /// Agent + customer in one channel: summed with saturation to Int16 (as telephony
    /// mixers do), or averaged when `average` is set.
    case mono(average: Bool = false)
    /// Agent left, customer right (VICIdial's layout); `swapped` puts the customer left.
    case stereo(swapped: Bool = false)
    /// The agent's leg alone, mono.
    case agent
    /// The customer's leg alone, mono.
    case customer

    public var outputChannels: Int {
        if case .stereo = self { return 2 }
        return 1
    }

    /// The mode's name as the command line and the control protocol spell it.
    public var name: String {
        switch self {
        case .mono: "mono"
        case .stereo: "stereo"
        case .agent: "agent"
        case .customer: "customer"
        }
    }
}
