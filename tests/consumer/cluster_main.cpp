// A program written against an *installed* coact::cluster (find_package(coact COMPONENTS
// cluster)): a user type with a wire name goes through the wire format and comes back, and a
// join without a server fails with coact::cluster_error. No server is needed. Built and run by
// run.cmake; prints one line and exits 0 when the results are right.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

struct greeting {
    std::string who;
    int times;
};
COACT_REMOTE(greeting, "consumer.greeting", who, times);

int main() {
    msgpack::sbuffer out;
    coact::encode_message(out, greeting{"ada", 3});
    const coact::wire_message m = coact::decode_message(std::string_view(out.data(), out.size()));
    const greeting* g = m.body->get<greeting>();
    const bool wire_ok =
        m.type == "consumer.greeting" && g != nullptr && g->who == "ada" && g->times == 3;

    bool join_refused = false;
    try {
        coact::runtime rt;
        const coact::cluster net(rt, {.servers = {"nats://127.0.0.1:1"},
                                      .cluster = "consumer",
                                      .node = "c",
                                      .connect_timeout = std::chrono::milliseconds(300)});
    } catch (const coact::cluster_error& e) {
        join_refused = std::string_view(e.what()).starts_with("coact::cluster: cannot join");
    }
    if (!wire_ok || !join_refused) {
        std::printf("coact consumer cluster: FAILED (wire %d, join refused %d)\n", wire_ok,
                    join_refused);
        return 1;
    }
    std::printf("coact consumer cluster: ok\n");
    return 0;
}
