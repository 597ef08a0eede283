// actor/publish.cpp — a publication's way to its subscribers: one payload, shared.
//
// The payload is made once (make_shared_envelope) and every subscriber but the last gets a
// clone of the envelope pointing at it; references are taken up front, before anyone can see
// the payload, so the count needs no atomics where one thread runs every subscriber
// (core::localise_payload). The topic table (topics.cpp) says who subscribes.
#include <cstdint>
#include <span>
#include <string_view>

#include "coact/runtime.hpp"

namespace coact::detail {

std::size_t core::fan_out(std::string_view topic, std::span<const topic_table::subscriber> subs,
                          envelope* original) {
    count(published);
    if (trace != nullptr) [[unlikely]] {
        trace_text_event(*trace, trace_kind::publish, nullptr, 0,
                         static_cast<std::uint32_t>(subs.size()), topic);
    }
    if (subs.empty()) {
        count(unheard);
        if (original != nullptr) release(original);
        return 0;
    }
    const std::size_t n = subs.size();
    localise_payload(original);
    // The payload is not visible to anyone else yet: take every reference up front.
    add_shared_references(original, static_cast<std::uint32_t>(n - 1));
    envelope_pool* const pool = pool_here();  // once: with work stealing it is a call
    std::size_t i = 0;
    try {
        for (; i + 1 < n; ++i) {
            deliver(subs[i].cell, subs[i].generation, clone_shared(pool, original));
        }
    } catch (...) {  // out of memory: the references not handed out go back, then the original
        drop_shared_references(original, static_cast<std::uint32_t>(n - 1 - i));
        release(original);
        throw;
    }
    deliver(subs[n - 1].cell, subs[n - 1].generation, original);
    return n;
}

}  // namespace coact::detail
