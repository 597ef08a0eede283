// actors/support/modes.hpp — which scheduler mode a test executable runs its runtimes in.
//
// The actor tests are compiled twice from the same sources: coact_actor_tests with one worker
// (the deterministic single-threaded mode) and coact_actor_mt_tests with
// -DCOACT_TEST_WORKERS=2 (the work-stealing mode). A test makes its runtime with test_options(),
// so the executable picks the mode; `workers` > 1 asked for by the test is kept, and a test that
// compares one worker with two passes its options to the runtime directly. Tests that depend on
// single-threaded determinism (a global order across actors, the step-by-step fixture) carry the
// tag [single] and are not registered for actor_mt. Header-only, no state: any thread.
//
//   coact::runtime rt(coact_test::test_options({.virtual_time = true}));
//   coact::runtime two(coact_test::test_options({.workers = 2}));  // two workers in either
//   if (coact_test::work_stealing) { ... }  // a documented difference between the modes
#pragma once

#include <coact/coact.hpp>

#ifndef COACT_TEST_WORKERS
#define COACT_TEST_WORKERS 1
#endif

namespace coact_test {

/// The number of workers this executable's tests ask for.
inline constexpr unsigned test_workers = COACT_TEST_WORKERS;
static_assert(test_workers >= 1, "COACT_TEST_WORKERS must be at least 1");

/// True in the executable that runs the work-stealing mode. For the few documented differences
/// between the modes (docs/concepts/actors.md, "The work-stealing mode"), such as rt.spawn from
/// any thread; not for order, which no test may rely on outside [single].
inline constexpr bool work_stealing = test_workers > 1;

/// `o` with this executable's worker count, unless the caller asked for several workers itself.
[[nodiscard]] inline coact::runtime_options test_options(coact::runtime_options o = {}) {
    if (o.workers <= 1) o.workers = test_workers;
    return o;
}

}  // namespace coact_test
