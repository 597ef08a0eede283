// cluster/src/control.cpp — exit reasons across nodes.
#include "control.hpp"

#include <exception>
#include <typeinfo>

#include "coact/cluster/errors.hpp"
#include "coact/detail/message/payload.hpp"

namespace coact::control {

namespace {

const char* kind_name(exit_kind k) {
    switch (k) {
        case exit_kind::normal:
            return "normal";
        case exit_kind::closed:
            return "closed";
        case exit_kind::failed:
            return "failed";
        case exit_kind::no_actor:
            return "no_actor";
        case exit_kind::noconnection:
            return "noconnection";
    }
    return "failed";
}

}  // namespace

down down_of(const exit_reason& reason) {
    down d{kind_name(reason.kind), {}, reason.what()};
    if (reason.error) {
        try {
            std::rethrow_exception(reason.error);
        } catch (const remote_error& e) {  // relayed from a third node: keep its own type
            d.error_type = e.type_name();
        } catch (const std::exception& e) {
            d.error_type = detail::type_name(typeid(e));
        } catch (...) {
            d.error_type = "unknown exception";
        }
    }
    return d;
}

exit_reason reason_of(const down& d, const wire_address& who) {
    if (d.kind == "normal") return {exit_kind::normal, nullptr};
    if (d.kind == "closed") return {exit_kind::closed, nullptr};
    if (d.kind == "no_actor") return {exit_kind::no_actor, nullptr};
    if (d.kind == "noconnection") {
        return {exit_kind::noconnection, std::make_exception_ptr(cluster_error(d.what))};
    }
    // "failed", and any kind a newer peer may send: a failure, with what it said
    return {exit_kind::failed,
            std::make_exception_ptr(remote_error(
                d.error_type.empty() ? "unknown exception" : d.error_type, d.what, who.node))};
}

exit_reason cut_reason(const std::string& node, std::uint64_t incarnation, const std::string& why) {
    return {exit_kind::noconnection,
            std::make_exception_ptr(cluster_error("messages between this node and node '" + node +
                                                  "' (incarnation " + std::to_string(incarnation) +
                                                  ") were lost: " + why))};
}

exit_reason lost_reason(const std::string& node, std::uint64_t incarnation,
                        const std::string& why) {
    return {
        exit_kind::noconnection,
        std::make_exception_ptr(cluster_error("node '" + node + "' (incarnation " +
                                              std::to_string(incarnation) + ") is lost: " + why))};
}

}  // namespace coact::control
