#include "sandbox/faults.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace ra::sandbox {

namespace {

constexpr std::array<std::pair<FaultAction, const char*>, 7> k_action_names = {{
    {FaultAction::drop_after_commit, "drop_after_commit"},
    {FaultAction::status_without_commit, "status_without_commit"},
    {FaultAction::status_after_commit, "status_after_commit"},
    {FaultAction::hang, "hang"},
    {FaultAction::truncate, "truncate"},
    {FaultAction::redirect, "redirect"},
    {FaultAction::respond, "respond"},
}};

std::optional<FaultAction> action_named(const std::string& name) {
    for (const auto& [action, text] : k_action_names) {
        if (name == text) {
            return action;
        }
    }
    return std::nullopt;
}

std::string without_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

std::string upper(std::string text) {
    for (char& c : text) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return text;
}

bool needs_status(FaultAction action) {
    return action == FaultAction::status_without_commit ||
           action == FaultAction::status_after_commit || action == FaultAction::respond;
}

// Reads the optional fields; returns the first problem found.
std::string read_options(const nlohmann::json& script, Fault& fault) {
    if (script.contains("times")) {
        if (!script["times"].is_number_integer() || script["times"].get<int>() == 0 ||
            script["times"].get<int>() < -1) {
            return "fault times must be a positive integer or -1";
        }
        fault.times = script["times"].get<int>();
    }
    if (script.contains("skip")) {
        if (!script["skip"].is_number_integer() || script["skip"].get<int>() < 0) {
            return "fault skip must be a non-negative integer";
        }
        fault.skip = script["skip"].get<int>();
    }
    if (script.contains("status")) {
        if (!script["status"].is_number_integer() || script["status"].get<int>() < 100 ||
            script["status"].get<int>() > 599) {
            return "fault status must be an integer from 100 to 599";
        }
        fault.status = script["status"].get<int>();
    } else if (needs_status(fault.action)) {
        return "fault action needs a status";
    }
    if (script.contains("body")) {
        fault.body =
            script["body"].is_string() ? script["body"].get<std::string>() : script["body"].dump();
    }
    if (script.contains("headers")) {
        if (!script["headers"].is_object()) {
            return "fault headers must be an object of strings";
        }
        for (const auto& [name, value] : script["headers"].items()) {
            fault.headers[name] = value.is_string() ? value.get<std::string>() : value.dump();
        }
    }
    if (script.contains("ms")) {
        if (!script["ms"].is_number_integer() || script["ms"].get<int>() < 0) {
            return "fault ms must be a non-negative integer";
        }
        fault.ms = script["ms"].get<int>();
    }
    fault.commit = script.value("commit", false);
    fault.prefix = script.value("prefix", false);
    if (fault.action == FaultAction::redirect) {
        if (!script.contains("location") || !script["location"].is_string()) {
            return "fault action redirect needs a location";
        }
        fault.location = script["location"].get<std::string>();
    }
    return {};
}

} // namespace

const char* to_string(FaultAction action) {
    for (const auto& [candidate, text] : k_action_names) {
        if (candidate == action) {
            return text;
        }
    }
    return "unknown";
}

FaultParse parse_fault(const nlohmann::json& script) {
    try {
        if (!script.is_object()) {
            return {std::nullopt, "fault must be a JSON object"};
        }
        for (const char* key : {"method", "path", "action"}) {
            if (!script.contains(key) || !script[key].is_string()) {
                return {std::nullopt, std::string("fault needs a string ") + key};
            }
        }
        Fault fault;
        fault.method = upper(script["method"].get<std::string>());
        fault.path = without_trailing_slash(script["path"].get<std::string>());
        auto action = action_named(script["action"].get<std::string>());
        if (!action) {
            return {std::nullopt, "unknown fault action " + script["action"].dump()};
        }
        fault.action = *action;
        std::string problem = read_options(script, fault);
        if (!problem.empty()) {
            return {std::nullopt, problem};
        }
        return {fault, {}};
    } catch (const nlohmann::json::exception&) {
        return {std::nullopt, "fault has a field of the wrong type"};
    }
}

nlohmann::json to_json(const Fault& fault) {
    nlohmann::json out = {{"id", fault.id},
                          {"method", fault.method},
                          {"path", fault.path},
                          {"prefix", fault.prefix},
                          {"action", to_string(fault.action)},
                          {"times", fault.times},
                          {"skip", fault.skip},
                          {"ms", fault.ms},
                          {"commit", fault.commit}};
    if (fault.status != 0) {
        out["status"] = fault.status;
    }
    if (fault.body) {
        out["body"] = *fault.body;
    }
    if (!fault.headers.empty()) {
        out["headers"] = fault.headers;
    }
    if (!fault.location.empty()) {
        out["location"] = fault.location;
    }
    return out;
}

void FaultQueue::add(Fault fault) {
    fault.id = next_id_++;
    faults_.push_back(std::move(fault));
}

std::optional<Fault> FaultQueue::take(const std::string& method, const std::string& path) {
    const std::string normalized = without_trailing_slash(path);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        bool path_matches =
            it->prefix ? normalized.rfind(it->path, 0) == 0 : normalized == it->path;
        if (it->method != method || !path_matches) {
            continue;
        }
        if (it->skip > 0) {
            --it->skip; // this request passes; the fault waits for a later one
            return std::nullopt;
        }
        Fault taken = *it;
        if (it->times > 0 && --it->times == 0) {
            faults_.erase(it);
        }
        return taken;
    }
    return std::nullopt;
}

nlohmann::json FaultQueue::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& fault : faults_) {
        list.push_back(ra::sandbox::to_json(fault));
    }
    return {{"faults", list}};
}

} // namespace ra::sandbox
