// The bound of a value's encoded size (coact/cluster/wire_size.hpp), which lets a send to a
// remote actor skip encoding a message twice: it is never below what encode writes (or the
// gate would let a message too large pass), it is not wildly above it for the usual shapes (or
// every send would be encoded to measure it), and a remote<T> written by hand has none.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>

#include "cluster/support/sample_types.hpp"

namespace size_test {
struct hand_written {
    int n = 0;
};
}  // namespace size_test

// A remote<T> written by hand, not with COACT_REMOTE: no bound is known for it.
template <>
struct coact::remote<size_test::hand_written> {
    static constexpr bool known = true;
    static std::string name() { return "test.hand_written"; }
    static void encode(wire_packer& p, const size_test::hand_written& v) { p.pack(v.n); }
    static void decode(const msgpack::object& o, size_test::hand_written& out, std::string_view) {
        out.n = o.as<int>();
    }
};

namespace {

template <class T>
std::size_t encoded_size(const T& v) {
    msgpack::sbuffer out;
    coact::wire_packer p(out);
    coact::remote<T>::encode(p, v);
    return out.size();
}

/// The bound holds, and is at most `slack` times the encoded size plus `extra` bytes.
template <class T>
void check_bound(const T& v, std::size_t slack = 9, std::size_t extra = 64) {
    const std::size_t exact = encoded_size(v);
    const std::size_t bound = coact::detail::wire_size_bound(v);
    INFO("encoded " << exact << " bytes, bound " << bound);
    CHECK(bound >= exact);
    CHECK(bound <= slack * exact + extra);
}

}  // namespace

TEST_CASE(
    "the size bound is never below what is encoded: scalars at their extremes, strings at "
    "each header width",
    "[cluster][wire][size]") {
    check_bound(true);
    check_bound(std::numeric_limits<std::int64_t>::min());
    check_bound(std::numeric_limits<std::uint64_t>::max());
    check_bound(std::int8_t{-100});
    check_bound(std::numeric_limits<double>::max());
    check_bound(1.5F);
    for (const std::size_t n : {0U, 31U, 32U, 255U, 256U, 65535U, 65536U, 1000000U}) {
        INFO("string of " << n);
        check_bound(std::string(n, 's'), 1, 64);
    }
}

TEST_CASE("the size bound is never below what is encoded: containers and COACT_REMOTE types",
          "[cluster][wire][size]") {
    std::mt19937_64 random(7);  // fixed: the same values each run
    for (int round = 0; round < 50; ++round) {
        std::vector<std::int64_t> numbers(random() % 70000);
        for (std::int64_t& x : numbers) x = static_cast<std::int64_t>(random());
        check_bound(numbers);
        std::vector<bool> flags(random() % 100, true);
        check_bound(flags);
        std::map<std::string, std::optional<double>> m;
        for (std::size_t i = random() % 40; i > 0; --i) {
            m[std::string(random() % 300, 'k') + std::to_string(i)] =
                random() % 2 == 0 ? std::nullopt : std::optional<double>(0.5);
        }
        check_bound(m);
        samples::order o{std::string(random() % 1000, 'o'),
                         std::vector<std::int32_t>(random() % 500, -3),
                         std::nullopt,
                         {{"a", true}, {std::string(random() % 70, 'b'), false}},
                         {static_cast<std::int64_t>(random())}};
        check_bound(o);
        check_bound(
            samples::line{std::string(random() % 100, 'u'), std::string(random() % 5, 't')});
        check_bound(std::vector<samples::tick>(random() % 100, samples::tick{-1}));
    }
}

TEST_CASE("a remote<T> written by hand has no size bound", "[cluster][wire][size]") {
    CHECK(coact::detail::wire_size_bound(size_test::hand_written{3}) ==
          coact::detail::unknown_wire_size);
    CHECK(coact::detail::add_wire_sizes(coact::detail::unknown_wire_size, 5) ==
          coact::detail::unknown_wire_size);
    CHECK(coact::detail::add_wire_sizes(4, 5) == 9);
}
