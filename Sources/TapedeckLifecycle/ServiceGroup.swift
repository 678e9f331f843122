import Synchronization

/// The parts of a process that start and stop together: started in the order given,
/// stopped in the reverse order. A part that fails to start stops the parts started
/// before it (in reverse) and its error is the one reported; nothing runs half-started.
public final class ServiceGroup {
    /// One part: what starts it and what stops it (either may be nothing).
    public struct Service {
        public let name: String
        let start: () throws -> Void
        let stop: () -> Void

        public init(_ name: String, start: @escaping () throws -> Void = {},
                    stop: @escaping () -> Void = {}) {
            self.name = name
            self.start = start
            self.stop = stop
        }
    }

    /// The first part that failed to start, and its error.
    public struct Failure: Error, CustomStringConvertible {
        public let service: String
        public let error: any Error
        public var description: String { "\(service): \(error)" }
    }

    public let services: [Service]
    /// How many of `services` (from the first) run now.
    private let started = Mutex(0)

    public init(_ services: [Service]) { self.services = services }

    /// Starts every part in order. On the first failure the parts already started are
    /// stopped again, last first, and the failure is thrown.
    public func start() throws(Failure) {
        for (i, service) in services.enumerated() {
            do {
                try service.start()
            } catch {
                stop()
                throw Failure(service: service.name, error: error)
            }
            started.withLock { $0 = i + 1 }
        }
    }

    /// Stops the parts that run, last started first. Stopping twice stops nothing more.
    public func stop() {
        let count = started.withLock { n in defer { n = 0 }; return n }
        for service in services[..<count].reversed() { service.stop() }
    }
}
