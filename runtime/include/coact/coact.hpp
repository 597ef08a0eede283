// coact/coact.hpp — the umbrella header: everything public in coact.
//
//   #include <coact/coact.hpp>
//   coact::generator<int> count() { for (int i = 0;; ++i) co_yield i; }
#pragma once

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/coroutine.hpp"
#include "coact/errors.hpp"
#include "coact/exit_reason.hpp"
#include "coact/future.hpp"
#include "coact/generator.hpp"
#include "coact/metrics.hpp"
#include "coact/runtime.hpp"
#include "coact/runtime_options.hpp"
#include "coact/scoped.hpp"
#include "coact/spawn_options.hpp"
#include "coact/state.hpp"
#include "coact/task.hpp"
#include "coact/testing.hpp"
#include "coact/thread_pool.hpp"
#include "coact/yield_from.hpp"

/// \namespace coact
/// Everything public in coact: coroutines and generators, tasks and futures, actors and their
/// runtime, supervisors. Names in coact::detail are internal and may change without notice.
