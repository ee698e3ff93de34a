// libyaml → YamlNode through parser events (docs/design.md §4.1). libyaml's parser reports
// events only: it never resolves an alias, so nothing can blow up when the tree is walked, and
// it keeps its own stacks, so deep nesting costs memory, not the C++ stack. Its messages are
// fixed strings that never quote the text (an anchor name may be an inline password); we still
// print our own wording, never libyaml's. yaml-cpp, which this replaced for reading, scanned a
// 10,000-account manifest in 1.56 G instructions; libyaml takes 0.22 G (docs/design.md §4.1).
#include "manifest_loader_tree.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <yaml.h>

namespace ra::manifest_detail {

namespace {

constexpr const char* k_too_deep = "nesting is too deep";
constexpr const char* k_alias_hint =
    "aliases are not allowed (quote a value that starts with \"*\")";
constexpr const char* k_glued_key =
    "invalid yaml: \"?\" followed by a value (quote a value that starts with \"?\")";

SourceLocation location(const std::string& file, const yaml_mark_t& mark) {
    return SourceLocation{file, static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

std::string_view text_of(const yaml_char_t* text) {
    return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

// An explicit tag; the non-specific "!" is only a way of quoting.
bool is_tagged(const yaml_char_t* tag) {
    return tag != nullptr && text_of(tag) != "!";
}

// The core schema's null as a plain scalar: yaml-cpp reported these as null nodes, and the
// schema walk expects them so (an empty value, "~", "null").
bool is_plain_null(const yaml_event_t& event) {
    const auto& s = event.data.scalar;
    if (s.tag != nullptr || s.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

// Builds the tree; nesting deeper than k_max_depth ends the parse with one diagnostic.
class TreeBuilder {
public:
    TreeBuilder(const std::string& file, const std::string& text, Diagnostics& diagnostics)
        : file_(file), text_(text), diagnostics_(diagnostics) {}

    std::optional<YamlNode> take_root() { return std::move(root_); }
    bool empty() const { return open_.empty() && !root_; }

    // The innermost open flow collection, when the innermost open collection is one.
    std::optional<YamlNode::Kind> open_flow() const {
        if (open_.empty() || !flow_.back())
            return std::nullopt;
        return open_.back().kind;
    }

    // False when the event ends the parse with a diagnostic (an alias of an unknown anchor,
    // nesting too deep).
    bool on(const yaml_event_t& event) {
        const yaml_mark_t& mark = event.start_mark;
        switch (event.type) {
        case YAML_ALIAS_EVENT:
            if (anchors_.count(std::string(text_of(event.data.alias.anchor))) == 0) {
                diagnostics_.push_back(Diagnostic{location(file_, mark), "", k_alias_hint});
                return false;
            }
            add(leaf(mark, YamlNode::Kind::null, nullptr)).alias = true;
            break;
        case YAML_SCALAR_EVENT: {
            const auto& s = event.data.scalar;
            if (glued_to_key_indicator(mark)) {
                SourceLocation at = location(file_, mark);
                --at.column; // the "?"
                diagnostics_.push_back(Diagnostic{at, "", k_glued_key});
                return false;
            }
            if (is_plain_null(event)) {
                add(leaf(mark, YamlNode::Kind::null, s.anchor));
                break;
            }
            YamlNode node = leaf(mark, YamlNode::Kind::scalar, s.anchor);
            node.value.assign(reinterpret_cast<const char*>(s.value), s.length);
            node.plain = s.tag == nullptr && s.style == YAML_PLAIN_SCALAR_STYLE;
            node.tagged = is_tagged(s.tag);
            add(std::move(node));
            break;
        }
        case YAML_SEQUENCE_START_EVENT: {
            const auto& seq = event.data.sequence_start;
            return open(mark, YamlNode::Kind::sequence, seq.tag, seq.anchor,
                        seq.style == YAML_FLOW_SEQUENCE_STYLE);
        }
        case YAML_MAPPING_START_EVENT: {
            const auto& map = event.data.mapping_start;
            return open(mark, YamlNode::Kind::mapping, map.tag, map.anchor,
                        map.style == YAML_FLOW_MAPPING_STYLE);
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            close();
            break;
        default:
            break;
        }
        return true;
    }

private:
    // libyaml (YAML 1.1) reads any "?" in a flow collection as an explicit key, so "[?x]" was
    // [{x: null}] and "{?team: a}" {team: a}; YAML 1.2 and yaml-cpp read "?x" as one plain
    // scalar (yaml-cpp refused it). A value right after the "?" is refused, not guessed.
    bool glued_to_key_indicator(const yaml_mark_t& mark) const {
        return open_flow() && mark.index > 0 && mark.index <= text_.size() &&
               text_[mark.index - 1] == '?';
    }

    YamlNode leaf(const yaml_mark_t& mark, YamlNode::Kind kind, const yaml_char_t* anchor) {
        YamlNode node;
        node.kind = kind;
        node.line = static_cast<int>(mark.line) + 1;
        node.column = static_cast<int>(mark.column) + 1;
        node.anchored = anchor != nullptr;
        if (anchor != nullptr)
            anchors_.emplace(text_of(anchor));
        return node;
    }

    // False past k_max_depth, after the diagnostic: the parse stops there. (libyaml's scanner
    // is quadratic in the depth of flow nesting, so going on to the end of 100,000 "[" would
    // take minutes.)
    bool open(const yaml_mark_t& mark, YamlNode::Kind kind, const yaml_char_t* tag,
              const yaml_char_t* anchor, bool flow) {
        if (static_cast<int>(open_.size()) >= k_max_depth) {
            diagnostics_.push_back(Diagnostic{location(file_, mark), "", k_too_deep});
            return false;
        }
        YamlNode node = leaf(mark, kind, anchor);
        node.tagged = is_tagged(tag);
        open_.push_back(std::move(node));
        flow_.push_back(flow);
        return true;
    }

    void close() {
        YamlNode node = std::move(open_.back());
        open_.pop_back();
        flow_.pop_back();
        add(std::move(node));
    }

    YamlNode& add(YamlNode node) {
        if (open_.empty())
            return root_.emplace(std::move(node));
        return open_.back().items.emplace_back(std::move(node));
    }

    const std::string& file_;
    const std::string& text_;
    Diagnostics& diagnostics_;
    std::vector<YamlNode> open_;
    std::optional<YamlNode> root_;
    std::vector<bool> flow_;        // whether each open collection is a flow one ("[...]", "{...}")
    std::set<std::string> anchors_; // defined so far: an alias of another one is an error
};

// Our wording for libyaml's fixed problem strings (scanner.c, parser.c); anything else is
// "invalid yaml syntax". `at` is the character at the problem's place ('\0' at the end of the
// text), `open_flow` the innermost open collection when it is a flow one.
std::string describe_problem(std::string_view problem, char at,
                             std::optional<YamlNode::Kind> open_flow) {
    if (problem == "did not find expected node content" && at == '\0' && open_flow)
        return *open_flow == YamlNode::Kind::sequence ? "invalid yaml: \"]\" not found"
                                                      : "invalid yaml: \"}\" not found";
    if (problem == "found character that cannot start any token")
        return at == '\t' ? "tabs are not allowed in indentation"
                          : "invalid yaml: unexpected character (quote the value)";
    struct Known {
        const char* problem;
        const char* ours;
    };
    static const Known known[] = {
        {"found unexpected end of stream", "invalid yaml: unterminated quoted string"},
        {"found unknown escape character", "invalid yaml: unknown escape sequence"},
        {"did not find expected ',' or ']'", "invalid yaml: \"]\" not found"},
        {"did not find expected ',' or '}'", "invalid yaml: \"}\" not found"},
        {"did not find expected key", "invalid yaml: end of mapping not found"},
        {"did not find expected '-' indicator", "invalid yaml: end of sequence not found"},
        {"mapping keys are not allowed in this context",
         "invalid yaml: unexpected key (check the indentation)"},
        {"mapping values are not allowed in this context",
         "invalid yaml: unexpected \":\" (check the indentation)"},
        {"block sequence entries are not allowed in this context",
         "invalid yaml: unexpected \"-\" (check the indentation)"},
        {"found undefined tag handle", "tags are not allowed"},
        {"did not find expected tag URI", "tags are not allowed"},
        {"did not find expected whitespace or line break", "invalid yaml syntax"},
        {"found invalid Unicode character escape code",
         "invalid yaml: invalid unicode escape (a surrogate or beyond U+10FFFF)"},
        {"found an indentation indicator equal to 0",
         "invalid yaml: a block scalar's indentation indicator must be 1 to 9"},
        {"found incompatible YAML document", "invalid yaml: unsupported %YAML version"},
        {"found duplicate %YAML directive", "invalid yaml: duplicate %YAML directive"},
        {"found unknown directive name", "invalid yaml: unknown directive (only %YAML and %TAG)"},
    };
    for (const Known& k : known)
        if (problem == k.problem)
            return k.ours;
    return "invalid yaml syntax";
}

// A libyaml parser over `text`, deleted on every path out.
struct Parser {
    yaml_parser_t parser{};
    bool ready = false;
    explicit Parser(const std::string& text) {
        ready = yaml_parser_initialize(&parser) != 0;
        if (!ready)
            return;
        // The encoding is detected (a UTF-8 BOM is skipped); the loader has checked the text
        // is UTF-8 before.
        yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size());
    }
    ~Parser() {
        if (ready)
            yaml_parser_delete(&parser);
    }
    Parser(const Parser&) = delete;
    Parser& operator=(const Parser&) = delete;
};

struct Event {
    yaml_event_t event{};
    ~Event() { yaml_event_delete(&event); }
};

// An anchor, alias or tag where libyaml gave up: the manifest may not have one there or
// anywhere else ("a: &x &y b", "&é"), which says more than the grammar's expectation.
// A scanner error inside one is reported at its "&", "*" or "!" (the context mark).
std::optional<Diagnostic> feature_problem(const yaml_parser_t& parser, char at,
                                          const std::string& file) {
    const std::string_view context = parser.context == nullptr ? "" : parser.context;
    const bool parsing = parser.error == YAML_PARSER_ERROR;
    const char* message = nullptr;
    if (context == "while scanning an anchor" || (parsing && at == '&'))
        message = "anchors are not allowed";
    else if (context == "while scanning an alias" || (parsing && at == '*'))
        message = k_alias_hint;
    else if (context == "while scanning a tag" || context == "while parsing a tag" ||
             (parsing && at == '!'))
        message = "tags are not allowed";
    if (message == nullptr)
        return std::nullopt;
    return Diagnostic{location(file, parsing ? parser.problem_mark : parser.context_mark), "",
                      message};
}

// The parser's error as a diagnostic; `documents` is how many have started.
Diagnostic parse_error(const Parser& p, const std::string& text, const std::string& file,
                       const TreeBuilder& builder, int documents) {
    if (p.parser.error == YAML_MEMORY_ERROR)
        return Diagnostic{SourceLocation{file, 0, 0}, "", "manifest is too large"};
    const std::string_view problem = p.parser.problem == nullptr ? "" : p.parser.problem;
    const std::string_view context = p.parser.context == nullptr ? "" : p.parser.context;
    // libyaml gives up where the ":" should have come (the next line, or the end); the key
    // itself is the place to show.
    if (problem == "could not find expected ':'")
        return Diagnostic{location(file, p.parser.context_mark), "",
                          "invalid yaml: a key without \":\""};
    // At the end of the text; the opening quote is the place to fix.
    if (problem == "found unexpected end of stream" && context == "while scanning a quoted scalar")
        return Diagnostic{location(file, p.parser.context_mark), "",
                          "invalid yaml: unterminated quoted string"};
    const yaml_mark_t& mark = p.parser.problem_mark;
    const char at = mark.index < text.size() ? text[mark.index] : '\0';
    if (auto feature = feature_problem(p.parser, at, file))
        return *feature;
    // Content after the first document ended ("...", or a root that ended early), or a
    // directive without the "---" it needs.
    if (problem == "did not find expected <document start>")
        return Diagnostic{location(file, mark), "",
                          documents > 0 ? "a manifest holds exactly one yaml document"
                                        : "invalid yaml: \"---\" must follow a directive"};
    // A file of only "..." ends a document that never started.
    if (problem == "did not find expected node content" && builder.empty() &&
        mark.index < text.size() && text.compare(mark.index, 3, "...") == 0)
        return Diagnostic{SourceLocation{file, 0, 0}, "", "manifest has no yaml document"};
    return Diagnostic{location(file, mark), "", describe_problem(problem, at, builder.open_flow())};
}

} // namespace

YamlParse parse_yaml(const std::string& text, const std::string& file_label) {
    YamlParse result;
    Parser p(text);
    if (!p.ready) {
        result.diagnostics.push_back(
            Diagnostic{SourceLocation{file_label, 0, 0}, "", "manifest is too large"});
        return result;
    }
    TreeBuilder builder(file_label, text, result.diagnostics);
    int documents = 0;
    for (;;) {
        Event e;
        if (yaml_parser_parse(&p.parser, &e.event) == 0) {
            result.diagnostics.push_back(parse_error(p, text, file_label, builder, documents));
            return result;
        }
        const yaml_event_type_t type = e.event.type;
        if (type == YAML_STREAM_END_EVENT)
            break;
        if (type == YAML_DOCUMENT_START_EVENT && ++documents > 1) {
            // The first document is complete: only its count is wrong.
            result.diagnostics.push_back(Diagnostic{location(file_label, e.event.start_mark), "",
                                                    "a manifest holds exactly one yaml document"});
            result.root = builder.take_root();
            return result;
        }
        if (!builder.on(e.event))
            return result;
    }
    if (documents == 0) {
        result.diagnostics.push_back(
            Diagnostic{SourceLocation{file_label, 0, 0}, "", "manifest has no yaml document"});
        return result;
    }
    result.root = builder.take_root();
    return result;
}

} // namespace ra::manifest_detail
