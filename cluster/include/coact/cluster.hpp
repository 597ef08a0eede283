// coact/cluster.hpp — coact beyond one process (contract §6, docs/design/cluster.md).
//
// Built so far: joining a cluster over NATS (coact::cluster, cluster_options), the wire format
// (wire types and COACT_REMOTE, the registry of decodable names, one message's encoding) and the
// cluster's NATS subjects. Proxies for remote actors, names and topics across nodes build on
// these.
#pragma once

#include "coact/cluster/errors.hpp"
#include "coact/cluster/node.hpp"
#include "coact/cluster/options.hpp"
#include "coact/cluster/subjects.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/cluster/wire_registry.hpp"
#include "coact/cluster/wire_types.hpp"
