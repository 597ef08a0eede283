// runtime.cpp — coact::runtime's members, and the core's doors: construction (which installs
// the scheduler runtime_options ask for), names looked up from any thread, what comes from
// outside a turn (rt.send, rt.publish, rt.stop, another runtime's actors), the claim on the
// scheduler that run(), serve() and shutdown() make, and the offload pool.
//
// The scheduler loops are in src/scheduler/ (local/local_scheduler.cpp, work_stealing/
// worker.cpp); what happens to an actor is in src/actor/.
#include "coact/runtime.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>

#include "trace/tracer.hpp"

namespace coact::detail {

namespace {
std::atomic<std::uint64_t> runtimes_made{0};
}  // namespace

core::core(runtime& o, runtime_options opts)
    : owner(&o),
      id(runtimes_made.fetch_add(1, std::memory_order_relaxed) + 1),
      options(opts),
      virtual_time(opts.virtual_time) {
    if (options.throughput == 0) options.throughput = 1;
    if (options.workers == 0) options.workers = 1;
    trace_path = options.trace;  // the caller's string may go: options() shows this copy
    options.trace = trace_path;
    install_scheduler(*this);
}

core::~core() {
    stop_offloads();  // the pool's jobs deliver into this core: they end first
    sched.reset();    // frees what came after the last shutdown() (a send to an ended actor)
    if (trace_owner) trace_owner->write();  // every thread that wrote a ring has stopped
}

// --- offloads ---

thread_pool& core::offload_pool() {
    if (options.offload_threads == 0) {
        throw error(
            "coact::context::offload: this runtime has no offload threads "
            "(runtime_options::offload_threads is 0)");
    }
    std::call_once(offloads_made,
                   [this] { offloads = std::make_unique<thread_pool>(options.offload_threads); });
    return *offloads;
}

void core::stop_offloads() noexcept { offloads.reset(); }  // runs the queued jobs, joins

// --- threads ---

bool core::on_scheduler_thread() const noexcept {
    const std::thread::id t = run_thread.load(std::memory_order_acquire);
    return t == std::thread::id{} || t == std::this_thread::get_id();
}

void core::enter_run() {
    // Claim the scheduler first; only its owner thread may look at `running`.
    std::thread::id expected{};
    if (run_thread.compare_exchange_strong(expected, std::this_thread::get_id(),
                                           std::memory_order_acq_rel)) {
        return;
    }
    if (expected == std::this_thread::get_id()) {
        context* const running = sched->running();
        throw error(
            "coact::runtime::run: called from inside actor " +
            (running != nullptr ? describe_actor(running) : std::string("code")) +
            " on the scheduler's own thread; an actor must not run the scheduler it runs on");
    }
    throw error("coact::runtime::run: the scheduler is already running on another thread");
}

void core::leave_run() noexcept { run_thread.store(std::thread::id{}, std::memory_order_release); }

// --- names, and what comes from outside a turn ---

std::pair<context*, std::uint32_t> core::resolve_shared(std::string_view name) const {
    auto found = names.find_shared(name, [](context* c) {
        return c == nullptr ? std::pair<context*, std::uint32_t>{nullptr, 0}
                            : std::pair<context*, std::uint32_t>{c, c->generation()};
    });
    if (found.first == nullptr) throw no_such_actor(name);
    return found;
}

void core::inject(context* to, std::uint32_t generation, envelope* e) {
    if (to->core_ != this) [[unlikely]] {  // another runtime's actor: its owner delivers it
        to->core_->inject(to, generation, e);
        return;
    }
    if (!admit(to, generation, e, nullptr)) return;  // dropped by a full bounded mailbox
    if (trace != nullptr) [[unlikely]]
        trace_sent(*trace, e, to, generation);
    sched->post(to, generation, e);
}

void core::inject_publish(std::string_view topic, envelope* e) { sched->post_publish(topic, e); }

bool core::stop(context* c, std::uint32_t generation) {
    if (c != nullptr && c->core_ != this) [[unlikely]]  // its own runtime ends it
        return c->core_->stop_from_outside(c, generation);
    if (c != nullptr && c->policy_.load(std::memory_order_acquire) != nullptr &&
        stop_held(c, generation)) {
        return true;  // it was held after a failure: it has ended for good now
    }
    return sched->stop(c, generation);
}

bool core::stop_from_outside(context* c, std::uint32_t generation) {
    return sched->stop_from_outside(c, generation);
}

// --- the run's ends ---

void core::request_stop() noexcept {
    stop_serving.store(true);
    sched->request_stop();
}

std::size_t core::shutdown() {
    sched->check_shutdown();
    // Claim the scheduler as run() does, so that no run() can start meanwhile, and so that a
    // shutdown on another thread than the one running it is refused instead of racing with it.
    std::thread::id expected{};
    if (!run_thread.compare_exchange_strong(expected, std::this_thread::get_id(),
                                            std::memory_order_acq_rel)) {
        if (expected == std::this_thread::get_id()) {  // running() is this thread's to read
            context* const running = sched->running();
            throw error("coact::runtime::shutdown: called from inside actor " +
                        (running != nullptr ? describe_actor(running) : std::string("code")));
        }
        throw error(
            "coact::runtime::shutdown: run() or serve() is active on another thread; call "
            "request_stop() and wait for it to return first");
    }
    struct leave {
        core* self;
        ~leave() { self->leave_run(); }
    } guard{this};
    const std::size_t dropped = sched->shutdown();
    if (trace != nullptr) [[unlikely]] {
        trace_text_event(*trace, trace_kind::shutdown, nullptr, 0,
                         static_cast<std::uint32_t>(std::min<std::size_t>(dropped, UINT32_MAX)),
                         {});
    }
    return dropped;
}

void core::advance_time(clock::duration d) {
    if (!virtual_time)
        throw error("coact: advance_time needs runtime_options{.virtual_time = true}");
    sched->advance_time(d);
}

}  // namespace coact::detail

