// The cluster's NATS subjects (coact/cluster/subjects.hpp): the documented layout, coact's topic
// patterns as NATS wildcards, and a cluster_error naming anything NATS would read differently.
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>

namespace {

std::string error_of(auto&& f) {
    try {
        static_cast<void>(f());
    } catch (const coact::cluster_error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("subjects follow the documented layout", "[cluster][subjects]") {
    const coact::cluster_subjects s("demo");
    CHECK(s.node_inbox("a", 42) == "coact.demo.n.a.42");
    CHECK(s.replies("node-1", 7) == "coact.demo.r.node-1.7.>");
    CHECK(s.name("pong") == "coact.demo.name.pong");
    CHECK(s.name("chat.room_1") == "coact.demo.name.chat.room_1");
    CHECK(s.heartbeat("b") == "coact.demo.hb.b");
    CHECK(s.probe("b", 3) == "coact.demo.ping.b.3");
    CHECK(s.probe("b") == "coact.demo.ping.b");
    CHECK(s.claims() == "coact.demo.claims.>");
    CHECK(s.claim_of("coact.demo.claims.chat.room_1") == "chat.room_1");
    CHECK(s.claim_of("coact.demo.claims.") == "");
    CHECK(s.claim_of("coact.other.claims.pong") == "");
}

TEST_CASE("topics: coact's trailing `*` is NATS's `>`, and subjects name their topic back",
          "[cluster][subjects]") {
    const coact::cluster_subjects s("demo");
    CHECK(s.topic("prices.eur") == "coact.demo.t.prices.eur");
    CHECK(s.topic("prices.*") == "coact.demo.t.prices.>");
    CHECK(s.topic("*") == "coact.demo.t.>");
    CHECK(s.topic_of("coact.demo.t.prices.eur") == "prices.eur");
    CHECK(error_of([&] { return s.topic_of("coact.other.t.x"); }) ==
          "subject 'coact.other.t.x' is not a shared topic of coact.demo");
}

TEST_CASE("names NATS would misread are cluster_errors naming them", "[cluster][subjects]") {
    CHECK(error_of([] { return coact::cluster_subjects("de.mo"); }) ==
          "cluster name 'de.mo' has '.': use letters, digits, '_' and '-' only");
    CHECK(error_of([] { return coact::cluster_subjects(""); }) == "cluster name '' is empty");
    const coact::cluster_subjects s("demo");
    CHECK(error_of([&] { return s.node_inbox("a b", 1); }) ==
          "node name 'a b' has ' ': use letters, digits, '_' and '-' only");
    CHECK(error_of([&] { return s.name("chat..room"); }) ==
          "cluster actor name 'chat..room' has an empty segment (two dots, or one at an end)");
    CHECK(error_of([&] { return s.name("pong."); }) ==
          "cluster actor name 'pong.' has an empty segment (two dots, or one at an end)");
    CHECK(error_of([&] { return s.topic("prices.>"); }) ==
          "shared topic 'prices.>' has '>': use letters, digits, '_' and '-' in segments joined "
          "by dots");
    CHECK(error_of([&] { return s.topic("pri*ces"); }) ==
          "shared topic 'pri*ces' has '*': use letters, digits, '_' and '-' in segments joined "
          "by dots");
    CHECK(error_of([&] { return s.topic("a.*.b"); }) ==
          "shared topic 'a.*.b' has '*': use letters, digits, '_' and '-' in segments joined by "
          "dots");
}

TEST_CASE("topic_matches: a topic follows itself, a pattern its stem at any depth, * everything",
          "[cluster][subjects]") {
    CHECK(coact::topic_matches("news", "news"));
    CHECK(!coact::topic_matches("news", "news.today"));
    CHECK(!coact::topic_matches("news", "new"));
    CHECK(coact::topic_matches("prices.*", "prices.eur"));
    CHECK(coact::topic_matches("prices.*", "prices.eur.spot"));
    CHECK(!coact::topic_matches("prices.*", "prices"));
    CHECK(!coact::topic_matches("prices.*", "pricesx.eur"));
    CHECK(!coact::topic_matches("prices.*", "prices."));
    CHECK(coact::topic_matches("*", "anything.at.all"));
}
