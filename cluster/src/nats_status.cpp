// cluster/src/nats_status.cpp — cnats' failures in words.
#include "nats_status.hpp"

namespace coact {

std::string nats_reason(natsStatus s) {
    natsStatus ignored = NATS_OK;
    const char* last = nats_GetLastError(&ignored);
    std::string detail = last != nullptr ? last : "";
    if (!detail.empty() && detail.front() == '(') {
        if (const std::size_t end = detail.find("): "); end != std::string::npos) {
            detail.erase(0, end + 3);
        }
    }
    std::string reason = natsStatus_GetText(s);
    if (!detail.empty() && detail != reason) reason += " (" + detail + ")";
    return reason;
}

}  // namespace coact
