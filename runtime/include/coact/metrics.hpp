// coact/metrics.hpp — a snapshot of what a runtime and each of its live actors have done, and
// its rendering in the Prometheus text exposition format.
//
//   coact::runtime rt{{.workers = 2}};
//   std::thread scraper([&] {                         // any thread, while serve() runs
//       const coact::runtime_metrics m = rt.metrics();
//       write_file("coact.prom", coact::prometheus_text(m));
//   });
//   rt.serve();
//
// Threads: runtime::metrics() may be called from any thread, also while run() or serve() runs
// on others; it takes the locks that guard the cells, the names and supervision, never the
// actors' own state, and no actor waits for it. Each value is read on its own, relaxed: a
// snapshot taken while actors run may be slightly stale and its counts need not add up with
// each other or with `totals` (an actor may take a message between two reads), but every
// listed actor was alive during the call. prometheus_text() is a pure function.
//
// What a mailbox length counts (docs/concepts/observability.md, "Metrics"):
//   one worker      the messages queued for the actor; those sent from other threads count once
//                   the scheduler has taken them from its remote queue (at its next turn);
//   work stealing   the messages the actor has taken in from its inbox and not handled yet; the
//                   ones still in the inbox (sent from another worker or thread since the actor
//                   last took its inbox in, at the start of a turn or as it woke) are not counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "coact/address.hpp"
#include "coact/runtime_options.hpp"

namespace coact {

/// One live actor in a runtime_metrics snapshot.
struct actor_metrics {
    /// Its address (a held supervised actor keeps it across restarts).
    coact::address addr;
    /// Its registered name; empty for an anonymous actor.
    std::string name;
    /// Its spawn number in its runtime (1 for the first actor spawned): unique among the
    /// runtime's actors, also the anonymous ones ("<anonymous #3>" in messages), until the
    /// count wraps after 2^32 spawns.
    std::uint64_t id = 0;
    /// Messages waiting to be handled (see the header comment for what each scheduler counts).
    std::size_t mailbox = 0;
    /// Messages it has taken with receive (in any form) since it was spawned, through every
    /// restart, as stats().delivered counts them: notices such as coact::down, coact::exit and
    /// coact::child_failed are messages; the replies its asks wait for, a timeout, and a stop
    /// are not.
    std::uint64_t handled = 0;
    /// Bodies of this actor an exception ended (only a supervised actor can be alive after one).
    std::uint64_t failures = 0;
    /// Times its supervisor started it again (context::restart), after a failure or not.
    std::uint64_t restarts = 0;
};

/// A snapshot of a runtime: its counters and its live actors (runtime::metrics()).
struct runtime_metrics {
    /// The runtime's number in the process (runtime::id()).
    std::uint64_t runtime = 0;
    /// Its threads (runtime_options::workers).
    unsigned workers = 1;
    /// As runtime::stats().
    runtime_stats totals;
    /// Every live actor, in spawn order (by id). A supervised actor held after a failure is
    /// alive.
    std::vector<actor_metrics> actors;
};

/// `m` in the Prometheus text exposition format 0.0.4, one metric family after another, each
/// with its `# HELP` and `# TYPE` lines: the totals (`coact_messages_delivered_total`,
/// `coact_actors`, ...) with the label `runtime`, and per actor `coact_actor_mailbox_length`,
/// `coact_actor_messages_handled_total`, `coact_actor_failures_total` and
/// `coact_actor_restarts_total` with the labels `runtime`, `actor` (its name, "" when anonymous)
/// and `id`. Label values are escaped as the format asks; bytes of a name that are not UTF-8
/// become U+FFFD.
[[nodiscard]] std::string prometheus_text(const runtime_metrics& m);
/// As prometheus_text(m) for several runtimes in one text: each family once, with the samples
/// of every runtime (tell them apart by the `runtime` label).
[[nodiscard]] std::string prometheus_text(std::span<const runtime_metrics> runtimes);

}  // namespace coact
