import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The stations a capture thread feeds, replaceable while it runs (a configuration reload
/// adds or removes a station on a device without stopping its capture).
///
/// Two slots hold tap lists; a generation number says which one is current (`gen & 1`).
/// The capture thread, at the top of every period, reports the generation it finished
/// with (its reference to that list is gone by then) and reads the current one. A
/// replacement writes the *other* slot, so it must know the thread is done with it.
public final class TapTable: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[StationTap]>
    /// (1) Stored with release by `replace` after the new list is in its slot; loaded with
    ///     acquire by the capture thread, so the list it then reads is complete.
    private let current = Atomic<Int>(0)
    /// (2) Stored with release by the capture thread once it no longer holds the list of
    ///     that generation; loaded with acquire by `replace`, so overwriting (and freeing) the
    ///     other slot cannot race with the thread's last use of it.
    private let finished = Atomic<Int>(-1)
    /// Serialises replacements and control-side reads (never taken by the capture thread).
    private let control = Mutex(())

    init(_ taps: [StationTap]) {
        slots = .allocate(capacity: 2)
        slots.initialize(to: taps)
        (slots + 1).initialize(to: [])
    }

    deinit {
        slots.deinitialize(count: 2)
        slots.deallocate()
    }

    /// The current list (any thread but the capture thread).
    public var taps: [StationTap] { control.withLock { _ in slots[current.load(ordering: .acquiring) & 1] } }

    // MARK: Capture thread

    /// Reports that the list of generation `done` is no longer held (-1 for none) and
    /// returns the current generation. Never allocates, locks or waits.
    func enter(finished done: Int) -> Int {
        if done >= 0 { finished.store(done, ordering: .releasing) }
        return current.load(ordering: .acquiring)
    }

    /// The list of generation `gen` (valid until the thread reports it finished).
    func list(_ gen: Int) -> [StationTap] { slots[gen & 1] }

    // MARK: Control side

    /// Installs `taps` as the next generation once the capture thread is done with the
    /// previous one. `threadGone` says the thread no longer reads the table (stopped, failed
    /// or never started). Waits at most `timeoutMilliseconds`; false if the thread did not
    /// move on in time (the table is unchanged).
    func replace(with taps: [StationTap], timeoutMilliseconds: Int, threadGone: () -> Bool) -> Bool {
        control.withLock { _ in
            let gen = current.load(ordering: .relaxed)
            var waited = 0
            // The thread must have finished a period that began at `gen` (so it holds nothing
            // of `gen - 1`, the slot about to be overwritten).
            while finished.load(ordering: .acquiring) < gen && !threadGone() {
                if waited >= timeoutMilliseconds { return false }
                usleep(1000)
                waited += 1
            }
            slots[(gen + 1) & 1] = taps
            current.store(gen + 1, ordering: .releasing)
            return true
        }
    }
}
