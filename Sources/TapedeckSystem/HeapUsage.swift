import CSyscalls

/// What the C allocator (glibc's malloc, which Swift's objects and every C library here
/// use) has handed out and not been given back: the bytes a leak grows. Unlike RSS or PSS
/// it leaves out what the allocator keeps for reuse after a free (fragmentation, arenas at
/// their working size), so it tells a leak from a heap that grew once and stays.
public enum HeapUsage {
    /// Bytes in chunks allocated and not freed, from the arenas and mmapped directly
    /// (`mallinfo2`: `uordblks + hblkhd`). Walks every arena under its lock: for a scrape,
    /// never for a real-time thread.
    public static func bytesInUse() -> UInt64 {
        let info = mallinfo2()
        return UInt64(info.uordblks) &+ UInt64(info.hblkhd)
    }
}
