// trace/trace_flows_test.cpp — contract §7, tracing with work stealing: every message sent is
// one flow from its send to the turn that took it, also across workers and from threads that
// run no actor; the file parses; each worker has its track.
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/temp_file.hpp"
#include "trace/trace_reader.hpp"

namespace {

constexpr int pairs = 20;
constexpr int rounds = 100;
constexpr int from_outside = 1000;

coact::actor bouncer(coact::context& self, std::string other, bool starts) {
    if (starts) self.send(other, 0);
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n >= rounds) {
            if (n == rounds) self.send("sink", -1);  // this pair is done
            if (n == rounds) self.send(other, n + 1);
            co_return;
        }
        self.send(other, n + 1);
    }
}

coact::actor sink(coact::context& self) {
    int outside = 0;
    int done = 0;
    while (outside < from_outside || done < pairs) {
        const int n = co_await self.receive<int>();
        if (n < 0) {
            ++done;
        } else {
            ++outside;
        }
    }
    self.runtime().request_stop();
}

}  // namespace

TEST_CASE("with work stealing every send is one flow to the turn that took it", "[trace]") {
    coact_test::temp_file file("trace_flows.json");
    std::uint64_t delivered = 0;
    {
        coact::runtime rt{{.workers = 2, .trace = file.path().string()}};
        const coact::address s = rt.spawn("sink", sink);
        for (int i = 0; i < pairs; ++i) {
            const std::string a = "a" + std::to_string(i);
            const std::string b = "b" + std::to_string(i);
            rt.spawn(b, bouncer, a, false);
            rt.spawn(a, bouncer, b, true);
        }
        std::thread sender([&] {
            for (int i = 0; i < from_outside; ++i) rt.send(s, i);
        });
        rt.serve();
        sender.join();
        rt.shutdown();
        delivered = rt.stats().delivered;
    }
    const nlohmann::json t = coact_test::read_trace(file.path().string());
    REQUIRE(t["otherData"]["dropped"] == 0);
    REQUIRE(t["otherData"]["workers"] == 2);

    struct slice {
        double ts, dur;
    };
    std::map<int, std::vector<slice>> turns;  // by tid
    std::map<std::uint64_t, int> starts, ends;
    std::map<std::uint64_t, std::pair<int, double>> end_at;  // id -> tid, ts
    int from_outside_seen = 0;
    std::map<int, std::string> thread_names;
    for (const auto& e : t["traceEvents"]) {
        const std::string ph = e["ph"];
        if (ph == "M" && e["name"] == "thread_name") thread_names[e["tid"]] = e["args"]["name"];
        if (ph == "X") turns[e["tid"]].push_back({e["ts"].get<double>(), e["dur"].get<double>()});
        if (ph == "s") {
            ++starts[e["id"]];
            if (e["args"]["from"] == "outside") ++from_outside_seen;
        }
        if (ph == "f") {
            ++ends[e["id"]];
            CHECK(e["bp"] == "e");
            end_at[e["id"]] = {e["tid"].get<int>(), e["ts"].get<double>()};
        }
    }
    CHECK(thread_names ==
          std::map<int, std::string>{{0, "outside"}, {1, "worker 0"}, {2, "worker 1"}});
    // Every message taken was sent (and traced): one flow each, each id once at both ends.
    CHECK(starts.size() == delivered);
    CHECK(ends.size() == delivered);
    for (const auto& [id, n] : starts) {
        INFO("flow " << id);
        CHECK(n == 1);
        CHECK(ends.count(id) == 1);
    }
    for (const auto& [id, n] : ends) CHECK(n == 1);
    CHECK(from_outside_seen == from_outside);
    // A flow ends inside a turn of the worker that took the message.
    int outside_turn = 0;
    for (const auto& [id, at] : end_at) {
        bool inside = false;
        for (const slice& s : turns[at.first]) {
            if (s.ts <= at.second && at.second <= s.ts + s.dur) {
                inside = true;
                break;
            }
        }
        if (!inside) ++outside_turn;
    }
    CHECK(outside_turn == 0);
}

TEST_CASE("a bad COACT_TRACE_EVENTS is an error that names it", "[trace]") {
    coact_test::temp_file file("trace_bad_size.json");
    ::setenv("COACT_TRACE_EVENTS", "many", 1);
    CHECK_THROWS_WITH((coact::runtime{{.trace = file.path().string()}}),
                      Catch::Contains("COACT_TRACE_EVENTS is 'many'"));
    ::unsetenv("COACT_TRACE_EVENTS");
}
