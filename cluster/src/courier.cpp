// cluster/src/courier.cpp — the node's courier, one per node: publishes what the proxies queued
// in the node's outbox (link.hpp, "the outbox"), one NATS message per node.
//
// A proxy that queues into an empty outbox wakes the courier with send_after of no delay. Both
// schedulers fire due timers only once a worker has nothing else ready (or every few dozen
// turns), so the courier runs after the other actors of the round have had their turns and
// queued theirs: a batch per round of the runtime, not per proxy. A plain send would not do: the
// work-stealing scheduler runs the actor a send woke next (its LIFO slot), before the others.
//
// It ends only when the node has left and no wake-up is in flight, so that no timer of a proxy
// finds it gone (a dead letter the user would see).
#include <memory>

#include "coact/coact.hpp"
#include "node_actors.hpp"

namespace coact {

actor node_courier(context& self, std::shared_ptr<node_link> link) {
    bool leaving = false;
    for (;;) {
        const courier_call call = co_await self.receive<courier_call>();
        if (call.leave) {
            leaving = true;
        } else {
            link->courier_woken();
        }
        if (leaving && link->courier_idle()) co_return;
    }
}

}  // namespace coact
