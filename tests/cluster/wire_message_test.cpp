// One message on the wire (coact/cluster/wire_message.hpp): [1, type, from, seq, body] round
// trips through the registry; every malformed input is a coact::wire_error naming the fault
// (never another exception, a crash or an allocation the input's size does not justify); a
// decoded body reaches a local actor as the C++ type it was sent as.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "actors/support/child_process.hpp"

namespace message_test {
struct quote {
    std::string symbol;
    double price;
};
struct other_quote {  // same wire name as quote: a conflict
    std::string symbol;
};
}  // namespace message_test

COACT_REMOTE(message_test::quote, "test.quote");

namespace {

std::string_view view(const msgpack::sbuffer& b) { return {b.data(), b.size()}; }

std::string error_of(std::string_view bytes) {
    try {
        static_cast<void>(coact::decode_message(bytes));
    } catch (const coact::wire_error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string error_of(const std::vector<unsigned char>& bytes) {
    return error_of(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

TEST_CASE("a message comes back with its type, sender, sequence number and body",
          "[cluster][wire]") {
    msgpack::sbuffer out;
    const coact::wire_address from{"node-a", 77, 12345};
    coact::encode_message(out, message_test::quote{"EUR", 1.08}, from, 9);
    const coact::wire_message m = coact::decode_message(view(out));
    CHECK(m.type == "test.quote");
    REQUIRE(m.from.has_value());
    CHECK(*m.from == from);
    CHECK(m.seq == 9);
    REQUIRE(m.body != nullptr);
    CHECK(m.body->type() == typeid(message_test::quote));
    const auto* q = m.body->get<message_test::quote>();
    REQUIRE(q != nullptr);
    CHECK(q->symbol == "EUR");
    CHECK(q->price == 1.08);
    CHECK(m.body->get<int>() == nullptr);

    msgpack::sbuffer anonymous;
    coact::encode_message(anonymous, std::vector<std::string>{"x"});
    const coact::wire_message a = coact::decode_message(view(anonymous));
    CHECK(a.type == "list<string>");
    CHECK_FALSE(a.from.has_value());
    CHECK(a.seq == 0);
    CHECK(*a.body->get<std::vector<std::string>>() == std::vector<std::string>{"x"});
    CHECK_FALSE(a.to.has_value());

    // To a node's inbox: the receiver's number as a sixth element.
    msgpack::sbuffer addressed;
    coact::encode_message(addressed, std::int32_t{7}, from, 3, std::uint64_t{12});
    const coact::wire_message t = coact::decode_message(view(addressed));
    REQUIRE(t.to.has_value());
    CHECK(*t.to == 12);
    CHECK(*t.body->get<std::int32_t>() == 7);
}

TEST_CASE("the header is the documented array, readable by any msgpack library",
          "[cluster][wire]") {
    msgpack::sbuffer out;
    coact::encode_message(out, std::int32_t{5});
    // [1, "int32", nil, 0, 5]
    const std::vector<unsigned char> expected{0x95, 0x01, 0xa5, 'i',  'n', 't',
                                              '3',  '2',  0xc0, 0x00, 0x05};
    CHECK(std::vector<unsigned char>(out.data(), out.data() + out.size()) == expected);
}

TEST_CASE("malformed messages are wire_errors that name the fault", "[cluster][wire]") {
    CHECK(error_of(std::string_view()) == "coact wire message: cut short (0 bytes)");
    CHECK(error_of({0x92, 0x01}) == "coact wire message: cut short (2 bytes)");
    CHECK(error_of({0x95, 0x01}) ==
          "coact wire message: a length larger than the whole message (2 bytes)");
    CHECK(error_of({0xc1}).starts_with("coact wire message: not msgpack"));  // a reserved byte
    CHECK(error_of({0x05}) ==
          "coact wire message: expected an array of 5 or 6 ([version, type, from, seq, body, "
          "to]), got an integer 5");
    // Version 2.
    CHECK(error_of({0x95, 0x02, 0xa5, 'i', 'n', 't', '3', '2', 0xc0, 0x00, 0x05}) ==
          "coact wire message: format version 2 (this node reads version 1)");
    // An unknown type.
    CHECK(error_of({0x95, 0x01, 0xa3, 'x', 'y', 'z', 0xc0, 0x00, 0x05}) ==
          "coact wire message: unknown type 'xyz' (not a built-in, and no COACT_REMOTE on this "
          "node)");
    // A body of another shape.
    CHECK(error_of({0x95, 0x01, 0xa5, 'i', 'n', 't', '3', '2', 0xc0, 0x00, 0xa1, 'x'}) ==
          "int32: expected int32, got a string");
    // A bad sender.
    CHECK(error_of({0x95, 0x01, 0xa5, 'i', 'n', 't', '3', '2', 0x07, 0x00, 0x05}) ==
          "coact wire message: expected nil or [node, incarnation, actor] for the sender, got an "
          "integer 7");
    // A receiver that is not a number.
    CHECK(error_of({0x96, 0x01, 0xa5, 'i', 'n', 't', '3', '2', 0xc0, 0x00, 0x05, 0xc0}) ==
          "coact wire message: expected an unsigned integer for the receiver, got nil");
    // A negative sequence number.
    CHECK(error_of({0x95, 0x01, 0xa5, 'i', 'n', 't', '3', '2', 0xc0, 0xff, 0x05}) ==
          "coact wire message: expected an unsigned integer for the sequence number, got an "
          "integer -1");
    // Trailing bytes.
    CHECK(error_of({0x95, 0x01, 0xa5, 'i', 'n', 't', '3', '2', 0xc0, 0x00, 0x05, 0x00}) ==
          "coact wire message: 1 bytes after the message");
}

TEST_CASE("a forged length cannot make the decoder allocate beyond the input's size",
          "[cluster][wire]") {
    // array32 of 4 billion elements, a string of 4 GB, a map of 4 billion pairs: each header
    // alone, then one element. Without the limits the unpacker reserves the whole array first.
    CHECK(error_of({0xdd, 0xff, 0xff, 0xff, 0xff, 0x01}) ==
          "coact wire message: a length larger than the whole message (6 bytes)");
    CHECK(error_of({0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}) ==  // strings point into the input
          "coact wire message: cut short (6 bytes)");
    CHECK(error_of({0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01}) ==
          "coact wire message: a length larger than the whole message (7 bytes)");
    // Nesting deeper than any registered type needs.
    std::vector<unsigned char> deep(100, 0x91);
    deep.push_back(0x01);
    CHECK(error_of(deep) == "coact wire message: nested more than 64 deep");
}

TEST_CASE("a second C++ type under a taken wire name is a conflict, and the first keeps the name",
          "[cluster][wire]") {
    // In a child process: the conflict stays in the process's registry (a node would refuse to
    // join with it).
    const coact_test::child_result r = coact_test::run_in_child([] {
        coact::wire_registry& reg = coact::wire_registry::global();
        reg.add("test.quote", typeid(message_test::other_quote), reg.find("test.quote"));
        const std::vector<std::string> conflicts = reg.conflicts();
        bool ok =
            conflicts.size() == 1 && conflicts[0].starts_with("wire name 'test.quote' is both ");
        reg.add<message_test::quote>();  // the same type again: no conflict
        ok = ok && reg.conflicts().size() == 1;
        msgpack::sbuffer out;
        coact::encode_message(out, message_test::quote{"X", 1.0});
        return ok && coact::decode_message(view(out)).body->type() == typeid(message_test::quote);
    });
    CHECK(r.passed());
    INFO(r.describe());
    CHECK(coact::wire_registry::global().conflicts().empty());  // this process: none
}

TEST_CASE("a decoded body reaches a local actor as the type it was sent as", "[cluster][wire]") {
    msgpack::sbuffer out;
    coact::encode_message(out, message_test::quote{"GBP", 0.86});
    coact::wire_message m = coact::decode_message(view(out));

    coact::runtime rt;
    std::string seen;
    const coact::address a = rt.spawn([&seen](coact::context& self) -> coact::actor {
        const auto q = co_await self.receive<message_test::quote>();
        seen = q.symbol + " " + std::to_string(q.price).substr(0, 4);
    });
    std::move(*m.body).send_to(rt, a);
    rt.run();
    CHECK(seen == "GBP 0.86");
}

TEST_CASE("a batch is an array of messages, decoded whole or not at all", "[cluster][wire]") {
    msgpack::sbuffer one;
    coact::encode_message(one, std::int32_t{7}, std::nullopt, 1, std::uint64_t{3});
    msgpack::sbuffer two;
    coact::encode_message(two, std::string("x"), std::nullopt, 2, std::uint64_t{4});
    msgpack::sbuffer batch;
    msgpack::packer<msgpack::sbuffer> p(batch);
    p.pack_array(2);
    batch.write(one.data(), one.size());
    batch.write(two.data(), two.size());
    const std::vector<coact::wire_message> all =
        coact::decode_messages(std::string_view(batch.data(), batch.size()));
    REQUIRE(all.size() == 2);
    CHECK(*all[0].body->get<std::int32_t>() == 7);
    CHECK(all[0].seq == 1);
    CHECK(all[0].to == 3U);
    CHECK(*all[1].body->get<std::string>() == "x");
    CHECK(all[1].seq == 2);
    // One message alone is a batch of one.
    CHECK(coact::decode_messages(std::string_view(one.data(), one.size())).size() == 1);
    // A bad member spoils the batch.
    msgpack::sbuffer bad;
    msgpack::packer<msgpack::sbuffer> q(bad);
    q.pack_array(2);
    bad.write(one.data(), one.size());
    q.pack_array(1);
    q.pack(1);
    CHECK_THROWS_AS(coact::decode_messages(std::string_view(bad.data(), bad.size())),
                    coact::wire_error);
}

TEST_CASE("a sequence number left blank is written in place, as a uint 64", "[cluster][wire]") {
    msgpack::sbuffer out;
    coact::wire_packer p(out);
    const std::size_t at = coact::detail::encode_header_sequenced(p, out, "int32", std::nullopt);
    coact::remote<std::int32_t>::encode(p, 5);
    p.pack(std::uint64_t{9});
    coact::detail::set_sequence(out, at, 0x0102030405060708ULL);
    const coact::wire_message m = coact::decode_message(std::string_view(out.data(), out.size()));
    CHECK(m.seq == 0x0102030405060708ULL);
    CHECK(m.to == 9U);
    CHECK(static_cast<unsigned char>(out.data()[at - 1]) == 0xcf);
}
