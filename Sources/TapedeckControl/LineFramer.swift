/// Splits a connection's byte stream into request lines. Pure state machine:
/// feed it the bytes read from the socket, act on what it returns; call
/// ``finish()`` at end of input.
///
/// - A line ends with `\n`; a `\r` right before the `\n` is removed too.
/// - A line longer than ``maximumLineLength`` bytes (terminator excluded)
///   yields ``Output/lineTooLong(_:)`` as soon as that is known (the framer
///   never buffers more than the limit plus one byte). After it the framer is
///   closed: the daemon replies with the error and closes the connection.
/// - Bytes left without a newline at end of input yield
///   ``Output/incompleteLine(_:_:)``.
/// - Lines are returned as raw bytes; UTF-8 validity is checked by
///   ``RequestLine/parse(_:)``, which answers invalid UTF-8 with its own error.
public struct LineFramer: Sendable {
    public static let defaultMaximumLineLength = 8192

    public enum Output: Sendable, Hashable {
        /// A complete line without its terminator.
        case line([UInt8])
        /// The current line exceeded the limit; reply in this form, then close.
        case lineTooLong(ReplyForm)
        /// End of input in the middle of a line (the bytes are given for logging).
        case incompleteLine(ReplyForm, [UInt8])
    }

    public let maximumLineLength: Int
    private var buffer: [UInt8] = []
    public private(set) var isClosed = false

    public init(maximumLineLength: Int = LineFramer.defaultMaximumLineLength) {
        precondition(maximumLineLength > 0)
        self.maximumLineLength = maximumLineLength
    }

    /// Number of bytes held for an unfinished line.
    public var bufferedByteCount: Int { buffer.count }

    public mutating func feed<S: Sequence>(_ bytes: S) -> [Output] where S.Element == UInt8 {
        guard !isClosed else { return [] }
        var outputs: [Output] = []
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte == 0x0A {
                var line = buffer
                if line.last == 0x0D { line.removeLast() }
                buffer.removeAll(keepingCapacity: true)
                if line.count > maximumLineLength {
                    outputs.append(.lineTooLong(ReplyForm.detect(line)))
                    isClosed = true
                    return outputs
                }
                outputs.append(.line(line))
                continue
            }
            buffer.append(byte)
            // One extra byte is allowed only if it may be the `\r` of `\r\n`.
            if buffer.count > maximumLineLength + 1
                || (buffer.count == maximumLineLength + 1 && byte != 0x0D) {
                outputs.append(.lineTooLong(ReplyForm.detect(buffer)))
                buffer.removeAll()
                isClosed = true
                return outputs
            }
        }
        return outputs
    }

    /// End of input. Returns ``Output/incompleteLine(_:_:)`` if bytes are
    /// pending; afterwards the framer is closed.
    public mutating func finish() -> [Output] {
        guard !isClosed else { return [] }
        isClosed = true
        guard !buffer.isEmpty else { return [] }
        let rest = buffer
        buffer.removeAll()
        return [.incompleteLine(ReplyForm.detect(rest), rest)]
    }
}

extension LineFramer {
    /// The error reply for a framing output (nil for a complete line, which
    /// goes to ``Request/parse(line:)``).
    public func failure(for output: Output) -> RequestFailure? {
        switch output {
        case .line: nil
        case .lineTooLong(let form): RequestFailure(form: form, failure: .lineTooLong(limit: maximumLineLength))
        case .incompleteLine(let form, _): RequestFailure(form: form, failure: .incompleteLine)
        }
    }
}
