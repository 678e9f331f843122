import Foundation
import Logging
import Synchronization
import Testing
@testable import TapedeckAudio
@testable import TapedeckEngine
import TapedeckVocabulary
import TapedeckSystem

/// What the writers of a test did, in order.
fileprivate final class EventLog: Sendable {
    private let events = Mutex<[String]>([])
    func add(_ e: String) { events.withLock { $0.append(e) } }
    var all: [String] { events.withLock { $0 } }
    /// Waits (30 s at most) until `event` was logged.
    func waitFor(_ event: String) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !all.contains(event) && Date() < deadline { usleep(500) }
        return all.contains(event)
    }
}

/// A writer that takes 30 ms per write (an encoder with much to catch up on) and logs
/// its writes and its finish.
fileprivate final class SlowWriter: AudioFileWriter, @unchecked Sendable {
    let id: Int
    let log: EventLog
    var path: String { "/dev/null/slow\(id).wav" }
    var partPath: String { path + ".part" }
    let spec = AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1)
    private(set) var framesWritten = 0

    init(id: Int, log: EventLog) {
        self.id = id
        self.log = log
    }

    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError) {
        log.add("write \(id)")
        usleep(30_000)
        framesWritten += frames
    }
    func refreshHeader() throws(WriterError) {}
    func checkpoint() throws(WriterError) {}
    func finish() throws(WriterError) -> FinishedFile {
        log.add("finish \(id)")
        return FinishedFile(path: path, frames: framesWritten, sampleRate: 8000, sizeBytes: 0)
    }
    func discard() {}
    func abandon() {}
}

@Suite struct WriterServiceTests {
    /// A recording of one period (160 frames) on its own ring, written by a SlowWriter.
    fileprivate static func recording(_ id: Int, log: EventLog) -> LiveRecordingHandle {
        let ring = HistoryRing(seconds: 5, sampleRate: 8000)
        let period = [Int16](repeating: 100, count: 2 * 160)
        period.withUnsafeBufferPointer { ring.write(from: $0.baseAddress!, frames: 160, stride: 2, agent: 0, customer: 1) }
        let pipeline = RecordingPipeline(ring: ring, cursor: RingCursor(position: 0), mode: .mono(average: false),
                                         writer: SlowWriter(id: id, log: log))
        let plan = RecordingRequest(station: "st\(id)", mix: .mono, format: .wav, bitrateKbps: nil, path: "/dev/null/slow\(id).wav")
        return LiveRecordingHandle(request: plan, ring: ring, pipeline: pipeline)
    }

    /// Ten recordings on one writer, its pass under way (inside the first one's 30 ms write).
    fileprivate static func busyWriter(log: EventLog) -> (WriterService, [LiveRecordingHandle]) {
        let writer = WriterService(logger: Logger(label: "test"))
        let handles = (0..<10).map { recording($0, log: log) }
        for h in handles { writer.add(h) }
        writer.start()
        #expect(log.waitFor("write 0"), "the first write began")
        return (writer, handles)
    }

    static func finish(_ handles: [LiveRecordingHandle], on writer: WriterService) -> [RecordingResult] {
        for h in handles { h.endRequest.withLock { $0 = h.ring.writePosition } }
        writer.wakeUp()
        return WriterService.wait(for: handles)
    }

    /// How many writes of other recordings came before `id`'s finish. In pass order, a
    /// recording asked to finish would come after all ten writes; it comes after its own
    /// and the one under way when it was asked (a slow scheduler may let one or two more through).
    static func writesBefore(finishOf id: Int, in events: [String]) -> Int {
        let finished = events.firstIndex(of: "finish \(id)") ?? events.count
        return events[..<finished].filter { $0.hasPrefix("write") && $0 != "write \(id)" }.count
    }

    /// A STOP's recording is finished before the rest of the writer's pass, also when the
    /// STOP arrives in the middle of the pass.
    @Test func aRecordingAskedToFinishGoesBeforeTheRestOfThePass() {
        let log = EventLog()
        let (writer, handles) = Self.busyWriter(log: log)
        _ = Self.finish([handles[9]], on: writer)
        #expect(Self.writesBefore(finishOf: 9, in: log.all) <= 3, "\(log.all)")
        let results = Self.finish(handles, on: writer)
        #expect(results.allSatisfy { $0.error == nil && $0.durationSeconds == 0.02 })
        writer.stop()
    }

