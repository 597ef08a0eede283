// libFuzzer target: coact::read_disconnect_advisory (cluster/src/disconnect_advisory.hpp), the
// small JSON reader of the servers' client-disconnect advisories, over arbitrary bytes
// (docs/design/fuzzing.md).
//
// Every input is read or refused (an empty optional), never a crash, a sanitizer report or an
// exception (the function is noexcept: one would end the process). What is read must be read
// again, the same, from a minimal advisory written back with JSON's escapes (a fixed point): the
// reader and an encoder agree on what each string means.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "disconnect_advisory.hpp"  // cluster/src

namespace {

/// `s` as a JSON string: quotes, backslashes and control characters escaped, other bytes as they
/// are.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", u);
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

[[noreturn]] void finding(const char* what) {
    std::printf("fuzz_advisory: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::optional<coact::client_disconnect> read = coact::read_disconnect_advisory(input);
    if (!read) return 0;
    const std::string again =
        R"({"type":"io.nats.server.advisory.v1.client_disconnect","client":{)" +
        (read->client.empty() ? std::string{} : R"("name":)" + quoted(read->client)) +
        R"(},"reason":)" + quoted(read->reason) + "}";
    const std::optional<coact::client_disconnect> reread = coact::read_disconnect_advisory(again);
    if (!reread) finding("an advisory written back from what was read is refused");
    if (reread->client != read->client) finding("the client's name changed when written back");
    if (reread->reason != read->reason) finding("the reason changed when written back");
    if (reread->gone() != read->gone()) finding("gone() changed when written back");
    return 0;
}
