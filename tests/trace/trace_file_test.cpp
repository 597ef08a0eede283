// trace/trace_file_test.cpp — contract §7, tracing: the file a traced runtime writes. A
// deterministic program's trace is exactly the golden one (clock readings aside), every actor
// event has its instant, a full ring counts what it lost, and a bad path or size is an error.
#include <chrono>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/temp_file.hpp"
#include "trace/trace_reader.hpp"

namespace trace_golden {

struct tick {
    int n;
};

coact::actor ping(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n == 2) self.publish("news", n);
        if (n < 3) self.send("pong", n + 1);
    }
}

coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 3) self.send("ping", n + 1);
    }
}

coact::actor listener(coact::context& self) {
    self.subscribe("news");
    static_cast<void>(co_await self.receive<int>());
}

coact::actor sleeper(coact::context& self) {
    self.send_after(std::chrono::milliseconds(10), self.address(), tick{1});
    static_cast<void>(co_await self.receive<tick>());
}

coact::actor crasher(coact::context& self) {
    static_cast<void>(co_await self.receive<int>());
    throw std::runtime_error("boom");
}

coact::actor once(coact::context& self) { static_cast<void>(co_await self.receive<int>()); }

/// The golden program: ping-pong, a publication, a timer, a failure, a dead letter, an
/// anonymous actor.
void program(const std::string& path) {
    coact::runtime rt{{.virtual_time = true, .trace = path}};
    rt.spawn("listener", listener);
    rt.spawn("ping", ping);
    rt.spawn("pong", pong);
    rt.spawn("sleeper", sleeper);
    const coact::address c = rt.spawn("crasher", crasher);
    const coact::address a = rt.spawn(once);
    rt.send("ping", 0);
    rt.send(c, 7);
    rt.send(a, 1);
    rt.run();
    rt.send(c, 8);  // it has ended: a dead letter
    rt.run();
}

}  // namespace trace_golden

TEST_CASE("a deterministic program's trace is the golden file, clock readings aside",
          "[trace][golden]") {
    coact_test::temp_file file("trace_golden.json");
    trace_golden::program(file.path().string());
    const std::string got = coact_test::without_clock(coact_test::read_text(file.path()));
    const std::string golden_path = std::string(COACT_TRACE_GOLDEN_DIR) + "/program.json";
    if (std::getenv("COACT_UPDATE_GOLDEN") != nullptr) {  // after a deliberate change
        std::ofstream(golden_path, std::ios::binary) << got;
    }
    const std::string want = coact_test::read_text(golden_path);
    INFO("the golden file: " << golden_path << " (COACT_UPDATE_GOLDEN=1 rewrites it)");
    CHECK(got == want);
    // Its structure, so that a wrong golden file cannot pass unnoticed.
    const nlohmann::json t = nlohmann::json::parse(got);
    std::multiset<std::string> instants;
    int turns = 0;
    int starts = 0;
    int ends = 0;
    for (const auto& e : t["traceEvents"]) {
        const std::string ph = e["ph"];
        if (ph == "i") instants.insert(e["name"].get<std::string>());
        if (ph == "X" && e["cat"] == "turn") ++turns;
        if (ph == "s") ++starts;
        if (ph == "f") ++ends;
    }
    CHECK(instants.count("spawn") == 6);
    CHECK(instants.count("end") == 6);
    CHECK(instants.count("failure") == 1);
    CHECK(instants.count("dead letter") == 1);
    CHECK(instants.count("timer") == 1);
    CHECK(instants.count("publish") == 1);
    // Sent from outside: 0 to ping, 7 and 1; ping and pong: 1, 2, 3; the timer's tick; the
    // publication to its one subscriber. The dead letter is never taken: no flow.
    CHECK(starts == 8);
    CHECK(ends == 8);
    CHECK(turns >= 8);
    CHECK(t["otherData"]["dropped"] == 0);
}

