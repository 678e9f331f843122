import Foundation

/// A request line decoded into its form and parameters, before the
/// function is interpreted.
public struct RequestLine: Sendable, Hashable {
    public var form: ReplyForm
    public var parameters: Parameters

    public init(form: ReplyForm, parameters: Parameters) {
        self.form = form
        self.parameters = parameters
    }

    /// Decodes one line (terminator removed, as ``LineFramer`` returns it):
    /// checks UTF-8, trims blanks (space, tab, CR) at both ends, then parses
    /// JSON (first non-blank byte `{`) or a query string.
    public static func parse<C: Collection>(_ bytes: C) -> Result<RequestLine, RequestFailure>
    where C.Element == UInt8 {
        let form = ReplyForm.detect(bytes)
        if let offset = firstInvalidUTF8Offset(bytes) {
            return .failure(RequestFailure(form: form, failure: .invalidUTF8(.byte(offset + 1))))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = trimBlanks(text)
        let result = form == .json ? JSONObjectParser.parse(trimmed) : QueryString.parse(trimmed)
        switch result {
        case .success(let parameters): return .success(RequestLine(form: form, parameters: parameters))
        case .failure(let failure): return .failure(RequestFailure(form: form, failure: failure))
        }
    }

    /// The line a client sends, without its newline: the query string
    /// (``QueryString/render(_:)``) or a JSON object of string values, members in the
    /// parameters' order. ``parse(_:)`` gives the same line back (for keys that are not empty).
    public var rendered: String {
        switch form {
        case .text: QueryString.render(parameters)
        case .json: JSONValue.object(parameters.keys.map { ($0, .string(parameters[$0] ?? "")) }).rendered
        }
    }

    /// Offset of the first byte that does not start a valid UTF-8 sequence
    /// (overlong forms, surrogates and values above U+10FFFF are invalid).
    public static func firstInvalidUTF8Offset<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    static func trimBlanks(_ s: String) -> String {
        let utf8 = Array(s.utf8)
        var start = 0
        var end = utf8.count
        while start < end, ASCII.isBlank(utf8[start]) { start += 1 }
        while end > start, ASCII.isBlank(utf8[end - 1]) { end -= 1 }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

/// A line that could not be turned into a ``Request``: the failure and the
/// form its reply must take.
public struct RequestFailure: Error, Sendable, Hashable {
    public var form: ReplyForm
    public var failure: ControlError

    public init(form: ReplyForm, failure: ControlError) {
        self.form = form
        self.failure = failure
    }

    /// The reply line(s), newline included.
    public func rendered(timeZone: TimeZone) -> String {
        Reply.failure(failure).rendered(form, timeZone: timeZone)
    }
}
