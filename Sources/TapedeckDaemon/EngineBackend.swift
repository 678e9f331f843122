import TapedeckAudio
import TapedeckControl
import TapedeckDomain
import TapedeckEngine

/// The recording engine as the domain's backend: the domain's plans, marks and results
/// translated to and from the engine's own types, nothing more.
struct EngineBackend: RecordingBackend {
    let engine: AudioEngine

    func unavailability(of station: String) -> String? { engine.unavailability(of: station) }

    func mark(station: String, prerollSeconds: Double) throws(BackendError) -> AudioMark {
        do throws(EngineError) {
            let m = try engine.mark(station: station, prerollSeconds: prerollSeconds)
            return AudioMark(station: m.station, position: m.position, sampleRate: m.sampleRate)
        } catch {
            throw BackendError(error.reason)
        }
    }

    func start(_ plan: RecordingPlan, from mark: AudioMark) throws(BackendError) -> any RecordingHandle {
        do throws(EngineError) {
            let m = RingMark(station: mark.station, position: mark.position, sampleRate: mark.sampleRate)
            return try engine.start(Self.request(plan), from: m)
        } catch {
            throw BackendError(error.reason)
        }
    }

    func finish(_ handles: [any RecordingHandle]) -> [FinishedRecording] {
        engine.finish(handles.map { $0 as! LiveRecordingHandle }).map(Self.finished)
    }

    var historySeconds: Double { engine.historySeconds }

    func problem(with plan: RecordingPlan) -> String? { engine.problem(with: Self.request(plan)) }

    func onAutoEnd(_ handler: @escaping @Sendable (any RecordingHandle, FinishedRecording) -> Void) {
        engine.onAutoEnd { handle, result in handler(handle, Self.finished(result)) }
    }

    static func request(_ plan: RecordingPlan) -> RecordingRequest {
        let r = plan.rules
        return RecordingRequest(
            station: plan.station, mix: mix(plan.kind), format: plan.format == .mp3 ? .mp3 : .wav,
            bitrateKbps: plan.bitrateKbps, path: plan.path,
            legPaths: plan.legPaths.map { RecordingRequest.LegPaths(agent: $0.agent, customer: $0.customer) },
            legBitrateKbps: plan.legBitrateKbps,
            endConditions: EndConditions(timeoutSeconds: r.timeoutSeconds, silenceSeconds: r.silenceSeconds,
                                         silenceThresholdDBFS: r.silenceThresholdDBFS, key: r.key))
    }

    static func mix(_ kind: RecordingSnapshot.Kind) -> RecordingRequest.Mix {
        switch kind {
        case .mono: .mono
        case .stereo: .stereo
        case .agentLeg: .agentLeg
        case .customerLeg: .customerLeg
        }
    }

    static func kind(_ mix: RecordingRequest.Mix) -> RecordingSnapshot.Kind {
        switch mix {
        case .mono: .mono
        case .stereo: .stereo
        case .agentLeg: .agentLeg
        case .customerLeg: .customerLeg
        }
    }

    /// The end causes as the log and the protocol spell them.
    static func cause(_ cause: RecordingResult.Cause) -> String {
        switch cause {
        case .timeout: "timeout"
        case .silence: "silence"
        case .key: "key"
        case .diskFull: "disk_full"
        case .error: "error"
        case .noAudio: RecordingSnapshot.noAudioCause
        }
    }

    static func finished(_ r: RecordingResult) -> FinishedRecording {
        FinishedRecording(path: r.path, durationSeconds: r.durationSeconds, sizeBytes: r.sizeBytes, framesLost: r.framesLost,
                          error: r.error, cause: r.cause.map(cause), pausedSeconds: r.pausedSeconds,
                          maskedSeconds: r.maskedSeconds, legs: r.legs.map(finished), sha256: r.sha256,
                          repair: r.repair.map { FileRepairNote(originalSHA256: $0.originalSHA256) })
    }
}

/// An engine recording is the domain's handle: the same object, so an auto-ended
/// recording is found by identity.
extension LiveRecordingHandle: RecordingHandle {
    public var plan: RecordingPlan {
        let r = request
        let c = r.endConditions
        var plan = RecordingPlan(
            station: r.station, kind: EngineBackend.kind(r.mix), format: r.format == .mp3 ? .mp3 : .wav,
            bitrateKbps: r.bitrateKbps, path: r.path, legPaths: r.legPaths.map { ($0.agent, $0.customer) },
            rules: EndRules(timeoutSeconds: c.timeoutSeconds, silenceSeconds: c.silenceSeconds,
                            silenceThresholdDBFS: c.silenceThresholdDBFS, key: c.key))
        plan.legBitrateKbps = r.legBitrateKbps
        return plan
    }

    public func control(_ action: RecordingControlAction) {
        switch action {
        case .pause(let skip): control(RecordingControl.pause(skip: skip))
        case .resume: control(RecordingControl.resume)
        case .mask: control(RecordingControl.mask)
        case .unmask: control(RecordingControl.unmask)
        }
    }
}
