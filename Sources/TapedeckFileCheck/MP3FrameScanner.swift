/// Walks the frame chain of an MP3 audio region front to back through a
/// fixed-size window, telling frames from garbage. Used by the inspector and
/// by the repair so both see exactly the same stream.
struct MP3FrameScanner {
    enum Event: Sendable, Equatable {
        case frame(offset: Int, header: MP3FrameHeader)
        /// Bytes that are neither frames nor a tag. `hiddenFrames` counts the
        /// headers of the stream inside them whose whole frame lies inside
        /// them but that no header follows: frames a decoder may well play.
        case garbage(offset: Int, length: Int, hiddenFrames: Int)
        /// An ID3v2 tag inside the audio (files joined end to end).
        case tag(offset: Int, length: Int)
        /// A frame cut by the end of the audio; `header` is nil when the cut
        /// is inside the 4-byte header itself (1–3 bytes remain).
        case truncatedFrame(offset: Int, header: MP3FrameHeader?, available: Int)
    }

    let reader: WindowedReader
    let end: Int
    private(set) var position: Int
    /// The first confirmed frame: resyncs only accept frames like it.
    private(set) var reference: MP3FrameHeader?

    init(reader: WindowedReader, start: Int, end: Int) {
        self.reader = reader
        self.position = start
        self.end = min(end, reader.size)
    }

    func header(at offset: Int) throws -> MP3FrameHeader? {
        guard offset >= 0, offset + 4 <= end else { return nil }
        return MP3FrameHeader(try reader.bytes(at: offset, count: 4))
    }

    /// Whether the 1–3 bytes from `offset` to the end of the audio are the
    /// start of a header of the same stream as `reference`: a frame cut
    /// inside its header.
    func partialHeader(at offset: Int, like reference: MP3FrameHeader?) throws -> Bool {
        guard let reference, offset >= 0, offset < end, end - offset < 4 else { return false }
        return MP3FrameHeader.isPlausiblePrefix(try reader.bytes(at: offset, count: end - offset), of: reference)
    }

    /// The length of an intact ID3v2 tag starting at `offset` and ending
    /// inside the audio, else nil.
    func id3v2Length(at offset: Int) throws -> Int? {
        guard offset >= 0, offset + 10 <= end else { return nil }
        let h = try reader.bytes(at: offset, count: 10)
        guard h.count == 10 else { return nil }
        let s = h.startIndex
        guard h[s] == 0x49, h[s + 1] == 0x44, h[s + 2] == 0x33, h[s + 3] != 0xFF, h[s + 4] != 0xFF,
              h[s + 6] < 0x80, h[s + 7] < 0x80, h[s + 8] < 0x80, h[s + 9] < 0x80 else { return nil }
        let body = Int(h[s + 6]) << 21 | Int(h[s + 7]) << 14 | Int(h[s + 8]) << 7 | Int(h[s + 9])
        let footer = h[s + 3] >= 4 && (h[s + 5] & 0x10) != 0 ? 10 : 0
        let total = 10 + body + footer
        return offset + total <= end ? total : nil
    }

    /// Whether `h` at `offset` starts a run of three chained frames of its
    /// own stream (or a shorter run that ends exactly at the end of the
    /// audio): how a second stream, unlike the first, is told from garbage.
    private func startsChain(_ h: MP3FrameHeader, at offset: Int) throws -> Bool {
        var next = offset + h.frameLength
        for _ in 0..<2 {
            if next == end { return true }
            guard let h2 = try header(at: next), h2.isCompatible(with: h) else { return false }
            next += h2.frameLength
        }
        return next <= end
    }

    /// A header is confirmed when its frame ends exactly at the end of the
    /// stream or is followed by a compatible header (possibly one cut by the
    /// end of the stream).
    private func confirmed(_ h: MP3FrameHeader, at offset: Int) throws -> Bool {
        let next = offset + h.frameLength
        if next == end { return true }
        guard next < end else { return false }
        if let h2 = try header(at: next) { return h2.isCompatible(with: h) }
        return try partialHeader(at: next, like: h)
    }

    mutating func next() throws -> Event? {
        guard position < end else { return nil }
        let start = position
        if let length = try id3v2Length(at: start) {
            position = start + length
            return .tag(offset: start, length: length)
        }
        if try partialHeader(at: start, like: reference) {
            position = end
            return .truncatedFrame(offset: start, header: nil, available: end - start)
        }
        if let h = try header(at: start) {
            let len = h.frameLength
            if start + len > end {
                if reference.map({ h.isCompatible(with: $0) }) ?? true {
                    position = end
                    return .truncatedFrame(offset: start, header: h, available: end - start)
                }
            } else if let ref = reference, h.isCompatible(with: ref) {
                position = start + len
                return .frame(offset: start, header: h)
            } else if try confirmed(h, at: start) {
                if reference == nil { reference = h }
                position = start + len
                return .frame(offset: start, header: h)
            }
        }
        // Resync: look for the next header that is like the stream's and is
        // confirmed by the one after it, the start of another stream (three
        // chained frames of other parameters), or an ID3v2 tag.
        var hiddenEnds: [Int] = []
        func garbage(to stop: Int) -> Event {
            position = stop
            return .garbage(offset: start, length: stop - start, hiddenFrames: hiddenEnds.filter { $0 <= stop }.count)
        }
        var p = start + 1
        while p < end {
            let window = try reader.bytes(at: p, count: 4096)
            if window.isEmpty { break }
            var i = window.startIndex
            while i < window.endIndex {
                let candidate = p + (i - window.startIndex)
                if window[i] == 0xFF {
                    if let h = try header(at: candidate), reference.map({ h.isCompatible(with: $0) }) ?? true {
                        let fits = candidate + h.frameLength <= end
                        let accept = fits ? try confirmed(h, at: candidate) : reference != nil
                        if accept { return garbage(to: candidate) }
                        if fits && reference != nil { hiddenEnds.append(candidate + h.frameLength) }
                    } else if try partialHeader(at: candidate, like: reference) {
                        return garbage(to: candidate)
                    } else if reference != nil, let h = try header(at: candidate), try startsChain(h, at: candidate) {
                        return garbage(to: candidate)
                    }
                } else if window[i] == 0x49, try id3v2Length(at: candidate) != nil {
                    return garbage(to: candidate)
                }
                i += 1
            }
            p += window.count
        }
        return garbage(to: end)
    }
}