// --- context and runtime: out-of-line members ---

namespace coact {

void context::throw_bad_message(const detail::envelope* e, std::string_view expected) const {
    const char* got = e->ops != nullptr ? detail::type_name(*e->ops->type) : "nothing";
    throw bad_message("coact::bad_message: actor " + detail::describe_actor(this) +
                      " expected a message of type " + std::string(expected) + " but received " +
                      got);
}

bool context::stop(coact::address target) {
    if (detail_access::cell(target) == this && detail_access::generation(target) == generation()) {
        // Stopping itself: no need to go through the inbox (this thread runs it).
        if (!stop_requested_) stop_requested_ = true;
        return true;
    }
    return core_->stop(detail_access::cell(target), detail_access::generation(target));
}

bool context::stop(std::string_view target) {
    context* c = core_->resolve_local(target);
    return stop(coact::address(detail_access::make(c, c->generation())));
}

runtime::runtime(runtime_options options) : core_(std::make_unique<detail::core>(*this, options)) {}

runtime::~runtime() {
    core_->stop_offloads();  // their results are then counted with the queued messages
    try {
        core_->shutdown();
    } catch (...) {
    }
}

void runtime::run() { core_->run(false); }
void runtime::serve() { core_->run(true); }
void runtime::request_stop() noexcept { core_->request_stop(); }

bool runtime::stop(address target) {
    context* c = detail_access::cell(target);
    if (c == nullptr) return false;
    // The actor's own runtime ends it (this one's, or another's: the owner's thread-safe path).
    return c->core_->stop_from_outside(c, detail_access::generation(target));
}

bool runtime::stop(std::string_view target) {
    auto [cell, generation] = core_->resolve_shared(target);
    return stop(detail_access::make(cell, generation));
}

std::size_t runtime::shutdown() { return core_->shutdown(); }

address runtime::try_lookup(std::string_view name) const {
    return core_->names.find_shared(name, [](context* c) {
        return c == nullptr ? address{} : detail_access::make(c, c->generation());
    });
}

address runtime::lookup(std::string_view name) const {
    const address found = try_lookup(name);
    if (!found) throw no_such_actor(name);
    return found;
}

runtime_stats runtime::stats() const noexcept {
    runtime_stats s;
    s.delivered = core_->sched->delivered();
    s.dead_letters = core_->dead_letters.load(std::memory_order_relaxed) +
                     core_->refused.load(std::memory_order_relaxed);
    s.failed = core_->failed.load(std::memory_order_relaxed);
    s.actors = core_->alive.load(std::memory_order_relaxed);
    s.spawned = core_->spawned.load(std::memory_order_relaxed);
    s.published = core_->published.load(std::memory_order_relaxed);
    s.unheard = core_->unheard.load(std::memory_order_relaxed);
    s.restarts = core_->restarts.load(std::memory_order_relaxed);
    s.dropped = core_->dropped.load(std::memory_order_relaxed);
    return s;
}

}  // namespace coact
