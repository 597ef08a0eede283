// The wire types (coact/cluster/wire_types.hpp): every built-in and both COACT_REMOTE forms
// come back equal, names are the documented ones, and a value of the wrong shape is a
// coact::wire_error that says what was expected and what came.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>

#include "cluster/support/sample_types.hpp"

namespace wire_test {
struct empty {};
struct sixteen {
    int a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p;
};
}  // namespace wire_test

COACT_REMOTE(wire_test::empty, "test.empty");
COACT_REMOTE(wire_test::sixteen, "test.sixteen", a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p);

namespace {

template <class T>
msgpack::sbuffer pack(const T& v) {
    msgpack::sbuffer out;
    coact::wire_packer p(out);
    coact::remote<T>::encode(p, v);
    return out;
}

template <class T>
T unpack(const msgpack::sbuffer& bytes) {
    const msgpack::object_handle h = msgpack::unpack(bytes.data(), bytes.size());
    T out{};
    coact::remote<T>::decode(h.get(), out, "test");
    return out;
}

template <class T>
T round_trip(const T& v) {
    return unpack<T>(pack(v));
}

/// Decodes msgpack made from `value` (any type msgpack-c packs) as T; returns the error text.
template <class T, class V>
std::string mismatch(const V& value) {
    msgpack::sbuffer bytes;
    msgpack::pack(bytes, value);
    try {
        static_cast<void>(unpack<T>(bytes));
    } catch (const coact::wire_error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("built-in scalars and strings come back equal, under their documented names",
          "[cluster][wire]") {
    CHECK(round_trip(true) == true);
    CHECK(round_trip(std::int8_t{-128}) == -128);
    CHECK(round_trip(std::numeric_limits<std::int64_t>::min()) ==
          std::numeric_limits<std::int64_t>::min());
    CHECK(round_trip(std::numeric_limits<std::uint64_t>::max()) ==
          std::numeric_limits<std::uint64_t>::max());
    CHECK(round_trip(std::uint16_t{65535}) == 65535);
    CHECK(round_trip(2.5F) == 2.5F);
    CHECK(round_trip(-0.125) == -0.125);
    CHECK(round_trip(std::string("héllo\0x", 8)) == std::string("héllo\0x", 8));
    CHECK(coact::remote<int>::name() == "int32");
    CHECK(coact::remote<long long>::name() == "int64");
    CHECK(coact::remote<std::uint8_t>::name() == "uint8");
    CHECK(coact::remote<double>::name() == "float64");
    CHECK(coact::remote<float>::name() == "float32");
    CHECK(coact::remote<std::string>::name() == "string");
    CHECK(coact::remote<std::map<std::string, std::vector<int>>>::name() ==
          "map<string,list<int32>>");
    CHECK(coact::remote<std::optional<bool>>::name() == "optional<bool>");
    STATIC_REQUIRE_FALSE(coact::remote_type<char>);
    STATIC_REQUIRE_FALSE(coact::remote_type<const char*>);
    STATIC_REQUIRE_FALSE(coact::remote_type<std::vector<char>>);
}

TEST_CASE("lists, optionals and maps of built-ins come back equal", "[cluster][wire]") {
    const std::vector<std::string> words{"a", "", "ccc"};
    CHECK(round_trip(words) == words);
    CHECK(round_trip(std::vector<int>{}).empty());
    CHECK(round_trip(std::optional<int>{}) == std::nullopt);
    CHECK(round_trip(std::optional<int>{7}) == 7);
    const std::map<std::int64_t, std::string> m{{-1, "x"}, {5, "y"}};
    CHECK(round_trip(m) == m);
    const std::vector<std::vector<double>> nested{{1.0}, {}, {2.0, 3.0}};
    CHECK(round_trip(nested) == nested);
}

TEST_CASE("floats stay floats on the wire, whole numbers and 2^64 too", "[cluster][wire]") {
    // msgpack-c alone packs 2.0 as the integer 2 (another language reads an integer), and
    // converts 2^64 to an integer out of range (undefined behaviour, found by fuzz_wire).
    const msgpack::sbuffer two = pack(2.0);
    REQUIRE(two.size() == 9);
    CHECK(static_cast<unsigned char>(two.data()[0]) == 0xcb);
    CHECK(round_trip(18446744073709551616.0) == 18446744073709551616.0);
    const msgpack::sbuffer f = pack(-3.0F);
    REQUIRE(f.size() == 5);
    CHECK(static_cast<unsigned char>(f.data()[0]) == 0xca);
    CHECK(round_trip(-3.0F) == -3.0F);
    const msgpack::object_handle h = msgpack::unpack(two.data(), two.size());
    CHECK(h.get().type == msgpack::type::FLOAT64);
}

TEST_CASE("a whole number sent as an integer reads as a float (JavaScript packs 2.0 as 2)",
          "[cluster][wire]") {
    msgpack::sbuffer bytes;
    msgpack::pack(bytes, 2);
    CHECK(unpack<double>(bytes) == 2.0);
    msgpack::sbuffer negative;
    msgpack::pack(negative, -3);
    CHECK(unpack<float>(negative) == -3.0F);
}

TEST_CASE("COACT_REMOTE: a positional aggregate is an array of its fields, nested ones too",
          "[cluster][wire]") {
    const samples::order o{"EURUSD", {1, 2, 3}, 1.25, {{"ioc", true}}, {42}};
    CHECK(round_trip(o) == o);
    const msgpack::sbuffer bytes = pack(o);
    const msgpack::object_handle h = msgpack::unpack(bytes.data(), bytes.size());
    REQUIRE(h.get().type == msgpack::type::ARRAY);
    CHECK(h.get().via.array.size == 5);
    CHECK(h.get().via.array.ptr[4].type == msgpack::type::ARRAY);  // tick{42} is [42]
    CHECK(coact::remote<samples::order>::name() == "sample.order");
    CHECK(pack(wire_test::empty{}).size() == 1);  // an empty array
    STATIC_REQUIRE(coact::detail::field_count<samples::order> == 5);
    STATIC_REQUIRE(coact::detail::field_count<wire_test::empty> == 0);
}

TEST_CASE("COACT_REMOTE with field names: a map another language can read", "[cluster][wire]") {
    const samples::line l{"ada", "hello"};
    const samples::line back = round_trip(l);
    CHECK(back.user == "ada");
    CHECK(back.text == "hello");
    const msgpack::sbuffer bytes = pack(l);
    const msgpack::object_handle h = msgpack::unpack(bytes.data(), bytes.size());
    REQUIRE(h.get().type == msgpack::type::MAP);
    const std::map<std::string, std::string> as_map =
        h.get().as<std::map<std::string, std::string>>();
    CHECK(as_map == std::map<std::string, std::string>{{"user", "ada"}, {"text", "hello"}});

    // Order and extra keys do not matter; a missing field is named.
    msgpack::sbuffer reordered;
    msgpack::pack(reordered, std::map<std::string, std::string>{
                                 {"text", "t"}, {"zzz", "ignored"}, {"user", "u"}});
    const samples::line r = unpack<samples::line>(reordered);
    CHECK(r.user == "u");
    CHECK(r.text == "t");
    CHECK(mismatch<samples::line>(std::map<std::string, std::string>{{"user", "u"}}) ==
          "test: field 'text' is missing");

    wire_test::sixteen s{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    CHECK(round_trip(s).p == 16);
    CHECK(round_trip(s).a == 1);
}

TEST_CASE("a value of the wrong shape is a wire_error saying what was expected and what came",
          "[cluster][wire]") {
    CHECK(mismatch<std::int32_t>(std::string("5")) == "test: expected int32, got a string");
    CHECK(mismatch<std::uint8_t>(300) == "test: expected uint8, got an integer 300");
    CHECK(mismatch<std::uint32_t>(-1) == "test: expected uint32, got an integer -1");
    CHECK(mismatch<std::int8_t>(-129) == "test: expected int8, got an integer -129");
    CHECK(mismatch<bool>(1) == "test: expected bool, got an integer 1");
    CHECK(mismatch<std::string>(true) == "test: expected string, got a bool");
    CHECK(mismatch<std::vector<int>>(std::map<int, int>{}) ==
          "test: expected list<int32>, got a map");
    CHECK(mismatch<samples::tick>(std::vector<int>{1, 2}) ==
          "test: expected an array of 1 fields, got an array of 2");
    CHECK(mismatch<samples::line>(std::vector<int>{}) ==
          "test: expected a map of named fields, got an array of 0");
    CHECK(mismatch<std::vector<std::int16_t>>(std::vector<int>{1, 70000}) ==
          "test: expected int16, got an integer 70000");
}
