// metrics/prometheus_text.cpp — coact::prometheus_text(): a runtime_metrics snapshot in the
// Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Each metric family is written once: `# HELP name text`, `# TYPE name counter|gauge`, then its
// samples `name{label="value",...} value`, one per runtime (totals) or per live actor. Label
// values escape `\`, `"` and the line feed as `\\`, `\"` and `\n`, and must be UTF-8: a byte
// that does not belong to a well-formed UTF-8 sequence becomes U+FFFD. An anonymous actor has
// `actor=""` (its `id` label tells it apart); Prometheus treats an empty label as absent.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "coact/metrics.hpp"
#include "support/utf8.hpp"

namespace coact {

namespace {

void append_label_value(std::string& out, std::string_view value) {
    while (!value.empty()) {
        const std::size_t n = detail::utf8_sequence(value);
        if (n == 0) {
            out.append("\xEF\xBF\xBD");  // U+FFFD, for one byte
            value.remove_prefix(1);
            continue;
        }
        if (n == 1) {
            switch (value[0]) {
                case '\\':
                    out.append("\\\\");
                    break;
                case '"':
                    out.append("\\\"");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                default:
                    out.push_back(value[0]);
            }
        } else {
            out.append(value.substr(0, n));
        }
        value.remove_prefix(n);
    }
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, const runtime_metrics& m,
            const actor_metrics* a, std::uint64_t value) {
    out.append(name).append("{runtime=\"").append(std::to_string(m.runtime)).append("\"");
    if (a != nullptr) {
        out.append(",actor=\"");
        append_label_value(out, a->name);
        out.append("\",id=\"").append(std::to_string(a->id)).append("\"");
    }
    out.append("} ").append(std::to_string(value)).append("\n");
}

struct total {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::uint64_t runtime_stats::*field;
};

struct per_actor {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::uint64_t (*field)(const actor_metrics&);
};

constexpr total totals[] = {
    {"coact_messages_delivered_total", "counter", "Messages handed to actors.",
     &runtime_stats::delivered},
    {"coact_dead_letters_total", "counter",
     "Messages whose receiver had ended, or left queued at shutdown.",
     &runtime_stats::dead_letters},
    {"coact_actors_failed_total", "counter", "Actor bodies ended by an exception.",
     &runtime_stats::failed},
    {"coact_actors", "gauge", "Actors alive now.", &runtime_stats::actors},
    {"coact_actors_spawned_total", "counter", "Actors spawned.", &runtime_stats::spawned},
    {"coact_published_total", "counter", "publish() calls.", &runtime_stats::published},
    {"coact_unheard_total", "counter", "publish() calls that found no subscriber.",
     &runtime_stats::unheard},
    {"coact_restarts_total", "counter", "Supervised actors started again.",
     &runtime_stats::restarts},
    {"coact_dropped_total", "counter", "Messages a full bounded mailbox dropped.",
     &runtime_stats::dropped},
};

constexpr per_actor actor_families[] = {
    {"coact_actor_mailbox_length", "gauge", "Messages waiting for the actor.",
     [](const actor_metrics& a) -> std::uint64_t { return a.mailbox; }},
    {"coact_actor_messages_handled_total", "counter", "Messages the actor has taken.",
     [](const actor_metrics& a) { return a.handled; }},
    {"coact_actor_failures_total", "counter", "Bodies of the actor an exception ended.",
     [](const actor_metrics& a) { return a.failures; }},
    {"coact_actor_restarts_total", "counter", "Times the actor's supervisor started it again.",
     [](const actor_metrics& a) { return a.restarts; }},
};

}  // namespace

std::string prometheus_text(std::span<const runtime_metrics> runtimes) {
    std::string out;
    for (const total& t : totals) {
        family(out, t.name, t.type, t.help);
        for (const runtime_metrics& m : runtimes)
            sample(out, t.name, m, nullptr, m.totals.*t.field);
    }
    for (const per_actor& f : actor_families) {
        family(out, f.name, f.type, f.help);
        for (const runtime_metrics& m : runtimes) {
            for (const actor_metrics& a : m.actors) sample(out, f.name, m, &a, f.field(a));
        }
    }
    return out;
}

std::string prometheus_text(const runtime_metrics& m) { return prometheus_text({&m, 1}); }

}  // namespace coact
