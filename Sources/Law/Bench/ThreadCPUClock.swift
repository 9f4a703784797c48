#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CPU time the calling thread has run, so that a benchmark's "per core" rate can leave out
/// the time the operating system (or, on a virtual machine, the host) gave the core to someone
/// else. On a shared machine the wall-clock rate of the same build moves by half between minutes;
/// set beside the rate per CPU-second it says whether a slow run lost time to others (the two
/// apart) or ran on a slower core (the two together, as in this machine's slow stretches).
enum ThreadCPUClock {
    /// The calling thread's CPU time so far.
    static func now() -> Duration {
        var spec = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec) == 0 else { return .zero }
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}
