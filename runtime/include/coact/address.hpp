// coact/address.hpp — a reference to an actor that stays safe after the actor ends.
//
// Cheap to copy (two words), comparable and hashable. Sending to an address needs no name
// lookup; if the actor it names has ended, the message becomes a dead letter. A default
// address is null (`!addr`): it is what sender() returns for messages sent from outside.
//
//   coact::address a = rt.spawn("echo", echo);
//   rt.send(a, 42);
//   std::unordered_set<coact::address> seen{a};
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace coact {

class context;
struct detail_access;

/// A reference to an actor that stays safe after the actor ends (a message to it then becomes a
/// dead letter). Cheap to copy, comparable and hashable; a default address is null.
class address {
  public:
    constexpr address() noexcept = default;

    /// False for the null address.
    [[nodiscard]] explicit constexpr operator bool() const noexcept { return cell_ != nullptr; }
    /// Equal when both name the same actor.
    friend constexpr bool operator==(const address&, const address&) noexcept = default;

    /// A number that identifies the actor within its runtime, for printing and hashing.
    [[nodiscard]] std::size_t id() const noexcept {
        return std::hash<const void*>{}(cell_) ^ (static_cast<std::size_t>(generation_) << 1U);
    }

  private:
    friend class context;
    friend struct detail_access;
    constexpr address(context* cell, std::uint32_t generation) noexcept
        : cell_(cell), generation_(generation) {}

    context* cell_ = nullptr;
    std::uint32_t generation_ = 0;  // the cell is reused: a stale address has an old generation
};

}  // namespace coact

/// Hashes an address by address::id(), so that addresses can key unordered containers.
template <>
struct std::hash<coact::address> {
    /// `a.id()`.
    std::size_t operator()(const coact::address& a) const noexcept { return a.id(); }
};
