import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A counter one thread advances and one other thread may block on until it reaches a
/// target: an atomic, a POSIX semaphore and the waiter's target between them.
///
/// `advance` never blocks: an atomic store, an atomic load of the waiter's target and,
/// only when that target is reached, one `sem_post` (a futex wake). So a thread that must
/// not block may advance a gate; waiting is for the other side.
///
/// The handshake is Dekker-style: the advancer stores the value then loads the target, the
/// waiter stores the target then loads the value (all sequentially consistent), so at
/// least one of them sees the other and a wake-up is never lost. Whoever swaps the target
/// back to "none" owns it: the advancer then posts exactly once, the waiter then knows
/// no post is coming (else it takes the post that is).
final class ProgressGate: @unchecked Sendable {
    private let value: Atomic<UInt64>
    /// What the waiter waits for; `.max` while nobody waits.
    private let target = Atomic<UInt64>(.max)
    private let semaphore: UnsafeMutablePointer<sem_t>

    init(_ initial: UInt64 = 0) {
        value = Atomic(initial)
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    var current: UInt64 { value.load(ordering: .acquiring) }

    /// Publishes `newValue` (values only grow) and wakes the waiter if it waits for no more.
    func advance(to newValue: UInt64) {
        value.store(newValue, ordering: .sequentiallyConsistent)
        if target.load(ordering: .sequentiallyConsistent) <= newValue,
           target.exchange(.max, ordering: .sequentiallyConsistent) != .max {
            sem_post(semaphore)
        }
    }

    /// Blocks until the value reaches `wanted` or `timeoutMilliseconds` pass; returns whether
    /// it was reached. One waiter at a time.
    func wait(until wanted: UInt64, timeoutMilliseconds: Int) -> Bool {
        var deadline = Self.deadline(afterMilliseconds: timeoutMilliseconds)
        while value.load(ordering: .sequentiallyConsistent) < wanted {
            target.store(wanted, ordering: .sequentiallyConsistent)
            if value.load(ordering: .sequentiallyConsistent) >= wanted {
                disarm()
                return true
            }
            if sem_timedwait(semaphore, &deadline) != 0 {
                disarm()
                if errno != EINTR { return value.load(ordering: .acquiring) >= wanted }
            }
            // Woken (or interrupted): the value moved, or the post was for an earlier target.
        }
        return true
    }

    /// Takes the target back; if the advancer took it first, its post is on its way: take it.
    private func disarm() {
        if target.exchange(.max, ordering: .sequentiallyConsistent) == .max {
            while sem_wait(semaphore) != 0 {}
        }
    }

    /// `sem_timedwait` takes an absolute CLOCK_REALTIME time (a clock step only stretches
    /// or shortens one timeout).
    private static func deadline(afterMilliseconds ms: Int) -> timespec {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let nanos = Int(ts.tv_nsec) + (ms % 1000) * 1_000_000
        ts.tv_sec += ms / 1000 + nanos / 1_000_000_000
        ts.tv_nsec = nanos % 1_000_000_000
        return ts
    }
}
