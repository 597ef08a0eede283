// trace/tracer.hpp — a runtime's trace: one ring per scheduler thread, one for every other
// thread, the actors' names and the texts the records point to, and the file written at the
// end (runtime_options::trace, COACT_TRACE; docs/concepts/observability.md).
//
// Threads: each scheduler thread writes its own ring without a lock (the hot hooks reach it
// through worker_local::trace, the others through the thread's binding, trace_bind); any other
// thread writes the outside ring under outside_mutex_. Names and texts are shared, under
// table_mutex_. write() reads everything once every scheduler thread has stopped (~core).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "coact/detail/trace/trace_hooks.hpp"

namespace coact::detail {

class tracer {
  public:
    /// A trace of runtime #`runtime`, written to `path` by write(); `threads` scheduler
    /// threads (each with its ring of `records` records), `work_stealing` names them.
    tracer(std::string path, std::uint64_t runtime, unsigned threads, bool work_stealing,
           std::size_t records);

    /// Runs `fill` on a new record of the calling thread's ring, or of the outside ring.
    template <class Fill>
    void record(trace_kind kind, Fill&& fill) noexcept {
        if (trace_ring* r = bound_ring()) {
            fill(r->add(kind));
            return;
        }
        const std::lock_guard lock(outside_mutex_);
        fill(outside_.add(kind));
    }

    [[nodiscard]] trace_ring* bound_ring() const noexcept;
    [[nodiscard]] trace_ring& thread_ring(unsigned i) noexcept { return *rings_[i]; }

    /// The index of `text` among the texts, kept once however often it comes; 0 (the empty
    /// text) once the texts hold text_limit bytes (counted in texts_lost_).
    std::uintptr_t intern(std::string_view text) noexcept;
    /// An actor's name and spawn number, for the records that name it by cell and generation.
    void name_actor(const context* c, std::uint32_t generation, std::uint32_t serial,
                    std::string_view name) noexcept;

    /// Writes the file (Chrome Trace Event JSON); a line on stderr if it cannot.
    void write() noexcept;

    struct actor_row {
        std::uint32_t serial;
        std::uint32_t name;  // index of the name among the texts; 0: anonymous
    };
    struct actor_key {
        const void* cell;
        std::uint32_t generation;
        bool operator==(const actor_key&) const = default;
    };
    struct actor_key_hash {
        std::size_t operator()(const actor_key& k) const noexcept {
            return std::hash<const void*>()(k.cell) ^
                   (std::size_t{k.generation} * 0x9e3779b97f4a7c15ULL);
        }
    };

    /// What the writer reads (trace_writer.cpp).
    struct contents {
        const std::vector<std::unique_ptr<trace_ring>>& rings;  // scheduler threads
        const trace_ring& outside;
        const std::deque<std::string>& texts;
        const std::unordered_map<actor_key, actor_row, actor_key_hash>& actors;
        std::uint64_t runtime;
        bool work_stealing;
        std::uint64_t texts_lost;
        std::uint64_t actors_lost;
    };

  private:
    static constexpr std::size_t text_limit = std::size_t{16} << 20;  // bytes of texts kept
    static constexpr std::size_t actor_limit = std::size_t{1} << 20;  // names kept

    std::string path_;
    std::uint64_t runtime_;
    bool work_stealing_;
    std::vector<std::unique_ptr<trace_ring>> rings_;
    std::mutex outside_mutex_;
    trace_ring outside_;
    std::mutex table_mutex_;
    std::deque<std::string> texts_;  // a deque: the index's views stay valid as it grows
    std::unordered_map<std::string_view, std::uint32_t> text_index_;
    std::size_t text_bytes_ = 0;
    std::uint64_t texts_lost_ = 0;
    std::unordered_map<actor_key, actor_row, actor_key_hash> actors_;
    std::uint64_t actors_lost_ = 0;
};

/// Writes `c` as Chrome Trace Event JSON to `out` (trace_writer.cpp).
void write_trace_json(std::FILE* out, const tracer::contents& c);

/// The path COACT_TRACE asks for, for runtime #`runtime`: the variable's value for the first
/// runtime of the process that traces, with "-<runtime>" before the extension for the others;
/// "" if the variable is unset or empty.
std::string trace_path_from_environment(std::uint64_t runtime);

}  // namespace coact::detail
