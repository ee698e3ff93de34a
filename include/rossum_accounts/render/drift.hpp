#pragma once
// The `drift` command's report (docs/design.md §5.8): a plan's changes split by cause. Drift and
// conflicts (the user was changed outside the tool) are alerts; manifest and unknown changes
// are pending work, listed as information. Text, markdown and JSON (schemas/drift.schema.json).

#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/render/options.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace ra {

inline constexpr int k_drift_format_version = 1;

// One action with the changes of one side (alerts or pending); points into the plan.
struct DriftEntry {
    const Action* action = nullptr;
    std::vector<const FieldChange*> changes;
};

struct DriftReport {
    std::vector<DriftEntry> alerts;  // changes with cause drift or conflict
    std::vector<DriftEntry> pending; // changes with cause manifest or unknown
    int drift = 0;                   // counts of changes by cause
    int conflict = 0;
    int manifest = 0;
    int unknown = 0;
    bool has_alerts() const { return drift + conflict > 0; }
};

// The last-applied record's own line is bookkeeping and appears on neither side.
DriftReport drift_report(const Plan& plan);

void render_drift_text(const Plan& plan, const DriftReport& report, std::ostream& out,
                       const TextOptions& options);
void render_drift_markdown(const Plan& plan, const DriftReport& report, std::ostream& out);
void render_drift_json(const Plan& plan, const DriftReport& report, std::ostream& out);

// "Drift: 1 change outside the tool, 1 conflict; 2 pending manifest changes." or
// "No drift. 2 pending manifest changes." (no newline).
std::string drift_summary_line(const DriftReport& report);

} // namespace ra
