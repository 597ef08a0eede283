// actor/requests.cpp — what happens to a message nobody will take, and to an ask nobody will
// answer: dead letters (an ask among them gets no_reply), replies that come late, an ask
// abandoned by an actor that moved on or ended, and ask_for's timeout error.
#include <string>
#include <utility>

#include "coact/runtime.hpp"

namespace coact::detail {

namespace {

// The no_reply an ask gets when it turns out a dead letter (from `pool`, or the heap if null).
envelope* ended_before_reply(envelope_pool* pool, const envelope* ask) {
    envelope* r = make_envelope<std::string>(
        pool, std::string("coact::no_reply: the asked actor had ended before it could reply"));
    r->kind = envelope_kind::no_reply;
    r->request = ask->request;
    r->sender = nullptr;
    return r;
}

}  // namespace

void core::dead_letter(envelope* e) noexcept {
    count(dead_letters);
    if (trace != nullptr) [[unlikely]]
        trace_dead_letter(*trace, e, e->sender, e->sender_generation);
    if (e->kind == envelope_kind::ask && e->sender != nullptr) {
        try {
            deliver(e->sender, e->sender_generation, ended_before_reply(pool_here(), e));
        } catch (...) {  // out of memory: the asker is told nothing more than the count says
        }
    }
    release(e);
}

void core::refuse(envelope* e) noexcept {
    refused.fetch_add(1, std::memory_order_relaxed);
    if (trace != nullptr) [[unlikely]]
        trace_dead_letter(*trace, e, e->sender, e->sender_generation);
    if (e->kind == envelope_kind::ask && e->sender != nullptr) {
        try {  // through the asker's thread-safe path: this may be any thread
            e->sender->core_->inject(e->sender, e->sender_generation,
                                     ended_before_reply(nullptr, e));
        } catch (...) {  // out of memory: the asker is told nothing more than the count says
        }
    }
    free_envelope(nullptr, e);  // made by another thread's pool or the heap: to the heap
}

bool core::accept_reply(context* to, envelope* e) noexcept {
    if (to->awaited_request_ != e->request || to->reply_ != nullptr) {
        count(dead_letters);  // a late or duplicate reply
        if (trace != nullptr) [[unlikely]]
            trace_dead_letter(*trace, e, e->sender, e->sender_generation);
        release(e);
        return false;
    }
    to->reply_ = e;
    return true;
}

void core::throw_ask_timeout(coact::address target, clock::duration timeout) {
    context* t = detail_access::cell(target);
    std::string who;
    t->core_->names.locked([&] {  // its name cannot be freed meanwhile
        who = t->generation() == detail_access::generation(target) ? describe_actor(t)
                                                                   : std::string("(ended since)");
    });
    throw ask_timeout(who, target, timeout);
}

void core::abandon_request(context* c, const char* why) noexcept {
    const std::uint32_t request = std::exchange(c->current_request_, 0);
    context* asker = detail_access::cell(c->sender_);
    if (asker == nullptr) return;
    try {
        envelope* r =
            make_envelope<std::string>(pool_here(), "coact::no_reply: actor " + describe_actor(c) +
                                                        " " + why + " without replying to the ask");
        r->kind = envelope_kind::no_reply;
        r->request = request;
        r->sender = c;
        r->sender_generation = c->generation();
        deliver(asker, detail_access::generation(c->sender_), r);
    } catch (...) {
    }
}

}  // namespace coact::detail
