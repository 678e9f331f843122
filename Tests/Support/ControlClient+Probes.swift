import Foundation

/// What a test reads from a running tapedeckd to pace itself by the audio the daemon has
/// actually captured or written, not by the wall clock: on a busy machine a second of
/// wall time can hold much less audio than a second.
extension ControlClient {
    /// function=metrics, text form: each sample by `name{labels}`.
    public func metrics() -> [String: Double] {
        sendRaw(Array("function=metrics\n".utf8))
        var samples: [String: Double] = [:]
        while let line = readLine(), !line.isEmpty {
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return samples
    }

    /// The frames `device` has delivered so far (`tapedeck_device_frames_captured_total`),
    /// -1 when the metrics do not list it.
    public func framesCaptured(device: String) -> Double {
        metrics()[#"tapedeck_device_frames_captured_total{device="\#(device)"}"#] ?? -1
    }

    /// Waits (at most `timeout` s) until `device` has captured `frames` frames in all.
    public func waitForCapture(device: String, reaching frames: Double, timeout: Double = 30) -> Bool {
        waitUntil(seconds: timeout) { framesCaptured(device: device) >= frames }
    }

    /// Waits (at most `timeout` s) until `device` has captured `seconds` more audio at `rate`
    /// than it had when called. A pause, mask or resume sent next is stamped that much
    /// audio after the request before this call.
    public func waitForCapture(device: String, seconds: Double, rate: Double = 8000, timeout: Double = 30) -> Bool {
        let from = framesCaptured(device: device)
        return from >= 0 && waitForCapture(device: device, reaching: from + seconds * rate, timeout: timeout)
    }

    /// The recording objects of the agent's running `function` recordings (STATUS, JSON form).
    public func running(agent: String, function: String = "recording") -> [[String: Any]] {
        let line = request(#"{"function":"\#(function)","agent_user":"\#(agent)","value":"STATUS"}"#) ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        let data = object?["data"] as? [String: Any] ?? [:]
        return data["recordings"] as? [[String: Any]] ?? (data["recording"] as? [String: Any]).map { [$0] } ?? []
    }

    /// Waits (at most `timeout` s) until the agent's running `function` recordings number
    /// `count` (any number but none when nil) and each has `seconds` of audio written
    /// (its `duration_seconds` in STATUS).
    public func waitForRecorded(agent: String, function: String = "recording", count: Int? = nil, seconds: Double,
                                timeout: Double = 30) -> Bool {
        waitUntil(seconds: timeout) {
            let recordings = running(agent: agent, function: function)
            return (count.map { recordings.count == $0 } ?? !recordings.isEmpty)
                && recordings.allSatisfy { ($0["duration_seconds"] as? Double ?? 0) >= seconds }
        }
    }
}
