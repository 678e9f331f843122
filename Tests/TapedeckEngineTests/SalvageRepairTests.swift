import Foundation
import Logging
import Testing
@testable import TapedeckAudio
@testable import TapedeckEngine

/// A real WAV writer whose finish fails (as after a write error): the writer service
/// must salvage the file — repair in place, rename — and record the repair with the
/// file's SHA-256 before and after it.
fileprivate final class FailingFinishWriter: AudioFileWriter, @unchecked Sendable {
    let inner: WAVFileWriter
    /// The `.part` file's SHA-256 once closed as it was, before any repair.
    var closedDigest: String?
    var path: String { inner.path }
    var partPath: String { inner.partPath }
    var spec: AudioFileSpec { inner.spec }
    var framesWritten: Int { inner.framesWritten }

    init(path: String) throws {
        inner = try WAVFileWriter(spec: AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1), path: path)
    }

    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError) { try inner.write(samples, frames: frames) }
    func refreshHeader() throws(WriterError) {}
    func checkpoint() throws(WriterError) {}
    func finish() throws(WriterError) -> FinishedFile {
        throw WriterError(path: path, operation: "finish", reason: "test failure")
    }
    func discard() { inner.discard() }
    func abandon() {
        inner.abandon()
        closedDigest = try? FileDigest.sha256(path: partPath)
    }
}

@Suite struct SalvageRepairTests {
    @Test func aSalvagedFileCarriesItsHashAndTheRepair() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salvage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/call.wav"
        let ring = HistoryRing(seconds: 5, sampleRate: 8000)
        let period = (0..<(2 * 8000)).map { Int16(truncatingIfNeeded: $0 &* 97) }
        period.withUnsafeBufferPointer { ring.write(from: $0.baseAddress!, frames: 8000, stride: 2, agent: 0, customer: 1) }
        let file = try FailingFinishWriter(path: path)
        let pipeline = RecordingPipeline(ring: ring, cursor: RingCursor(position: 0), mode: .mono(average: false), writer: file)
        let plan = RecordingRequest(station: "st1", mix: .mono, format: .wav, bitrateKbps: nil, path: path)
        let handle = LiveRecordingHandle(request: plan, ring: ring, pipeline: pipeline)
        let writer = WriterService(logger: Logger(label: "test"))
        writer.add(handle)
        writer.start()
        handle.endRequest.withLock { $0 = ring.writePosition }
        writer.wakeUp()
        let result = WriterService.wait(for: [handle])[0]
        writer.stop()

        #expect(FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".part"))
        #expect(result.path == path && result.durationSeconds == 1)
        #expect(result.sha256 == (try FileDigest.sha256(path: path)))
        #expect(file.closedDigest != nil)
        #expect(result.repair == InPlaceRepair(originalSHA256: file.closedDigest))
    }
}
