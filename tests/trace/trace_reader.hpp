// trace/trace_reader.hpp — reads a trace file back for the tests: the parsed JSON, and the
// text with every clock reading ("ts", "dur") and the runtime's number set to 0, for golden
// comparisons.
#pragma once

#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace coact_test {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The file with its clock readings and its runtime's number replaced by 0: what stays the
/// same from run to run (and whichever test of the process ran first).
inline std::string without_clock(const std::string& text) {
    static const std::regex clock(R"re("(ts|dur)":[0-9]+\.[0-9]+)re");
    static const std::regex runtime(R"re(("runtime":|runtime #)[0-9]+)re");
    return std::regex_replace(std::regex_replace(text, clock, "\"$1\":0"), runtime,
                              "$010");  // $01: group 1
}

inline nlohmann::json read_trace(const std::string& path) {
    return nlohmann::json::parse(read_text(path));  // throws on a file that is not JSON
}

}  // namespace coact_test
