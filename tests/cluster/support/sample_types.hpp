// User types with wire names, for the cluster's tests and the wire fuzzer: a positional
// aggregate, one nested in another with containers of every kind, and a named one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <coact/cluster.hpp>

namespace samples {

struct tick {
    std::int64_t n;
    bool operator==(const tick&) const = default;
};

struct line {
    std::string user;
    std::string text;
};

struct order {
    std::string symbol;
    std::vector<std::int32_t> sizes;
    std::optional<double> limit;
    std::map<std::string, bool> flags;
    tick inner;
    bool operator==(const order&) const = default;
};

}  // namespace samples

COACT_REMOTE(samples::tick, "sample.tick");
COACT_REMOTE(samples::line, "sample.line", user, text);
COACT_REMOTE(samples::order, "sample.order");
