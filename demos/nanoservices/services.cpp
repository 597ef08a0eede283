#include "services.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <string_view>

#include "md5.hpp"
#include "text.hpp"

namespace nanoservices {

// Python's walrus loop, `while s := (yield output):`, becomes `while (auto s = co_yield out)`:
// co_yield evaluates to std::optional<std::string>, and std::nullopt (Python's None) ends it.
nanoservice md5_service() {
    int hashed = 0;
    std::string reply = "md5 session: send text to hash, 'done' to finish";
    while (auto text = co_yield reply) {
        reply = md5_hex(*text);
        ++hashed;
    }
    co_return hashed;  // Python's `return hashed`, carried out by StopIteration.value
}

namespace {

/// The whole of `text` as a finite number, or nullopt ("12abc", "", "inf" are not numbers).
std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [parsed_to, status] = std::from_chars(text.data(), end, value);
    if (text.empty() || status != std::errc{} || parsed_to != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

/// 15, 12.5, 0.333333: six significant digits, no trailing zeros.
std::string format_number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace

// The state of the service is two locals, kept alive in the coroutine frame between requests.
nanoservice averager() {
    double total = 0;
    int count = 0;
    std::string reply = "avg session: send numbers to average, 'done' to finish";
    while (auto text = co_yield reply) {
        const std::optional<double> number = parse_number(*text);
        if (!number) {
            reply = "error: '" + *text + "' is not a number (the average is unchanged)";
            continue;
        }
        total += *number;
        ++count;
        reply = "average " + format_number(total / count) + " of " + plural(count, "number");
    }
    co_return count;
}

}  // namespace nanoservices
