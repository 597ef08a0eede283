// trace/tracer.cpp — the tracer's rings, bindings and tables, the hooks the engine calls
// (trace_hooks.hpp), and where the file's path comes from.
#include "trace/tracer.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "coact/context.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/message/envelope.hpp"

namespace coact::detail {

namespace {

thread_local trace_binding bound{nullptr, nullptr};

std::size_t ring_size(std::size_t records) {
    std::size_t n = 16;
    while (n < records && n < (std::size_t{1} << 40)) n <<= 1;
    return n;
}

}  // namespace

trace_ring::trace_ring(std::size_t capacity)
    : records_(new trace_record[ring_size(capacity)]), mask_(ring_size(capacity) - 1) {}

tracer::tracer(std::string path, std::uint64_t runtime, unsigned threads, bool work_stealing,
               std::size_t records)
    : path_(std::move(path)), runtime_(runtime), work_stealing_(work_stealing), outside_(records) {
    rings_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) rings_.push_back(std::make_unique<trace_ring>(records));
    texts_.emplace_back();  // index 0: the empty text
    text_index_.emplace(std::string_view(texts_.front()), 0);
}

trace_ring* tracer::bound_ring() const noexcept {
    return bound.owner == this ? bound.ring : nullptr;
}

std::uintptr_t tracer::intern(std::string_view text) noexcept {
    const std::lock_guard lock(table_mutex_);
    if (auto it = text_index_.find(text); it != text_index_.end()) return it->second;
    if (text_bytes_ + text.size() > text_limit) {
        ++texts_lost_;
        return 0;
    }
    try {
        texts_.emplace_back(text);
        const auto index = static_cast<std::uint32_t>(texts_.size() - 1);
        text_index_.emplace(std::string_view(texts_.back()), index);
        text_bytes_ += text.size();
        return index;
    } catch (...) {  // out of memory: the record keeps the empty text
        ++texts_lost_;
        return 0;
    }
}

void tracer::name_actor(const context* c, std::uint32_t generation, std::uint32_t serial,
                        std::string_view name) noexcept {
    const auto text = static_cast<std::uint32_t>(name.empty() ? 0 : intern(name));
    const std::lock_guard lock(table_mutex_);
    if (actors_.size() >= actor_limit) {
        ++actors_lost_;
        return;
    }
    try {
        actors_[actor_key{c, generation}] = actor_row{serial, text};
    } catch (...) {
        ++actors_lost_;
    }
}

void tracer::write() noexcept {
    std::FILE* out = std::fopen(path_.c_str(), "w");
    if (out == nullptr) {
        const std::string line =
            "coact: could not write the trace to '" + path_ + "': " + std::strerror(errno) + "\n";
        std::fputs(line.c_str(), stderr);
        return;
    }
    try {
        const std::lock_guard lock(table_mutex_);
        write_trace_json(out, contents{rings_, outside_, texts_, actors_, runtime_, work_stealing_,
                                       texts_lost_, actors_lost_});
    } catch (...) {
        std::fputs("coact: the trace could not be written (out of memory)\n", stderr);
    }
    if (std::fclose(out) != 0) {
        const std::string line =
            "coact: could not write the trace to '" + path_ + "': " + std::strerror(errno) + "\n";
        std::fputs(line.c_str(), stderr);
    }
}

std::string trace_path_from_environment(std::uint64_t runtime) {
    const char* value = std::getenv("COACT_TRACE");  // NOLINT(concurrency-mt-unsafe): read once
    if (value == nullptr || *value == '\0') return {};
    static std::atomic<bool> first_taken{false};
    std::string path(value);
    if (!first_taken.exchange(true)) return path;
    const std::size_t slash = path.find_last_of('/');
    const std::size_t dot = path.find_last_of('.');
    const std::string tag = "-" + std::to_string(runtime);
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1)) {
        path.insert(dot, tag);
    } else {
        path += tag;
    }
    return path;
}

// --- the hooks ---

trace_binding trace_bind(tracer& t, unsigned thread) noexcept {
    const trace_binding previous = bound;
    bound = trace_binding{&t, &t.thread_ring(thread)};
    return previous;
}

void trace_restore(trace_binding previous) noexcept { bound = previous; }

trace_ring* trace_thread_ring(tracer& t, unsigned thread) noexcept {
    return &t.thread_ring(thread);
}

namespace {

/// A record about one message: its envelope, an actor (the receiver, or the sender of a dead
/// letter) and the message's type.
void message_event(tracer& t, trace_kind kind, const envelope* e, const context* c,
                   std::uint32_t generation) noexcept {
    t.record(kind, [&](trace_record& r) {
        r.subject = e;
        r.object = c;
        r.generation = generation;
        r.detail = reinterpret_cast<std::uintptr_t>(e->ops != nullptr ? e->ops->type : nullptr);
    });
}

}  // namespace

void trace_sent(tracer& t, const envelope* e, const context* to,
                std::uint32_t generation) noexcept {
    message_event(t, trace_kind::sent, e, to, generation);
}

void trace_took_here(tracer& t, const envelope* e) noexcept {
    message_event(t, trace_kind::took, e, nullptr, 0);
}

void trace_spawned(tracer& t, const context* c, std::uint32_t generation) noexcept {
    t.name_actor(c, generation, detail_access::serial(*c), c->name());
    t.record(trace_kind::spawn, [&](trace_record& r) {
        r.subject = c;
        r.generation = generation;
        r.number = detail_access::serial(*c);
    });
}

void trace_actor_event(tracer& t, trace_kind kind, const context* c, std::uint32_t generation,
                       std::uint32_t number) noexcept {
    t.record(kind, [&](trace_record& r) {
        r.subject = c;
        r.object = c;
        r.generation = generation;
        r.number = number;
    });
}

void trace_text_event(tracer& t, trace_kind kind, const void* object, std::uint32_t generation,
                      std::uint32_t number, std::string_view text) noexcept {
    const std::uintptr_t index = t.intern(text);
    t.record(kind, [&](trace_record& r) {
        r.subject = object;
        r.object = object;
        r.generation = generation;
        r.number = number;
        r.detail = index;
    });
}

void trace_dead_letter(tracer& t, const envelope* e, const context* from,
                       std::uint32_t generation) noexcept {
    message_event(t, trace_kind::dead_letter, e, from, generation);
}

}  // namespace coact::detail
