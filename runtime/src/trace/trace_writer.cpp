// trace/trace_writer.cpp — turns a tracer's rings into Chrome Trace Event JSON (the format
// Perfetto and chrome://tracing open; docs/concepts/observability.md lists every event).
//
//   1. Pairs each take with its send. A record names the message by its envelope's address,
//      which is reused once the message is freed, so the sends and takes of every ring are put
//      in time order and each take is paired with the last unpaired send of its envelope (a
//      dead letter ends a send unpaired). Paired messages get flow ids 1, 2, ...; a send or a
//      take whose other half was overwritten in a full ring gets none.
//   2. Writes each ring in order: a complete event ("X") per turn, named after its actor, with
//      the type of its first message and how many it took; a flow start ("s") per paired send
//      inside the turn that sent it (sends outside any turn get a 1 ns slice of their own, so
//      that viewers bind the arrow to something); a flow end ("f", bound to the enclosing
//      slice) per paired take; an instant ("i") for everything else.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "coact/detail/message/payload.hpp"
#include "support/utf8.hpp"
#include "trace/tracer.hpp"

namespace coact::detail {

namespace {

using contents = tracer::contents;

/// Appends `text` as a JSON string: quoted, escaped, invalid UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                out.push_back('\\');
                out.push_back(static_cast<char>(c));
            } else if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out.append(buf);
            } else {
                out.push_back(static_cast<char>(c));
            }
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence(text.substr(i));
        if (len == 0) {
            out.append("\\ufffd");
            ++i;
            continue;
        }
        out.append(text.substr(i, len));
        i += len;
    }
    out.push_back('"');
}

/// Microseconds with nanosecond precision, from the trace's first record.
void append_us(std::string& out, std::uint64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llu.%03llu", static_cast<unsigned long long>(ns / 1000),
                  static_cast<unsigned long long>(ns % 1000));
    out.append(buf);
}

struct flow_ref {
    std::uint64_t ts;
    const void* envelope;
    std::uint32_t ring;  // index among all rings: 0 the outside one, then the threads'
    std::uint32_t index;
    bool sent;
};

class writer {
  public:
    writer(std::FILE* out, const contents& c) : out_(out), c_(c) {
        all_.push_back(&c.outside);
        for (const auto& r : c.rings) all_.push_back(r.get());
        // Each ring's records in nanoseconds from the trace's first tick, never decreasing
        // along a ring (its order is the true one; a message stamped with its turn's reading
        // may carry an older one than the record before it).
        std::uint64_t origin = UINT64_MAX;
        for (const trace_ring* r : all_) {
            for (std::size_t i = 0; i < r->size(); ++i) origin = std::min(origin, r->held(i).ts);
        }
        ns_.resize(all_.size());
        for (std::size_t k = 0; k < all_.size(); ++k) {
            std::uint64_t last = 0;
            for (std::size_t i = 0; i < all_[k]->size(); ++i) {
                const auto ns = static_cast<std::uint64_t>(
                    static_cast<double>(all_[k]->held(i).ts - origin) * c.ns_per_tick);
                last = std::max(last, ns);
                ns_[k].push_back(last);
            }
        }
    }

    void write() {
        pair_flows();
        buf_ = "{\"traceEvents\":[\n";
        metadata();
        for (std::uint32_t k = 0; k < all_.size(); ++k) write_ring(k);
        std::uint64_t recorded = 0;
        std::uint64_t lost = 0;
        for (const trace_ring* r : all_) {
            recorded += r->written();
            lost += r->lost();
        }
        if (lost != 0) {
            event_head("i", "trace overflow", "trace", 0, 0);
            buf_ += ",\"s\":\"g\",\"args\":{\"dropped\":" + std::to_string(lost) + "}}";
        }
        buf_ += "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"coact_trace\":1,\"runtime\":" +
                std::to_string(c_.runtime) + ",\"workers\":" + std::to_string(c_.rings.size()) +
                ",\"recorded\":" + std::to_string(recorded) +
                ",\"dropped\":" + std::to_string(lost) +
                ",\"texts_dropped\":" + std::to_string(c_.texts_lost) +
                ",\"names_dropped\":" + std::to_string(c_.actors_lost) + "}}\n";
        flush();
    }

  private:
    // --- pass 1: flows ---

