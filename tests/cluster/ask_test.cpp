// Asks across nodes (cluster/src/node_actors.cpp): the asker's proxy detaches the ask and sends
// it with a reply subject; on the asked node a responder asks the actor and sends its reply (or
// why none comes) back. Every way an ask can end: the reply, a failure of the asked actor, an
// ended actor, a type with no wire name, the asked node leaving, and the asker's timeout.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "cluster/support/sample_types.hpp"

namespace {

using namespace std::chrono_literals;

const coact::spawn_options server_options{.name = "server", .scope = coact::scope::cluster};

/// Answers an int n with n + 1, a tick with a tick, "fail" by failing, "mute" with nothing,
/// "local" with a type that has no wire name.
coact::actor server(coact::context& self) {
    struct local_only {
        int n;
    };
    for (;;) {
        co_await self.receive([&](int n) { self.reply(n + 1); },
                              [&](const samples::tick& t) { self.reply(samples::tick{t.n * 2}); },
                              [&](const std::string& s) {
                                  if (s == "fail") throw std::runtime_error("the server gave up");
                                  if (s == "local") self.reply(local_only{1});
                                  // "mute": no reply, and the server goes on
                              });
    }
}

/// What an asking actor got: its result or the what() of what it threw.
struct outcome {
    std::mutex mutex;
    std::string text;
    bool done = false;
    void set(std::string s) {
        const std::lock_guard lock(mutex);
        text = std::move(s);
        done = true;
    }
    bool finished() {
        const std::lock_guard lock(mutex);
        return done;
    }
};

}  // namespace

TEST_CASE("An ask across nodes gets its reply, by name and by the proxy's address",
          "[cluster][ask]") {
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    nodes.ra.spawn(server_options, server);
    outcome by_name;
    outcome typed;
    const coact::address a1 = nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        int sum = 0;
        for (int i = 0; i < 10; ++i) sum += co_await self.ask<int>("server", i);  // 1 + ... + 10
        by_name.set(std::to_string(sum));
    });
    const coact::address a2 = nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        const coact::address s = self.lookup("server");
        const samples::tick t = co_await self.ask_for<samples::tick>(5s, s, samples::tick{21});
        typed.set(std::to_string(t.n));
    });
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(coact_test::eventually(
            [&] { return static_cast<bool>(nodes.rb.try_lookup("server")); }));
        nodes.rb.send(a1, 0);
        nodes.rb.send(a2, 0);
        REQUIRE(coact_test::eventually([&] { return by_name.finished() && typed.finished(); }));
    }
    CHECK(by_name.text == "55");
    CHECK(typed.text == "42");
    CHECK(nodes.b.stats().remote_dropped == 0);
}

TEST_CASE(
    "A remote ask that gets no reply says why: the actor failed, ended, or its reply "
    "cannot cross (an ask that cannot cross throws at the ask)",
    "[cluster][ask]") {
    coact_test::two_nodes nodes;
    nodes.ra.spawn(server_options, server);
    struct local_question {
        int n;
    };
    outcome failed;
    outcome local_reply;
    outcome local_question_asked;
    const coact::address f = nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        try {
            static_cast<void>(co_await self.ask<int>("server", std::string("local")));
            local_reply.set("a reply");
        } catch (const coact::no_reply& e) {
            local_reply.set(e.what());
        }
        try {  // refused at the ask itself: it could never cross
            static_cast<void>(co_await self.ask<int>("server", local_question{1}));
            local_question_asked.set("a reply");
        } catch (const coact::not_serializable& e) {
            local_question_asked.set(e.what());
        } catch (const coact::no_reply& e) {
            local_question_asked.set(std::string("no_reply: ") + e.what());
        }
        try {
            static_cast<void>(co_await self.ask<int>("server", std::string("fail")));
            failed.set("a reply");
        } catch (const coact::no_reply& e) {
            failed.set(e.what());
        }
    });
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(coact_test::eventually(
            [&] { return static_cast<bool>(nodes.rb.try_lookup("server")); }));
        nodes.rb.send(f, 0);
        REQUIRE(coact_test::eventually([&] { return failed.finished(); }));
    }
    CHECK_THAT(local_reply.text, Catch::Contains("coact::no_reply: the reply is of type") &&
                                     Catch::Contains("local_only") &&
                                     Catch::Contains("no wire name"));
    CHECK_THAT(local_question_asked.text, Catch::StartsWith("coact::cluster: cannot send") &&
                                              Catch::Contains("local_question") &&
                                              Catch::Contains("'server'") &&
                                              Catch::Contains("has no wire name"));
    CHECK_THAT(failed.text, Catch::Contains("coact::no_reply: actor 'server'") &&
                                Catch::Contains("without replying to the ask"));
}

TEST_CASE("An ask pending when the asked node leaves fails with its loss, and ask_for times out",
          "[cluster][ask]") {
    coact_test::nats_server server_process;
    coact::runtime ra;
    coact::runtime rb;
    auto a = std::make_unique<coact::cluster>(ra, coact_test::on(server_process, "a"));
    const coact::cluster b(rb, coact_test::on(server_process, "b"));
    ra.spawn(server_options, server);
    outcome pending;
    outcome timed;
    const coact::address p = rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        try {
            static_cast<void>(co_await self.ask_for<int>(100ms, "server", std::string("mute")));
            timed.set("a reply");
        } catch (const coact::ask_timeout& e) {
            timed.set(e.what());
        }
        try {
            static_cast<void>(co_await self.ask<int>("server", std::string("mute")));
            pending.set("a reply");
        } catch (const coact::no_reply& e) {
            pending.set(e.what());
        }
    });
    {
        const coact_test::serving sb(rb);
        {
            const coact_test::serving sa(ra);
            REQUIRE(
                coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("server")); }));
            rb.send(p, 0);
            REQUIRE(coact_test::eventually([&] { return timed.finished(); }));
            std::this_thread::sleep_for(100ms);  // the second ask is on its way, unanswered
            a.reset();                           // node a leaves
            REQUIRE(coact_test::eventually([&] { return pending.finished(); }));
        }
    }
    CHECK_THAT(timed.text, Catch::Contains("coact::ask_timeout"));
    CHECK_THAT(pending.text, Catch::Contains("node 'a'") && Catch::Contains("is lost") &&
                                 Catch::Contains("left the cluster"));
}
