#pragma once
// Scripted faults: what the next matching /api request suffers (drop, hang, scripted status...).

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ra::sandbox {

enum class FaultAction {
    drop_after_commit,     // process, then close the connection without a response byte
    status_without_commit, // answer `status` without processing
    status_after_commit,   // process, then answer `status` with a generic body
    hang,                  // hold the response `ms` (commit before when `commit`, else after)
    truncate,              // process, then send the full Content-Length but half the body
    redirect,              // answer 302 to `location`, nothing processed
    respond,               // answer exactly `status`, `body`, `headers`, nothing processed
};

struct Fault {
    int id = 0;
    std::string method;
    std::string path;
    bool prefix = false;
    FaultAction action = FaultAction::respond;
    int times = 1; // -1: every matching request, forever
    int skip = 0;  // matching requests let through untouched before the fault applies
    int status = 0;
    std::optional<std::string> body; // sent verbatim (a JSON value in the script is dumped)
    std::map<std::string, std::string> headers;
    int ms = 30000;
    bool commit = false;
    std::string location;
};

const char* to_string(FaultAction action);

// A fault from its control-API JSON, or the reason it is invalid.
struct FaultParse {
    std::optional<Fault> fault;
    std::string error;
};
FaultParse parse_fault(const nlohmann::json& script);

nlohmann::json to_json(const Fault& fault);

class FaultQueue {
public:
    void add(Fault fault);
    // The first pending fault matching the request, consumed once.
    std::optional<Fault> take(const std::string& method, const std::string& path);
    nlohmann::json to_json() const;
    void clear() { faults_.clear(); }

private:
    std::vector<Fault> faults_;
    int next_id_ = 1;
};

} // namespace ra::sandbox
