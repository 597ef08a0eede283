// support/spawn_error.hpp — what a spawn throws, as text, for tests of spawn's errors.
//
//   CHECK(coact_test::spawn_error(rt, {.name = "x", .scope = coact::scope::cluster}, body) ==
//         "coact::spawn: ...");
#pragma once

#include <string>

#include <coact/coact.hpp>

namespace coact_test {

/// rt.spawn(options, fn): the coact::error's what(), or "(spawned)".
template <class Fn>
std::string spawn_error(coact::runtime& rt, const coact::spawn_options& options, Fn fn) {
    try {
        static_cast<void>(rt.spawn(options, fn));
    } catch (const coact::error& e) {
        return e.what();
    }
    return "(spawned)";
}

}  // namespace coact_test
