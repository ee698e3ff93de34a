#include "rossum_accounts/core/plan.hpp"

#include <algorithm>
#include <cmath>

namespace ra {

const char* to_string(ActionKind kind) {
    switch (kind) {
    case ActionKind::create:
        return "create";
    case ActionKind::update:
        return "update";
    case ActionKind::skip:
        return "skip";
    case ActionKind::deactivate:
        return "deactivate";
    }
    return "skip";
}

const char* to_string(Cause cause) {
    switch (cause) {
    case Cause::manifest:
        return "manifest";
    case Cause::drift:
        return "drift";
    case Cause::conflict:
        return "conflict";
    case Cause::unknown:
        break;
    }
    return "unknown";
}

std::optional<Cause> cause_from_string(std::string_view name) {
    for (const Cause c : {Cause::manifest, Cause::drift, Cause::conflict, Cause::unknown})
        if (name == to_string(c))
            return c;
    return std::nullopt;
}

ApplyCost Plan::apply_cost() const {
    ApplyCost cost;
    for (const Action& a : actions) {
        if (a.kind == ActionKind::skip)
            continue;
        ++cost.writes;
        if (a.kind != ActionKind::create)
            ++cost.reads; // every PATCH reads its user first
    }
    cost.max_rps = max_rps > 0 ? max_rps : 0;
    if (cost.max_rps > 0) {
        // Up to max_rps requests go at once (one when the rate is below 1 a second); the rest
        // at the rate. A window holds whole requests, so 2.5 a second sends 2 in each second
        // (src/io/rate_limiter.cpp). Latency comes on top: this is the least it can take.
        const double burst = cost.max_rps >= 1 ? std::floor(cost.max_rps) : 1;
        const double rate = cost.max_rps >= 1 ? burst : cost.max_rps;
        const double requests = static_cast<double>(cost.writes + cost.reads);
        cost.seconds = std::max(0.0, requests - burst) / rate;
    }
    return cost;
}

PlanSummary Plan::summary() const {
    PlanSummary s;
    for (const Action& a : actions) {
        switch (a.kind) {
        case ActionKind::create:
            ++s.create;
            break;
        case ActionKind::update:
            ++s.update;
            break;
        case ActionKind::skip:
            ++s.skip;
            break;
        case ActionKind::deactivate:
            ++s.deactivate;
            break;
        }
    }
    return s;
}

} // namespace ra
