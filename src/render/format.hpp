#pragma once
// Helpers shared by the renderers (private to ra_render).

#include "rossum_accounts/core/plan.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ra::render {

// Text safe for a terminal: control characters (and DEL) become "\u001b"-style escapes so a
// hostile username cannot move the cursor or fake lines.
std::string printable(std::string_view text);

// A value as the plan shows it: JSON, with ", " and ": " separators; invalid UTF-8 replaced.
std::string show_value(const nlohmann::json& value);

// A JSON document (plan, report) indented by 2 and newline-terminated, with DEL and the C1
// controls inside strings written as \u escapes: the same data, safe on a terminal.
std::string json_document(const nlohmann::json& value);

// Appends a dump (nlohmann's, error_handler_t::replace) to `out` with DEL and the C1 controls
// escaped as json_document() does.
void append_json_dump(std::string& out, std::string_view dumped);

// The side of a change to display; a password change only ever shows its placeholder.
std::string show_change_side(const FieldChange& change, const nlohmann::json& side);

// For a queues change: "   # 812 \"Invoices\", 813 \"Receipts\"", the names of its ids that
// `names` knows (the plan's queue_names); empty for any other field or when none is known.
std::string queue_names_note(const FieldChange& change,
                             const std::map<std::int64_t, std::string>& names);

// '+' added (before null), '-' removed (after null), '~' changed.
char change_symbol(const FieldChange& change);

inline constexpr const char* k_green = "32";
inline constexpr const char* k_yellow = "33";
inline constexpr const char* k_red = "31";
inline constexpr const char* k_bold = "1";

// `text` wrapped in the ANSI SGR `code` when `color` is on, else unchanged.
std::string paint(std::string_view text, const char* code, bool color);

// The colour of a plan symbol: + green, ~ yellow, - red, others none.
const char* symbol_color(char symbol);

// "drift" or "conflict" for a change the tool did not make and should flag, else nullptr.
const char* alert_cause(const FieldChange& change);

// How many changes of the plan are drift and how many conflicts.
struct AlertCount {
    int drift = 0;
    int conflict = 0;
    int total() const { return drift + conflict; }
};
AlertCount count_alerts(const Plan& plan);

// What "drift" and "conflict" mean, for a legend under a plan that has some.
inline constexpr const char* k_drift_meaning = "changed outside the tool since the last apply";
inline constexpr const char* k_conflict_meaning =
    "changed both in the manifest and outside the tool since the last apply";

// "1 account" / "2 accounts".
std::string count_noun(int count, std::string_view singular, std::string_view plural);

} // namespace ra::render