    void pair_flows() {
        std::vector<flow_ref> refs;
        for (std::uint32_t k = 0; k < all_.size(); ++k) {
            const trace_ring& r = *all_[k];
            for (std::uint32_t i = 0; i < r.size(); ++i) {
                const trace_record& x = r.held(i);
                if (x.kind == trace_kind::sent || x.kind == trace_kind::took ||
                    x.kind == trace_kind::dead_letter) {
                    refs.push_back({ns_[k][i], x.subject, k, i, x.kind == trace_kind::sent});
                }
            }
        }
        // Stable: a ring's own records keep their order when their clock readings tie.
        std::stable_sort(refs.begin(), refs.end(),
                         [](const flow_ref& a, const flow_ref& b) { return a.ts < b.ts; });
        std::unordered_map<const void*, const flow_ref*> open;
        std::uint64_t next = 1;
        for (const flow_ref& f : refs) {
            if (f.sent) {
                open[f.envelope] = &f;
                continue;
            }
            auto it = open.find(f.envelope);
            if (it == open.end()) continue;
            const bool taken = all_[f.ring]->held(f.index).kind == trace_kind::took;
            if (taken) {
                flow_[key(it->second->ring, it->second->index)] = next;
                flow_[key(f.ring, f.index)] = next;
                ++next;
            }
            open.erase(it);
        }
    }

    static std::uint64_t key(std::uint32_t ring, std::uint32_t index) {
        return (std::uint64_t{ring} << 40) | index;
    }
    std::uint64_t flow_of(std::uint32_t ring, std::uint32_t index) const {
        auto it = flow_.find(key(ring, index));
        return it == flow_.end() ? 0 : it->second;
    }

    // --- names ---

    std::uint32_t tid(std::uint32_t ring) const { return ring; }  // 0: outside; i + 1: thread i

    const tracer::actor_row* row(const void* cell, std::uint32_t generation) const {
        auto it = c_.actors.find(tracer::actor_key{cell, generation});
        return it == c_.actors.end() ? nullptr : &it->second;
    }
    std::string actor_name(const void* cell, std::uint32_t generation) const {
        const tracer::actor_row* a = row(cell, generation);
        if (a == nullptr) return "<unknown actor>";
        if (a->name != 0) return c_.texts[a->name];
        return "<anonymous #" + std::to_string(a->serial) + ">";
    }
    std::uint32_t actor_id(const void* cell, std::uint32_t generation) const {
        const tracer::actor_row* a = row(cell, generation);
        return a == nullptr ? 0 : a->serial;
    }
    static std::string type_of(std::uintptr_t detail) {
        const auto* t = reinterpret_cast<const std::type_info*>(detail);
        return t == nullptr ? std::string() : std::string(type_name(*t));
    }
    std::string text(std::uintptr_t index) const {
        return index < c_.texts.size() ? c_.texts[index] : std::string();
    }

    // --- output ---

    void event_head(const char* ph, std::string_view name, const char* cat, std::uint32_t t,
                    std::uint64_t ts) {
        buf_ += first_ ? "" : ",\n";
        first_ = false;
        buf_ += "{\"ph\":\"";
        buf_ += ph;
        buf_ += "\",\"pid\":1,\"tid\":" + std::to_string(t) + ",\"ts\":";
        append_us(buf_, ts);
        buf_ += ",\"name\":";
        append_json_string(buf_, name);
        buf_ += ",\"cat\":\"";
        buf_ += cat;
        buf_ += '"';
        if (buf_.size() > (std::size_t{1} << 20)) flush();
    }
    void arg(std::string_view name, std::string_view value, bool first = false) {
        buf_ += first ? "" : ",";
        append_json_string(buf_, name);
        buf_ += ':';
        append_json_string(buf_, value);
    }
    void arg(std::string_view name, std::uint64_t value, bool first = false) {
        buf_ += first ? "" : ",";
        append_json_string(buf_, name);
        buf_ += ':' + std::to_string(value);
    }
    void actor_args(const void* cell, std::uint32_t generation) {
        arg("actor", actor_name(cell, generation), true);
        arg("id", actor_id(cell, generation));
    }
    void flush() {
        std::fwrite(buf_.data(), 1, buf_.size(), out_);
        buf_.clear();
    }

    void metadata() {
        const auto meta = [&](std::uint32_t t, const char* what, std::string_view value) {
            buf_ += first_ ? "" : ",\n";
            first_ = false;
            buf_ += "{\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(t) + ",\"name\":\"";
            buf_ += what;
            buf_ += "\",\"args\":{\"name\":";
            append_json_string(buf_, value);
            buf_ += "}}";
        };
        meta(0, "process_name", "coact runtime #" + std::to_string(c_.runtime));
        meta(0, "thread_name", "outside");
        for (std::uint32_t i = 0; i < c_.rings.size(); ++i) {
            meta(i + 1, "thread_name",
                 c_.work_stealing ? "worker " + std::to_string(i) : std::string("scheduler"));
        }
    }

    struct open_turn {
        const void* cell = nullptr;
        std::uint32_t generation = 0;
        std::uint64_t ts = 0;
        std::uintptr_t first_type = 0;
        std::uint32_t messages = 0;
        bool open = false;
    };

