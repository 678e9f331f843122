import Foundation
@testable import TapedeckControl

/// One fuzz input is a connection's byte stream. It goes through what the control
/// server does with it: LineFramer, ControlRequest.parse on each line, the error reply
/// in the line's form. Checked besides "never traps": feeding the stream in two pieces
/// frames it as feeding it whole, and every error reply is one line (text: without
/// control characters; JSON: an object that JSONSerialization reads).
enum RequestFuzz {
    static let zone = TimeZone(identifier: "UTC")!

    static func test(_ bytes: [UInt8]) {
        let outputs = frame(bytes, splitAt: nil)
        let split = frame(bytes, splitAt: bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1))
        guard outputs == split else { fatalError("framing depends on how the stream is split: \(outputs) vs \(split)") }

        let framer = LineFramer()
        for output in outputs {
            if let failure = framer.failure(for: output) {
                checkReply(failure.rendered(timeZone: zone), form: failure.form)
                continue
            }
            guard case .line(let line) = output else { continue }
            switch ControlRequest.parse(line: line) {
            case .failure(let failure):
                checkReply(failure.rendered(timeZone: zone), form: failure.form)
            case .success(let request):
                guard request.form == ReplyForm.detect(line) else { fatalError("parsed form differs from detected form") }
            }
        }
    }

    static func frame(_ bytes: [UInt8], splitAt split: Int?) -> [LineFramer.Output] {
        var framer = LineFramer()
        var outputs: [LineFramer.Output] = []
        if let split {
            outputs += framer.feed(bytes[..<split])
            outputs += framer.feed(bytes[split...])
        } else {
            outputs += framer.feed(bytes)
        }
        return outputs + framer.finish()
    }

    static func checkReply(_ reply: String, form: ReplyForm) {
        guard reply.hasSuffix("\n"), reply.dropLast().allSatisfy({ $0 != "\n" && $0 != "\r" }) else {
            fatalError("reply is not one line: \(reply.debugDescription)")
        }
        switch form {
        case .text:
            guard !reply.dropLast().unicodeScalars.contains(where: ControlCharacter.isControl) else {
                fatalError("text reply holds a control character: \(reply.debugDescription)")
            }
        case .json:
            guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)), object is [String: Any] else {
                fatalError("JSON reply is not a JSON object: \(reply.debugDescription)")
            }
        }
    }
}
