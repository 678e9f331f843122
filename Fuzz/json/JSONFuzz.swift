import Foundation
@testable import TapedeckControl

/// One fuzz input is the text of a JSON request (any bytes, decoded as UTF-8).
/// Checked besides "never traps": the error reply is one JSON object on one line;
/// an accepted object is one that JSONSerialization reads too, with the same strings.
enum JSONFuzz {
    static let zone = TimeZone(identifier: "UTC")!

    static func test(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch JSONObjectParser.parse(text) {
        case .failure(let failure):
            let reply = Reply.failure(failure).rendered(.json, timeZone: zone)
            guard reply.hasSuffix("\n"), !reply.dropLast().contains("\n"),
                  let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)), object is [String: Any] else {
                fatalError("error reply is not one JSON object on one line: \(reply.debugDescription)")
            }
        case .success(let parameters):
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                fatalError("accepted, but JSONSerialization does not read an object: \(text.debugDescription)")
            }
            for (key, value) in object {
                if let string = value as? String, parameters[key] != string {
                    fatalError("\(key.debugDescription): parsed \(parameters[key].debugDescription), JSONSerialization \(string.debugDescription)")
                }
            }
        }
    }
}