    void write_ring(std::uint32_t k) {
        const trace_ring& r = *all_[k];
        open_turn turn;
        const std::uint32_t t = tid(k);
        for (std::uint32_t i = 0; i < r.size(); ++i) {
            const trace_record& x = r.held(i);
            switch (x.kind) {
                case trace_kind::turn_begin:
                    turn = open_turn{x.subject, x.generation, ns_[k][i], 0, 0, true};
                    break;
                case trace_kind::turn_end:
                    if (turn.open) {
                        event_head("X", actor_name(turn.cell, turn.generation), "turn", t, turn.ts);
                        buf_ += ",\"dur\":";
                        append_us(buf_, ns_[k][i] - turn.ts);
                        buf_ += ",\"args\":{";
                        actor_args(turn.cell, turn.generation);
                        arg("message", type_of(turn.first_type));
                        arg("messages", turn.messages);
                        buf_ += "}}";
                    }
                    turn.open = false;
                    break;
                case trace_kind::sent:
                    sent(x, k, i, turn);
                    break;
                case trace_kind::took:
                    if (turn.open) {
                        if (turn.messages++ == 0) turn.first_type = x.detail;
                    }
                    if (const std::uint64_t id = flow_of(k, i); id != 0) {
                        event_head("f", type_of(x.detail), "message", t, ns_[k][i]);
                        buf_ += ",\"bp\":\"e\",\"id\":" + std::to_string(id) + "}";
                    }
                    break;
                default:
                    instant(x, t, ns_[k][i]);
                    break;
            }
        }
    }

    void sent(const trace_record& x, std::uint32_t k, std::uint32_t i, const open_turn& turn) {
        const std::uint64_t id = flow_of(k, i);
        if (id == 0) return;
        const std::uint32_t t = tid(k);
        const std::string type = type_of(x.detail);
        if (!turn.open) {  // a slice for the arrow to start from
            event_head("X", k == 0 ? "outside" : "runtime", "send", t, ns_[k][i]);
            buf_ += ",\"dur\":0.001,\"args\":{}}";
        }
        event_head("s", type, "message", t, ns_[k][i]);
        buf_ += ",\"id\":" + std::to_string(id) + ",\"args\":{";
        if (turn.open) {
            arg("from", actor_name(turn.cell, turn.generation), true);
            arg("from_id", actor_id(turn.cell, turn.generation));
        } else {
            arg("from", k == 0 ? "outside" : "runtime", true);
            arg("from_id", 0);
        }
        arg("to", actor_name(x.object, x.generation));
        arg("to_id", actor_id(x.object, x.generation));
        buf_ += "}}";
    }

    void instant(const trace_record& x, std::uint32_t t, std::uint64_t ns) {
        const auto head = [&](const char* name, const char* cat) {
            event_head("i", name, cat, t, ns);
            buf_ += ",\"s\":\"t\",\"args\":{";
        };
        switch (x.kind) {
            case trace_kind::spawn:
                head("spawn", "actor");
                actor_args(x.subject, x.generation);
                break;
            case trace_kind::end: {
                static constexpr const char* reasons[] = {"normal", "stopped", "failed",
                                                          "shutdown"};
                head("end", "actor");
                actor_args(x.subject, x.generation);
                arg("reason", x.number < 4 ? reasons[x.number] : "?");
                break;
            }
            case trace_kind::failure:
                head("failure", "actor");
                actor_args(x.subject, x.generation);
                arg("error", text(x.detail));
                break;
            case trace_kind::restart:
                head("restart", "actor");
                actor_args(x.subject, x.generation);
                break;
            case trace_kind::timer:
                head("timer", "actor");
                actor_args(x.object, x.generation);
                break;
            case trace_kind::dead_letter:
                head("dead letter", "message");
                arg("from", x.object != nullptr ? actor_name(x.object, x.generation) : "outside",
                    true);
                arg("from_id", x.object != nullptr ? actor_id(x.object, x.generation) : 0);
                arg("message", type_of(x.detail));
                break;
            case trace_kind::publish:
                head("publish", "message");
                arg("topic", text(x.detail), true);
                arg("subscribers", x.number);
                break;
            case trace_kind::remote_send:
            case trace_kind::remote_receive:
                head(x.kind == trace_kind::remote_send ? "remote send" : "remote receive",
                     "cluster");
                arg("what", text(x.detail), true);
                arg("messages", x.number);
                break;
            case trace_kind::shutdown:
                head("shutdown", "actor");
                arg("dropped", x.number, true);
                break;
            default:
                return;
        }
        buf_ += "}}";
    }

    std::FILE* out_;
    const contents& c_;
    std::vector<const trace_ring*> all_;
    std::vector<std::vector<std::uint64_t>> ns_;  // [ring][record]: nanoseconds
    std::unordered_map<std::uint64_t, std::uint64_t> flow_;
    std::string buf_;
    bool first_ = true;
};

}  // namespace

void write_trace_json(std::FILE* out, const tracer::contents& c) { writer(out, c).write(); }

}  // namespace coact::detail
