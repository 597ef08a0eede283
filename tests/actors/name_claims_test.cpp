// Names known beyond the runtime (spawn_options::scope, detail/actor/name_claims.hpp), with a
// claims object of the test's in place of a cluster node: a scoped spawn is claimed with its
// address after the local registration, a refused claim undoes the spawn, and every named
// actor's end is reported with the address it had. Without claims (no cluster joined), or
// without a name, a scoped spawn is an error that says what is missing.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "support/spawn_error.hpp"

namespace {

struct recorded {
    std::string name;
    coact::scope scope;
    coact::address who;
};

/// Claims every name but "held-elsewhere", which another node "holds".
class test_claims final : public coact::detail::name_claims {
  public:
    void claim(std::string_view name, coact::scope s, coact::address a) override {
        const std::lock_guard lock(mutex_);
        if (name == "held-elsewhere") throw coact::name_taken(name);
        claimed.push_back({std::string(name), s, a});
    }
    void released(std::string_view name, coact::address a) noexcept override {
        // Whether the local name was still this actor's when the claims heard of its end.
        const bool registered = rt != nullptr && rt->try_lookup(name) == a;
        const std::lock_guard lock(mutex_);
        released_names.push_back({std::string(name), coact::scope::local, a});
        still_registered.push_back(registered);
    }

    coact::runtime* rt = nullptr;
    std::vector<recorded> claimed;
    std::vector<recorded> released_names;
    std::vector<bool> still_registered;

  private:
    std::mutex mutex_;
};

coact::actor waits(coact::context& self) { static_cast<void>(co_await self.receive<int>()); }

std::string spawn_error(coact::runtime& rt, const coact::spawn_options& o) {
    return coact_test::spawn_error(rt, o, waits);
}

}  // namespace

TEST_CASE("a scoped spawn without a joined cluster, or without a name, says what is missing",
          "[actor][claims]") {
    coact::runtime rt(coact_test::test_options());
    CHECK(spawn_error(rt, {.name = "pong", .scope = coact::scope::cluster}) ==
          "coact::spawn: 'pong' with scope::cluster needs a runtime that has joined a cluster "
          "(coact::cluster, <coact/cluster.hpp>)");
    CHECK(spawn_error(rt, {.scope = coact::scope::pool}) ==
          "coact::spawn: scope::pool needs a name (spawn_options::name): the scope is where a "
          "name is known");
    // Nothing was left behind: the name is free, no actor lives.
    CHECK(rt.stats().actors == 0);
    CHECK(spawn_error(rt, {.name = "pong"}) == "(spawned)");
    rt.shutdown();
}

TEST_CASE("a scoped spawn is claimed with its address, and its end is reported",
          "[actor][claims]") {
    coact::runtime rt(coact_test::test_options());
    test_claims claims;
    claims.rt = &rt;
    coact::detail_access::core_of(rt).claims.store(&claims);
    const coact::address pong =
        rt.spawn(coact::spawn_options{.name = "pong", .scope = coact::scope::cluster}, waits);
    const coact::address pool =
        rt.spawn(coact::spawn_options{.name = "workers", .scope = coact::scope::pool}, waits);
    const coact::address local = rt.spawn("local", waits);
    REQUIRE(claims.claimed.size() == 2);
    CHECK(claims.claimed[0].name == "pong");
    CHECK(claims.claimed[0].scope == coact::scope::cluster);
    CHECK(claims.claimed[0].who == pong);
    CHECK(claims.claimed[1].scope == coact::scope::pool);
    CHECK(claims.claimed[1].who == pool);
    CHECK(rt.try_lookup("pong") == pong);  // a local name too
    // A pool's members share its name: a second member is no name_taken, and neither holds the
    // name here (the cluster's proxy for the pool does).
    const coact::address second =
        rt.spawn(coact::spawn_options{.name = "workers", .scope = coact::scope::pool}, waits);
    REQUIRE(claims.claimed.size() == 3);
    CHECK(claims.claimed[2].who == second);
    CHECK_FALSE(rt.try_lookup("workers"));

    rt.send(pong, 1);
    rt.send(local, 1);
    rt.run();
    // Every named actor's end is reported (the claims ignore names they did not claim).
    REQUIRE(claims.released_names.size() == 2);
    bool pong_released = false;
    for (const recorded& r : claims.released_names) {
        if (r.name == "pong") pong_released = r.who == pong;
    }
    CHECK(pong_released);
    // Told before the local name is free: a spawn that takes the name next cannot meet the
    // ending actor's claim.
    CHECK(claims.still_registered == std::vector<bool>{true, true});
    rt.send(pool, 1);
    rt.send(second, 1);
    rt.run();
    CHECK(claims.released_names.size() == 2);  // pool members are not named here
    CHECK(rt.stats().actors == 0);
    coact::detail_access::core_of(rt).claims.store(nullptr);
}

TEST_CASE("a refused claim undoes the spawn: the local name is free, no actor started",
          "[actor][claims]") {
    coact::runtime rt(coact_test::test_options());
    test_claims claims;
    coact::detail_access::core_of(rt).claims.store(&claims);
    CHECK(spawn_error(rt, {.name = "held-elsewhere", .scope = coact::scope::cluster}) ==
          coact::name_taken("held-elsewhere").what());
    CHECK(rt.stats().actors == 0);
    CHECK_FALSE(rt.try_lookup("held-elsewhere"));
    // The undone spawn is reported like an end (the claims hold nothing for it).
    REQUIRE(claims.released_names.size() == 1);
    CHECK(claims.released_names[0].name == "held-elsewhere");
    // The name can be taken locally now.
    CHECK(spawn_error(rt, {.name = "held-elsewhere"}) == "(spawned)");
    coact::detail_access::core_of(rt).claims.store(nullptr);
    rt.shutdown();
}
