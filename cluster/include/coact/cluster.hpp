// coact/cluster.hpp — coact beyond one process (contract §6, docs/design/cluster.md).
//
// Built so far: joining a cluster over NATS (coact::cluster, cluster_options), cluster-scoped
// names, messages and asks to remote actors by address and by name, monitors and links of remote
// actors, shared topics, failure detection (node_down, exit_kind::noconnection), the wire format
// (wire types and COACT_REMOTE, the registry of decodable names, one message's encoding) and the
// cluster's NATS subjects. docs/design/cluster.md says what comes next.
#pragma once

#include "coact/cluster/errors.hpp"
#include "coact/cluster/node.hpp"
#include "coact/cluster/node_down.hpp"
#include "coact/cluster/options.hpp"
#include "coact/cluster/subjects.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/cluster/wire_registry.hpp"
#include "coact/cluster/wire_size.hpp"
#include "coact/cluster/wire_types.hpp"
