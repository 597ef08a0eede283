// libFuzzer target: coact::decode_messages (one message or a batch) over arbitrary bytes
// (docs/design/fuzzing.md).
//
// Every input either decodes or throws coact::wire_error: any other exception, a crash, a
// sanitizer report or an allocation beyond libFuzzer's limit is a finding. What decodes must
// encode again, and the encoding must decode to the same bytes (a fixed point): the decoder
// accepts nothing the encoder could not have written, up to msgpack's freedom in integer widths
// and map key order.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <coact/cluster.hpp>

#include "cluster/support/sample_types.hpp"

namespace {

msgpack::sbuffer encode(const coact::wire_message& m) {
    msgpack::sbuffer out;
    coact::wire_packer p(out);
    coact::detail::encode_header(p, m.type, m.from, m.seq, m.to.has_value());
    m.body->encode(p);
    if (m.to) p.pack(*m.to);
    return out;
}

[[noreturn]] void finding(const char* what) {
    std::printf("fuzz_wire: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<coact::wire_message> all;
    try {
        // One message or a batch of them (what a node's inbox takes).
        all = coact::decode_messages(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const coact::wire_error&) {
        return 0;  // rejected with a reason: what a node counts and drops
    }
    if (all.empty()) finding("decoded to no message");
    for (const coact::wire_message& m : all) {
        if (m.body == nullptr) finding("decoded without a body");
        const msgpack::sbuffer once = encode(m);
        coact::wire_message again;
        try {
            again = coact::decode_message(std::string_view(once.data(), once.size()));
        } catch (const coact::wire_error& e) {
            std::printf("fuzz_wire: %s\n", e.what());
            finding("a decoded message, encoded again, does not decode");
        }
        if (again.type != m.type || again.from != m.from || again.seq != m.seq ||
            again.to != m.to) {
            finding("the header changed on the way round");
        }
        const msgpack::sbuffer twice = encode(again);
        if (std::string_view(once.data(), once.size()) !=
            std::string_view(twice.data(), twice.size())) {
            finding("encoding is not a fixed point");
        }
    }
    return 0;
}
