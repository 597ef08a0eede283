// cluster/support/node_main.cpp — coact_cluster_node, a node in a process of its own for the tests
// that kill or freeze one (tests/cluster/lost_node_test.cpp); what it does is in lone_node.hpp.
//
//   coact_cluster_node <server url> <cluster> <node> <actor name>
#include "lone_node.hpp"

int main(int argc, char** argv) { return coact_test::run_lone_node(argc - 1, argv + 1, argv[0]); }
