// cluster/src/control.hpp — the messages nodes send each other about their actors and
// themselves, and the ones a node's parts send each other inside one process
// (docs/design/cluster.md, "Monitors and lost nodes").
//
// Between nodes (wire names under "coact.", maps so that other languages read them):
//   coact.watch      to a node's inbox, `to` an actor of it, `from` a proxy: tell me when it ends
//   coact.down       back to the proxy: it ended, for this reason
//   coact.stop       to a node's inbox, `to` an actor of it: stop it (a proxy of it was stopped)
//   coact.gap        to a node's inbox: messages from it never arrived here (sequence numbers)
//   coact.no_reply   to an ask's reply subject: the ask will get no reply, and why
//   coact.heartbeat  on coact.<cluster>.hb.<node>, `from` [node, incarnation, 0]: alive (every
//                    heartbeat_interval), or leaving (its last)
//   coact.lost_you   to a node incarnation's probe subject, from a node that heard a heartbeat
//                    of it after losing it (it froze, or was cut off): join again
// Inside a process (never on the wire):
//   node_lost        liveness -> gateway: a node is lost; its proxies end with noconnection
//   remote_ended     gateway -> proxy: end, and let your watchers hear `reason`
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "coact/cluster/wire_message.hpp"
#include "coact/cluster/wire_registry.hpp"
#include "coact/exit_reason.hpp"

namespace coact::control {

struct watch {
    bool on = true;  // false: the proxy is gone, forget it
};
struct down {
    std::string kind;        // "normal", "closed", "failed", "no_actor", "noconnection"
    std::string error_type;  // a failure's exception type, demangled, or empty
    std::string what;        // exit_reason::what()
};
struct stop_order {      // to a node's inbox, `to` an actor of it: a proxy of it was stopped
    bool closed = true;  // how it ends (closed: as rt.stop)
};
struct gap_notice {  // to a node's inbox: messages from it to the sender never arrived
    std::uint64_t missing = 0;
};
struct refusal {  // to an ask's reply subject: no reply will come, and why
    std::string what;
};
struct heartbeat {
    std::uint32_t interval_ms = 0;
    bool leaving = false;
};
struct lost_notice {  // to a lost incarnation that still beats: the sender had lost it
    std::string why;
};

struct node_lost {
    std::string node;
    std::uint64_t incarnation = 0;
    std::string why;
};
struct remote_ended {
    exit_reason reason;
};
struct ask_answered {  // cnats' delivery thread -> gateway: what came to an ask's reply subject
    std::uint64_t id = 0;
    std::unique_ptr<wire_message> message;  // null: nobody was there to answer (no responders)
};

/// How `reason` crosses.
down down_of(const exit_reason& reason);
/// The reason a proxy mirrors for a `down` from `who` (a failure becomes a coact::remote_error).
exit_reason reason_of(const down& d, const wire_address& who);
/// The reason every proxy of a node ends with when messages between the two were lost.
exit_reason cut_reason(const std::string& node, std::uint64_t incarnation, const std::string& why);
/// The reason every proxy of a lost node ends with.
exit_reason lost_reason(const std::string& node, std::uint64_t incarnation, const std::string& why);

}  // namespace coact::control

COACT_REMOTE(coact::control::watch, "coact.watch", on);
COACT_REMOTE(coact::control::down, "coact.down", kind, error_type, what);
COACT_REMOTE(coact::control::stop_order, "coact.stop", closed);
COACT_REMOTE(coact::control::gap_notice, "coact.gap", missing);
COACT_REMOTE(coact::control::refusal, "coact.no_reply", what);
COACT_REMOTE(coact::control::heartbeat, "coact.heartbeat", interval_ms, leaving);
COACT_REMOTE(coact::control::lost_notice, "coact.lost_you", why);
