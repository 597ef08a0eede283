// cluster/src/nats_status.hpp — cnats' failures in words, for coact's error messages.
#pragma once

#include <string>

#include <nats/nats.h>

namespace coact {

/// What cnats says about the last failure on this thread, or the status's text. cnats prefixes
/// its details with "(file.c:line): ", which tells a user nothing: dropped.
std::string nats_reason(natsStatus s);

}  // namespace coact
