/// Station names (the configuration's stations, devices and webhooks, the protocol's
/// `station`): 1–32 characters of `A-Z a-z 0-9 _ - .`, starting with a letter or digit.
public enum StationName {
    public static let maximumLength = 32

    public static func isValid(_ s: String) -> Bool {
        let scalars = Array(s.unicodeScalars)
        return (1...maximumLength).contains(scalars.count) && ASCII.isAlnum(scalars[0])
            && scalars.allSatisfy(ASCII.isNameCharacter)
    }
}