    /// A recording started while the writer is in the middle of a pass and stopped at once
    /// does not wait for the pass to end to be picked up.
    @Test func aRecordingAddedDuringAPassAndStoppedFinishesBeforeThePassEnds() {
        let log = EventLog()
        let (writer, handles) = Self.busyWriter(log: log)
        let late = Self.recording(10, log: log)
        writer.add(late)
        _ = Self.finish([late], on: writer)
        #expect(Self.writesBefore(finishOf: 10, in: log.all) <= 3, "\(log.all)")
        _ = Self.finish(handles, on: writer)
        writer.stop()
    }

    /// A pipeline on its own 8 kHz ring writing `format` (to a scratch file for MP3).
    static func pipeline(_ format: AudioFormat, in dir: String) throws -> RecordingPipeline {
        let ring = HistoryRing(seconds: 5, sampleRate: 8000)
        let spec = AudioFileSpec(format: format, sampleRate: 8000, channels: 1, bitrateKbps: format == .mp3 ? 16 : nil)
        let writer: any AudioFileWriter = format == .mp3
            ? try MP3FileWriter(spec: spec, path: dir + "/t.mp3")
            : SlowWriter(id: 0, log: EventLog())
        return RecordingPipeline(ring: ring, cursor: RingCursor(position: 0), mode: .mono(average: false), writer: writer)
    }

    /// The loop's tick follows its recordings: an MP3 recording at 8 kHz takes its audio
    /// two MP3 frames (1,152 frames, 144 ms) at a time, so the writer wakes every 72 ms
    /// for it; a WAV recording beside it brings the tick back to 20 ms; none, the idle tick.
    @Test func theTickIsHalfTheShortestBatchAndTwentyMillisecondsForWAV() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tick-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mp3 = try Self.pipeline(.mp3, in: dir), wav = try Self.pipeline(.wav, in: dir)
        #expect(mp3.batchFrames == 1152)
        #expect(WriterService.tick(for: [mp3], idle: 0.25) == 0.072)
        #expect(WriterService.tick(for: [mp3, wav], idle: 0.25) == 0.02)
        #expect(WriterService.tick(for: [wav], idle: 0.25) == 0.02)
        #expect(WriterService.tick(for: [RecordingPipeline](), idle: 0.25) == 0.25)
    }

    /// Waits (30 s at most) until a new writer's loop has completed its first pass (its
    /// ticks start at 0, so a pass that ended before the call counts too).
    static func ranAPass(_ writer: WriterService) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while writer.ticks.load(ordering: .relaxed) == 0 && Date() < deadline { usleep(1000) }
        return writer.ticks.load(ordering: .relaxed) > 0
    }

    /// A recording added to a writer asleep on its idle tick (an hour here) is written at
    /// once: `add` wakes a loop that sleeps with no recordings, so a START to an idle
    /// writer never waits for the idle tick.
    @Test func aRecordingAddedToAnIdleWriterIsWrittenWithoutWaitingForTheTick() {
        let log = EventLog()
        let writer = WriterService(logger: Logger(label: "test"), idleInterval: 3600)
        writer.start()
        #expect(Self.ranAPass(writer), "the loop ran its first pass")
        let h = Self.recording(0, log: log)
        writer.add(h)
        #expect(log.waitFor("write 0"), "written before the hour-long idle tick ended")
        _ = Self.finish([h], on: writer)
        writer.stop()
    }

    /// A writer's thread runs at nice +5 beside the thread that started it, so encoding
    /// yields to the control socket (read from /proc, as `top -H` shows it).
    @Test func aWriterThreadRunsFiveNiceStepsBelowOrdinaryThreads() throws {
        let name = "t-wr-\(UInt16.random(in: 0...UInt16.max))"
        let writer = WriterService(logger: Logger(label: "test"), name: name)
        writer.start()
        defer { writer.stop() }
        #expect(Self.ranAPass(writer), "the loop ran its first pass")
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        let tid = tasks.first { (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?.hasPrefix(name) == true }
        let stat = try String(contentsOfFile: "/proc/self/task/\(try #require(tid))/stat", encoding: .utf8)
        // Field 19 is the nice value; the fields after the ")" that ends the name start at 3.
        let fields = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")
        #expect(Int32(fields[19 - 3]) == min(19, ThreadPriority.currentNice + 5))
    }
}
