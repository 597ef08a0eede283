// coact/detail/trace/trace_hooks.hpp — where the engine tells the tracer what happened.
//
// Every hook sits behind a test of core::trace (null unless runtime_options::trace or
// COACT_TRACE asked for a trace), so a runtime that does not trace pays one predictable branch
// per hook point. The hot ones (a turn's start and end, a message taken) write straight into the
// ring of the worker running the turn (worker_local::trace); the others go through the tracer,
// which finds the calling thread's ring, or its "outside" ring (under a lock) for threads that
// run no scheduler (src/trace/tracer.cpp).
#pragma once

#include <cstdint>
#include <string_view>
#include <typeinfo>

#include "coact/detail/trace/trace_ring.hpp"

namespace coact::detail {

class tracer;
struct core;

/// A message handed to the scheduler for `to` (before it can be taken, so its record comes
/// first), from any thread.
void trace_sent(tracer& t, const envelope* e, const context* to, std::uint32_t generation) noexcept;
/// The running actor took `e` (a reply through the general path; messages: trace_took).
void trace_took_here(tracer& t, const envelope* e) noexcept;
/// An actor was spawned: its name and spawn number, for the writer's names.
void trace_spawned(tracer& t, const context* c, std::uint32_t generation) noexcept;
/// An event about an actor (end, restart, timer): `number` as trace_record says.
void trace_actor_event(tracer& t, trace_kind kind, const context* c, std::uint32_t generation,
                       std::uint32_t number = 0) noexcept;
/// An event with a text (failure, publish, remote send and receive, shutdown).
void trace_text_event(tracer& t, trace_kind kind, const void* object, std::uint32_t generation,
                      std::uint32_t number, std::string_view text) noexcept;
/// A message nobody will take (`e`, about to be freed), sent by `from` (null: from outside).
void trace_dead_letter(tracer& t, const envelope* e, const context* from,
                       std::uint32_t generation) noexcept;

/// The ring a scheduler thread writes (index 0 for the single-threaded scheduler, the worker's
/// index with work stealing), bound to the calling thread until the returned binding is put
/// back (trace_restore): the general path then finds it.
struct trace_binding {
    const tracer* owner;
    trace_ring* ring;
};
trace_binding trace_bind(tracer& t, unsigned thread) noexcept;
void trace_restore(trace_binding previous) noexcept;
trace_ring* trace_thread_ring(tracer& t, unsigned thread) noexcept;

/// A scheduler's turn, on its thread's ring.
inline void trace_turn_begin(trace_ring& r, const context* c, std::uint32_t generation) noexcept {
    trace_record& x = r.add(trace_kind::turn_begin);
    x.subject = c;
    x.generation = generation;
}
inline void trace_turn_end(trace_ring& r) noexcept { r.add(trace_kind::turn_end); }

/// A turn of `c` (of `generation`) recorded on `r`: `resume` runs between its start and its end
/// (which is recorded also when resume throws). Out of line: the scheduler's untraced path stays
/// small.
template <class Resume>
[[gnu::noinline]] void traced_turn(trace_ring& r, const context* c, std::uint32_t generation,
                                   Resume&& resume) {
    trace_turn_begin(r, c, generation);
    struct end {
        trace_ring& r;
        ~end() { trace_turn_end(r); }
    } guard{r};
    resume();
}

}  // namespace coact::detail
