// coact/runtime_options.hpp — how a runtime is set up.
//
//   coact::runtime rt{{.workers = 1, .throughput = 64}};
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coact {

/// How a runtime is set up: its threads, the length of a turn, and its clock.
struct runtime_options {
    /// 1: every actor runs on the thread that calls run() (deterministic). N >= 2: the
    /// work-stealing mode, with N threads (the one calling run() and N - 1 the runtime starts at
    /// its first run() and keeps until it is destroyed): see "The work-stealing mode" in
    /// docs/concepts/actors.md.
    unsigned workers = 1;
    /// Messages one actor may take in one turn before the scheduler moves on to the next actor.
    unsigned throughput = 64;
    /// Time moves only when the scheduler has nothing else to do (it jumps to the next timer) or
    /// when a test advances it: timer-driven programs run instantly and deterministically.
    bool virtual_time = false;
    /// Uses the work-stealing scheduler even with workers == 1 (one thread: the caller's), for
    /// measuring how that scheduler scales against itself. workers >= 2 implies it.
    bool work_stealing = false;
    /// Threads of the pool that runs context::offload's blocking work, started at the first
    /// offload. 0 forbids offloading (offload then throws coact::error).
    unsigned offload_threads = 2;
    /// Where to write a trace of everything the actors do (Chrome Trace Event JSON, opened by
    /// Perfetto and chrome://tracing), when the runtime is destroyed; "" for none. Without it,
    /// the environment variable COACT_TRACE does the same for any program
    /// (docs/concepts/observability.md). The runtime keeps a copy: the string may go once the
    /// runtime is made (a view keeps runtime_options trivially copyable).
    std::string_view trace{};
    /// Records each of the trace's rings keeps (one ring per scheduler thread, one for the
    /// other threads): about 48 bytes each. A full ring overwrites its oldest records and the
    /// file counts them. COACT_TRACE_EVENTS sets it from the environment.
    std::size_t trace_events = std::size_t{1} << 18;
};

/// A snapshot of the runtime's counters.
struct runtime_stats {
    std::uint64_t delivered = 0;     ///< messages handed to actors
    std::uint64_t dead_letters = 0;  ///< messages whose receiver had ended (or left at shutdown)
    std::uint64_t failed = 0;        ///< actors ended by an exception
    std::uint64_t actors = 0;        ///< actors alive now
    std::uint64_t spawned = 0;       ///< actors spawned in all
    std::uint64_t published = 0;     ///< publish() calls (each counted once, however many got it)
    std::uint64_t unheard = 0;       ///< publish() calls that found no subscriber
    std::uint64_t restarts = 0;      ///< supervised actors started again (context::restart)
    std::uint64_t dropped = 0;       ///< messages a full mailbox dropped (overflow::drop_newest)
};

}  // namespace coact
