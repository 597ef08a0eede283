// text.hpp — the few string helpers the services and the front end share.
#pragma once

#include <string>
#include <string_view>

namespace nanoservices {

/// `text` without leading and trailing blanks (spaces, tabs, '\r').
inline std::string_view trim(std::string_view text) {
    constexpr std::string_view blanks = " \t\r";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(blanks);
    return text.substr(first, last - first + 1);
}

/// A request line split at its first blank: "md5 hello world" is {"md5", "hello world"}.
struct command_line {
    std::string command;
    std::string argument;
};

inline command_line split_command(std::string_view line) {
    line = trim(line);
    const auto blank = line.find_first_of(" \t");
    if (blank == std::string_view::npos) return {std::string(line), {}};
    return {std::string(line.substr(0, blank)), std::string(trim(line.substr(blank)))};
}

/// "1 text", "2 texts".
inline std::string plural(int count, std::string_view noun) {
    return std::to_string(count) + ' ' + std::string(noun) + (count == 1 ? "" : "s");
}

}  // namespace nanoservices
