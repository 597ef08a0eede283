// actors/support/modes.hpp — which scheduler mode a test process runs its runtimes in.
//
// The actor tests are compiled once and registered twice with CTest (tests/actors/CMakeLists.txt):
// as actor/... with one worker (the deterministic single-threaded mode), and as actor_mt/... with
// the environment variable COACT_TEST_WORKERS=2 (the work-stealing mode). A test makes its
// runtime with test_options(), so the environment picks the mode; a test that compares modes sets
// `workers` itself (> 1 is kept as given). Tests that depend on single-threaded determinism (a
// global order across actors, the step-by-step fixture) carry the tag [single] and are not
// registered for actor_mt. Run by hand: COACT_TEST_WORKERS=2 coact_actor_tests "~[single]".
//
//   coact::runtime rt(coact_test::test_options({.virtual_time = true}));
//   if (coact_test::work_stealing) { ... }
#pragma once

#include <cstdio>
#include <cstdlib>

#include <coact/coact.hpp>

namespace coact_test {

/// COACT_TEST_WORKERS from the environment: 1 when unset; a bad value ends the process with a
/// message (a typo must not silently test the other mode).
inline unsigned workers_from_environment() {
    const char* text = std::getenv("COACT_TEST_WORKERS");
    if (text == nullptr || *text == '\0') return 1;
    char* end = nullptr;
    const unsigned long n = std::strtoul(text, &end, 10);
    if (*end != '\0' || n < 1 || n > 64) {
        std::fprintf(stderr, "COACT_TEST_WORKERS must be a number from 1 to 64, not '%s'\n", text);
        std::exit(2);
    }
    return static_cast<unsigned>(n);
}

/// The number of workers this process's tests ask for.
inline const unsigned test_workers = workers_from_environment();

/// True when the tests run the work-stealing mode. For the few documented differences between
/// the modes (docs/concepts/actors.md, "The work-stealing mode"), such as rt.spawn from any
/// thread; not for order, which no test may rely on outside [single].
inline const bool work_stealing = test_workers > 1;

/// `o` with this process's worker count, unless the caller asked for several workers itself.
[[nodiscard]] inline coact::runtime_options test_options(coact::runtime_options o = {}) {
    if (o.workers <= 1) o.workers = test_workers;
    return o;
}

}  // namespace coact_test
