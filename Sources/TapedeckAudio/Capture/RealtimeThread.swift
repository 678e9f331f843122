import CALSA
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread (not a Swift concurrency task) that asks for SCHED_FIFO.
enum RealtimeThread {
    /// Default SCHED_FIFO priority: above ordinary threads, below the kernel's IRQ threads (50).
    static let defaultPriority: Int32 = 40

    private final class Body { let run: () -> Void; init(_ run: @escaping () -> Void) { self.run = run } }

    /// Starts `body` on a new thread, real-time when the system allows it, else at normal
    /// priority. Returns the thread and whether SCHED_FIFO was granted (the caller logs a refusal).
    static func spawn(name: String, priority: Int32 = defaultPriority,
                      _ body: @escaping () -> Void) throws(Errno) -> (thread: pthread_t, realtime: Bool) {
        for realtime in [true, false] {
            var attr = pthread_attr_t()
            pthread_attr_init(&attr)
            defer { pthread_attr_destroy(&attr) }
            if realtime {
                pthread_attr_setinheritsched(&attr, Int32(PTHREAD_EXPLICIT_SCHED))
                pthread_attr_setschedpolicy(&attr, SCHED_FIFO)
                var param = sched_param(sched_priority: priority)
                pthread_attr_setschedparam(&attr, &param)
            }
            let box = Unmanaged.passRetained(Body(body)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, &attr, { raw in
                Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, box)
            if rc == 0 {
                tapedeck_set_thread_name(thread, String(name.prefix(15)))
                return (thread, realtime)
            }
            Unmanaged<Body>.fromOpaque(box).release()
            if !(realtime && (rc == EPERM || rc == EINVAL)) { throw Errno(rc) }
        }
        throw Errno(EAGAIN)
    }
}

/// Names the calling thread as `top -H` and /proc/PID/task/*/comm show it (15 bytes at
/// most), which Foundation's `Thread.name` does not reach on Linux.
public func nameCurrentThread(_ name: String) {
    tapedeck_set_thread_name(pthread_self(), String(name.utf8.prefix(15)) ?? String(name.prefix(15)))
}
