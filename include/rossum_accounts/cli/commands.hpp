#pragma once
// One function per subcommand; each returns the process exit code (exit_code.hpp). Everything a
// command needs from the world comes in its Context (context.hpp), built once by main.

#include "rossum_accounts/io/auth.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace ra::cli {

struct Context;

// Options accepted before or after the command name.
struct GlobalOptions {
    std::string api_url;   // --api-url (else ROSSUM_API_URL, else the manifest's api_url)
    std::string ca_bundle; // --ca-bundle
    double timeout_s = 30; // --timeout, per request
    double max_rps = 10;   // --max-rps
    int parallelism = 10;  // --parallelism: API calls in flight at once
    bool no_token_cache = false;
    bool verbose = false;
    bool quiet = false;
    bool no_color = false;
};

// Guard rails and selection shared by plan and apply (docs/design.md §5.5, §5.8).
struct SelectionArgs {
    std::vector<std::string> targets;    // --target GLOB, repeatable
    std::vector<std::string> excludes;   // --exclude GLOB, repeatable
    std::int64_t max_deactivations = -1; // --max-deactivations N; -1: not given
    std::optional<std::int64_t> cap() const {
        return max_deactivations < 0 ? std::nullopt : std::optional(max_deactivations);
    }
};

struct ValidateArgs {
    std::vector<std::string> manifests;
    std::string format = "text"; // text, json or github
};

struct PlanArgs {
    std::vector<std::string> manifests;
    std::string out;             // --out FILE: the JSON plan
    std::string format = "text"; // text, json, markdown or github
    bool detailed_exitcode = false;
    SelectionArgs selection;
    std::string snapshot; // --snapshot FILE: plan against it, with no network and no credentials
};

struct ShowArgs {
    std::string plan_file;       // PLANFILE: a plan saved by plan --out
    std::string format = "text"; // text, json, markdown or github
    bool detailed_exitcode = false;
};

struct DriftArgs {
    std::vector<std::string> manifests;
    std::string format = "text";
    SelectionArgs selection; // --target / --exclude only: drift writes nothing
};

struct ApplyArgs {
    std::vector<std::string> manifests;
    std::string plan_file; // --plan FILE
    bool auto_approve = false;
    std::string format = "text";
    SelectionArgs selection;
};

struct ExportArgs {
    std::vector<std::string> match; // --match GLOB (case-insensitive), repeatable
    std::string output;             // --output FILE, else stdout
};

struct SnapshotArgs {
    std::string output; // --output FILE, else stdout
};

struct TokenArgs {
    std::string username;
    std::string manifest;
    std::int64_t lifetime_s = k_max_token_lifetime_s;
    std::string output;
};

// Each command's arguments and options, registered on `app` by the file that runs it; the
// returned subcommand tells whether it was parsed.
CLI::App* add_validate_command(CLI::App& app, ValidateArgs& args);
CLI::App* add_plan_command(CLI::App& app, PlanArgs& args);
CLI::App* add_apply_command(CLI::App& app, ApplyArgs& args);
CLI::App* add_drift_command(CLI::App& app, DriftArgs& args);
CLI::App* add_export_command(CLI::App& app, ExportArgs& args);
CLI::App* add_token_command(CLI::App& app, TokenArgs& args);
CLI::App* add_snapshot_command(CLI::App& app, SnapshotArgs& args);
CLI::App* add_show_command(CLI::App& app, ShowArgs& args);
// --format text|json|markdown, shared by plan and apply (defined in app.cpp).
CLI::Option* add_format_option(CLI::App* command, std::string& format);
// --format with these values (defined in planning.cpp): validate, plan and show, which also
// offer github (and validate json without markdown).
CLI::Option* add_format_option(CLI::App* command, std::string& format,
                               const std::vector<std::string>& formats,
                               const std::string& description);
// --target, --exclude and (with `cap`) --max-deactivations (defined in planning.cpp). The
// returned options are --target and --exclude, which apply --plan refuses.
std::vector<CLI::Option*> add_selection_options(CLI::App* command, SelectionArgs& selection,
                                                bool cap = true);

int run_validate(const GlobalOptions& global, const ValidateArgs& args, Context& ctx);
int run_plan(const GlobalOptions& global, const PlanArgs& args, Context& ctx);
int run_apply(const GlobalOptions& global, const ApplyArgs& args, Context& ctx);
int run_drift(const GlobalOptions& global, const DriftArgs& args, Context& ctx);
int run_export(const GlobalOptions& global, const ExportArgs& args, Context& ctx);
int run_token(const GlobalOptions& global, const TokenArgs& args, Context& ctx);
int run_snapshot(const GlobalOptions& global, const SnapshotArgs& args, Context& ctx);
int run_show(const GlobalOptions& global, const ShowArgs& args, Context& ctx);

} // namespace ra::cli
