// cluster/support/node_main.cpp — coact_cluster_node, a node in a process of its own for the tests
// that kill or freeze one (tests/cluster/lost_node_test.cpp):
//
//   coact_cluster_node <server url> <cluster> <node> <actor name>
//
// It joins, spawns a pong (answers an int n with n + 1) under the cluster-scoped name, and serves
// until it is killed (the tests stop it by its pid). Errors go to stderr with exit status 1.
#include <cstdio>
#include <exception>
#include <string>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

namespace {

coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.send(self.sender(), n + 1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s <server url> <cluster> <node> <actor name>\n", argv[0]);
        return 2;
    }
    try {
        coact::runtime rt;
        coact::cluster net{
            rt, coact::cluster_options{.servers = {argv[1]}, .cluster = argv[2], .node = argv[3]}};
        rt.spawn(coact::spawn_options{.name = argv[4], .scope = coact::scope::cluster}, pong);
        std::puts("joined");
        static_cast<void>(std::fflush(stdout));
        rt.serve();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "coact_cluster_node: %s\n", e.what());
        return 1;
    }
    return 0;
}
