// coact/cluster.hpp — coact beyond one process (contract §6, docs/design/cluster.md).
//
// What is here so far: the wire format (wire types and COACT_REMOTE, the registry of decodable
// names, one message's encoding) and the cluster's NATS subjects. The node itself
// (coact::cluster, joining over NATS, proxies for remote actors) builds on these.
#pragma once

#include "coact/cluster/errors.hpp"
#include "coact/cluster/subjects.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/cluster/wire_registry.hpp"
#include "coact/cluster/wire_types.hpp"
