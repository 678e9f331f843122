import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The stations a capture thread feeds, replaceable while it runs (a configuration reload
/// adds or removes a station on a device without stopping its capture).
///
/// Two slots hold tap lists; a generation number says which one is current (`gen & 1`).
/// The capture thread checks the generation every period and, when it changed, drops the
/// list it held and takes the current one. A replacement writes the *other* slot, so it
/// must know the thread holds nothing from it; and since the table keeps a list until
/// that slot is written again, the thread's reference is never the last one (no list
/// is freed on the capture thread).
public final class TapTable: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[StationTap]>
    /// (1) Stored with release by `replace` after the new list is in its slot; loaded with
    ///     acquire by the capture thread, so the list it then reads is complete.
    private let current = Atomic<Int>(0)
    /// (2) Stored with release by the capture thread once it holds the list of that
    ///     generation and none older; loaded with acquire by `replace`, so overwriting (and
    ///     freeing) the older slot cannot race with the thread's last use of it.
    private let held = Atomic<Int>(-1)
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

    /// The current generation. Never allocates, locks or waits.
    func generation() -> Int { current.load(ordering: .acquiring) }

    /// The list of generation `gen` (the current one), reporting that the caller holds
    /// nothing older: drop the previous list *before* calling this. Never allocates, locks
    /// or waits.
    func take(_ gen: Int) -> [StationTap] {
        let list = slots[gen & 1]
        held.store(gen, ordering: .releasing)
        return list
    }

    // MARK: Control side

    /// Installs `taps` as the next generation once the capture thread is done with the
    /// previous one. `threadGone` says the thread no longer reads the table (stopped, failed
    /// or never started). Waits at most `timeoutMilliseconds`; false if the thread did not
    /// move on in time (the table is unchanged).
    func replace(with taps: [StationTap], timeoutMilliseconds: Int, threadGone: () -> Bool) -> Bool {
        control.withLock { _ in
            let gen = current.load(ordering: .relaxed)
            var waited = 0
            // The thread must hold `gen`'s list and nothing older (`gen - 1` is in the slot
            // about to be overwritten).
            while held.load(ordering: .acquiring) < gen && !threadGone() {
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