TEST_CASE("a trace names every actor's turns and each turn's first message", "[trace]") {
    coact_test::temp_file file("trace_turns.json");
    trace_golden::program(file.path().string());
    const nlohmann::json t = coact_test::read_trace(file.path().string());
    std::set<std::string> turned;
    for (const auto& e : t["traceEvents"]) {
        if (e["ph"] != "X" || e["cat"] != "turn") continue;
        CHECK(e["name"] == e["args"]["actor"]);
        CHECK(e["tid"] == 1);
        if (e["args"]["messages"].get<int>() > 0) turned.insert(e["args"]["actor"]);
        if (e["args"]["actor"] == "sleeper" && e["args"]["messages"].get<int>() > 0) {
            CHECK(e["args"]["message"] == "trace_golden::tick");
        }
    }
    CHECK(turned == std::set<std::string>{"ping", "pong", "listener", "sleeper", "crasher",
                                          "<anonymous #6>"});
}

namespace {

coact::actor counter(coact::context& self) {
    for (;;) static_cast<void>(co_await self.receive<int>());
}

}  // namespace

TEST_CASE("a full ring overwrites its oldest records and the file counts them", "[trace]") {
    coact_test::temp_file file("trace_overflow.json");
    {
        coact::runtime rt{{.trace = file.path().string(), .trace_events = 64}};
        const coact::address c = rt.spawn("counter", counter);
        for (int i = 0; i < 1000; ++i) rt.send(c, i);
        rt.run();
    }
    const nlohmann::json t = coact_test::read_trace(file.path().string());
    const auto& other = t["otherData"];
    // Two rings of 64 (the scheduler's and the outside one) kept 128 of what was recorded.
    CHECK(other["recorded"].get<std::uint64_t>() > 2000);
    CHECK(other["dropped"].get<std::uint64_t>() == other["recorded"].get<std::uint64_t>() - 128);
    bool told = false;
    for (const auto& e : t["traceEvents"]) {
        if (e["ph"] == "i" && e["name"] == "trace overflow") {
            told = true;
            CHECK(e["args"]["dropped"] == other["dropped"]);
        }
    }
    CHECK(told);
}

TEST_CASE("a trace records a supervisor's restart of its child", "[trace]") {
    coact_test::temp_file file("trace_restart.json");
    {
        coact::runtime rt{{.trace = file.path().string()}};
        rt.spawn("boss", [](coact::context& self) -> coact::actor {
            const coact::address child =
                self.spawn(coact::spawn_options{.name = "child", .supervisor = self.address()},
                           trace_golden::crasher);
            self.send(child, 1);
            const coact::child_failed f = co_await self.receive<coact::child_failed>();
            self.restart(f.who);
            self.send(child, 2);
            static_cast<void>(co_await self.receive<coact::child_failed>());
            self.stop(child);
        });
        rt.run();
    }
    const nlohmann::json t = coact_test::read_trace(file.path().string());
    std::multiset<std::string> child;
    for (const auto& e : t["traceEvents"]) {
        if (e["ph"] == "i" && e.contains("args") && e["args"].value("actor", "") == "child") {
            child.insert(e["name"].get<std::string>());
        }
    }
    CHECK(child.count("spawn") == 1);
    CHECK(child.count("failure") == 2);
    CHECK(child.count("restart") == 1);
    CHECK(child.count("end") == 1);
}

TEST_CASE("a trace that cannot be written says so and the program goes on", "[trace]") {
    const std::string path = "/nonexistent-directory/trace.json";
    CHECK_NOTHROW([&] {
        coact::runtime rt{{.trace = path}};
        rt.spawn("counter", counter);
        rt.run();
    }());
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a trace names an actor whatever bytes its name holds, as valid JSON", "[trace]") {
    coact_test::temp_file file("trace_names.json");
    const std::string name =
        std::string("a\"b\\c\nd") + '\xff' + "\xc3\xa9";  // é, after a stray byte
    {
        coact::runtime rt{{.trace = file.path().string()}};
        rt.spawn(name, counter);
        rt.run();
    }
    const nlohmann::json t = coact_test::read_trace(file.path().string());  // throws if invalid
    bool found = false;
    for (const auto& e : t["traceEvents"]) {
        if (e["ph"] == "i" && e["name"] == "spawn") {
            CHECK(e["args"]["actor"] ==
                  "a\"b\\c\nd\xef\xbf\xbd\xc3\xa9");  // the stray byte: U+FFFD
            found = true;
        }
    }
    CHECK(found);
}
