// coact/detail/trace/trace_ring.hpp — one thread's trace: a ring of fixed-size records, the last
// `capacity` of everything that thread did while tracing was on (runtime_options::trace).
//
// The ring is written by one thread only (a scheduler thread; the tracer's "outside" ring under
// its lock) and read once, by the writer, after every scheduler thread has stopped. When it is
// full the oldest record is overwritten and counted: the file says how many were lost.
// The records are raw (pointers and a clock reading); the writer (src/trace/trace_writer.cpp)
// turns them into Chrome Trace Event JSON, pairs sends with takes and names the actors.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

struct envelope;

/// What a record says happened (the writer's names: docs/concepts/observability.md).
enum class trace_kind : std::uint8_t {
    turn_begin,      ///< subject: the actor's cell; generation: its generation
    turn_end,        ///< ends the last turn_begin of the same ring
    sent,            ///< subject: the envelope; object: the receiver's cell (generation: its)
    took,            ///< subject: the envelope the running actor took; detail: its type
    spawn,           ///< subject, generation: the actor; number: its serial (names: tracer)
    end,             ///< subject, generation: the actor; number: its exit (trace_end_reason)
    failure,         ///< subject, generation: the actor; detail: the error's text
    restart,         ///< subject, generation: the actor started again by its supervisor
    dead_letter,     ///< subject: the envelope; object, generation: its sender; detail: type
    timer,           ///< object, generation: the actor a timer fired for
    publish,         ///< detail: the topic; number: how many subscribers got it
    remote_send,     ///< detail: the NATS subject published to; number: messages it carried
    remote_receive,  ///< detail: the NATS subject it came on; number: messages it carried
    shutdown,        ///< number: the messages shutdown() dropped
};

/// How an actor ended, in an `end` record's number.
enum class trace_end_reason : std::uint32_t { normal, stopped, failed, shutdown };

/// One event. `detail` is a std::type_info* for message types and an interned string's index
/// (tracer::intern) for text; which fields mean something depends on `kind`.
struct trace_record {
    std::uint64_t ts;  ///< trace_clock ticks
    const void* subject;
    const void* object;
    std::uintptr_t detail;
    std::uint32_t generation;
    std::uint32_t number;
    trace_kind kind;
};

/// The trace's clock. On x86-64 where the kernel keeps time with the TSC (constant and synchronised
/// across cores, or Linux would not use it), the TSC itself: one instruction, about a third of a
/// steady_clock reading (a vDSO call that reads it too). Elsewhere steady_clock's nanoseconds.
/// The writer turns ticks into nanoseconds with two (tick, steady_clock) pairs (trace_calibration).
struct trace_clock {
    /// Set by the first tracer, before any ring is written (relaxed: a plain load on x86-64).
    static inline std::atomic<bool> use_tsc{false};

    [[nodiscard]] static std::uint64_t now() noexcept {
#if defined(__x86_64__)
        if (use_tsc.load(std::memory_order_relaxed)) [[likely]] {
            std::uint32_t lo = 0;
            std::uint32_t hi = 0;
            asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
            return (std::uint64_t{hi} << 32) | lo;
        }
#endif
        return steady_ns();
    }
    [[nodiscard]] static std::uint64_t steady_ns() noexcept {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now().time_since_epoch())
                                              .count());
    }
};

class trace_ring {
  public:
    /// A ring of `capacity` records, rounded up to a power of two (at least 16).
    explicit trace_ring(std::size_t capacity);

    /// The next record to fill, stamped now. The oldest is overwritten once the ring is full.
    trace_record& add(trace_kind kind) noexcept { return add_at(kind, trace_clock::now()); }

    /// A message sent or taken: stamped now where the ring's order alone cannot pair it (work
    /// stealing, where the other half is on another thread's ring; outside a turn); inside a
    /// single-threaded turn, with the turn's last reading, saving a clock read per message:
    /// every other half it pairs with is on this ring or came before the turn began.
    trace_record& add_message(trace_kind kind) noexcept {
        return add_at(kind, exact_ || !in_turn_ ? trace_clock::now() : last_ts_);
    }

    /// A turn's start and end (trace_hooks.hpp).
    trace_record& begin_turn() noexcept {
        in_turn_ = true;
        return add(trace_kind::turn_begin);
    }
    void end_turn() noexcept {
        add(trace_kind::turn_end);
        in_turn_ = false;
    }

    /// Whether messages are stamped with a clock reading each (a work-stealing worker's ring,
    /// the outside ring) rather than the turn's.
    void stamp_every_message(bool exact) noexcept { exact_ = exact; }

    /// Records ever added (the ring holds the last min(written, capacity) of them).
    [[nodiscard]] std::uint64_t written() const noexcept { return written_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }
    /// Records overwritten before the writer read them.
    [[nodiscard]] std::uint64_t lost() const noexcept {
        return written_ > capacity() ? written_ - capacity() : 0;
    }
    /// The i-th oldest record still held (i < min(written, capacity)).
    [[nodiscard]] const trace_record& held(std::size_t i) const noexcept {
        return records_[(written_ - std::min<std::uint64_t>(written_, capacity()) + i) & mask_];
    }
    [[nodiscard]] std::size_t size() const noexcept {
        return static_cast<std::size_t>(std::min<std::uint64_t>(written_, capacity()));
    }

  private:
    trace_record& add_at(trace_kind kind, std::uint64_t ts) noexcept {
        trace_record& r = records_[written_ & mask_];
        ++written_;
        r.ts = ts;
        r.kind = kind;
        last_ts_ = ts;
        return r;
    }

    std::unique_ptr<trace_record[]> records_;
    std::size_t mask_;
    std::uint64_t written_ = 0;
    std::uint64_t last_ts_ = 0;
    bool in_turn_ = false;
    bool exact_ = true;
};

}  // namespace coact::detail
