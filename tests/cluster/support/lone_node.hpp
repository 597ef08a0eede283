// cluster/support/lone_node.hpp — the body of a node in a process of its own: what
// coact_cluster_node (node_main.cpp) runs, and bench_cluster when it is started as the victim of
// its crash benchmark (`bench_cluster --lone-node ...`).
//
//   <program> <server url> <cluster> <node> <actor name>
//
// It joins, spawns a pong (answers an int n with n + 1, takes strings and does nothing) under
// the cluster-scoped name, prints "joined" and serves until it is killed (node_process.hpp stops
// it by its pid). Errors go to stderr with exit status 1; a wrong argument count is status 2.
#pragma once

#include <cstdio>
#include <exception>
#include <string>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

namespace coact_test {

inline coact::actor lone_pong(coact::context& self) {
    for (;;) {
        co_await self.receive([&](int n) { self.send(self.sender(), n + 1); },
                              [](const std::string& /*filler*/) {});  // slow_consumer_test's flood
    }
}

/// `args` are the four arguments after the program's name.
inline int run_lone_node(int count, char** args, const char* program) {
    if (count != 4) {
        std::fprintf(stderr, "usage: %s <server url> <cluster> <node> <actor name>\n", program);
        return 2;
    }
    try {
        coact::runtime rt;
        coact::cluster net{
            rt, coact::cluster_options{.servers = {args[0]}, .cluster = args[1], .node = args[2]}};
        rt.spawn(coact::spawn_options{.name = args[3], .scope = coact::scope::cluster}, lone_pong);
        std::puts("joined");
        static_cast<void>(std::fflush(stdout));
        rt.serve();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 1;
    }
    return 0;
}

}  // namespace coact_test
