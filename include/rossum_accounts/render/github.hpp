#pragma once
// GitHub Actions workflow commands (`--format github`): "::error file=F,line=L,col=C::message"
// lines, which the runner turns into annotations shown inline in a pull request's diff. The
// escaping follows GitHub's workflow-command syntax (the actions/toolkit `command.ts` rules).

#include "rossum_accounts/core/diagnostic.hpp"
#include "rossum_accounts/core/plan.hpp"

#include <ostream>
#include <string>
#include <string_view>

namespace ra {

enum class AnnotationLevel { error, warning, notice };

struct Annotation {
    AnnotationLevel level = AnnotationLevel::error;
    SourceLocation where; // an empty file, line or column is left out
    std::string title;    // empty: none
    std::string message;
};

// A command's message: % \r \n as %25 %0D %0A (a multi-line message stays one command); the
// other control characters (C0, DEL, C1) as "\u001b"-style escapes, as everywhere else.
std::string github_escape_data(std::string_view text);

// A property value (file, title): also : and , as %3A and %2C, which end a property.
std::string github_escape_property(std::string_view text);

// One workflow command, newline-terminated: "::warning file=a.yaml,line=3::message".
std::string github_annotation(const Annotation& annotation);

// A manifest diagnostic at its place: "::error file=F,line=L,col=C::path: message".
Annotation diagnostic_annotation(const Diagnostic& diagnostic);

// The plan's warnings, each at the manifest line of its account ("FILE:LINE", the action's
// source) or without a place (deactivates, the plan's own warnings), then one notice with the
// summary line (and the partial-plan and snapshot lines when they apply).
void render_plan_annotations(const Plan& plan, std::ostream& out);

} // namespace ra
