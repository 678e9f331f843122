/// Why a text is not JSON: what was expected or found, and at which byte (1-based) or at
/// the end of input, e.g. `expected ':' at byte 7`.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
