/// Walks the frame chain of an MP3 audio region front to back through a
/// fixed-size window, telling frames from garbage. Used by the inspector and
/// by the repair so both see exactly the same stream.
struct MP3FrameScanner {
    enum Event: Sendable, Equatable {
        case frame(offset: Int, header: MP3FrameHeader)
        case garbage(offset: Int, length: Int)
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
        // confirmed by the one after it.
        var p = start + 1
        while p < end {
            let window = try reader.bytes(at: p, count: 4096)
            if window.isEmpty { break }
            var i = window.startIndex
            while i < window.endIndex {
                if window[i] == 0xFF {
                    let candidate = p + (i - window.startIndex)
                    if let h = try header(at: candidate), reference.map({ h.isCompatible(with: $0) }) ?? true {
                        let fits = candidate + h.frameLength <= end
                        let accept = fits ? try confirmed(h, at: candidate) : reference != nil
                        if accept {
                            position = candidate
                            return .garbage(offset: start, length: candidate - start)
                        }
                    } else if try partialHeader(at: candidate, like: reference) {
                        position = candidate
                        return .garbage(offset: start, length: candidate - start)
                    }
                }
                i += 1
            }
            p += window.count
        }
        position = end
        return .garbage(offset: start, length: end - start)
    }
}
