#include "rossum_accounts/core/plan.hpp"

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
