// yaml-cpp → YamlNode through parser events. Never LoadAll (it loops forever on ","), never a
// Node graph (aliases would be shared and a walk could explode), never e.what() in a message
// (newer yaml-cpp echoes anchor names, which may be an inline password).
#include "manifest_loader_tree.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <sstream>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace ra::manifest_detail {

namespace {

constexpr const char* k_too_deep = "nesting is too deep";

SourceLocation location(const std::string& file, const YAML::Mark& mark) {
    return SourceLocation{file, mark.line + 1, mark.column + 1};
}

// Builds the tree; nodes deeper than k_max_depth are dropped after one diagnostic.
class TreeBuilder : public YAML::EventHandler {
public:
    TreeBuilder(const std::string& file, Diagnostics& diagnostics)
        : file_(file), diagnostics_(diagnostics) {}

    std::optional<YamlNode> take_root() { return std::move(root_); }
    std::optional<YAML::Mark> document_start() const { return document_start_; }

    void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        add(leaf(mark, YamlNode::Kind::null, anchor));
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        YamlNode node = leaf(mark, YamlNode::Kind::null, 0);
        node.alias = true;
        add(std::move(node));
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        YamlNode node = leaf(mark, YamlNode::Kind::scalar, anchor);
        node.value = value;
        node.plain = tag == "?";
        node.tagged = tag != "?" && tag != "!";
        add(std::move(node));
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, YamlNode::Kind::sequence, tag, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(mark, YamlNode::Kind::mapping, tag, anchor);
    }
    void OnMapEnd() override { close(); }

private:
    static YamlNode leaf(const YAML::Mark& mark, YamlNode::Kind kind, YAML::anchor_t anchor) {
        YamlNode node;
        node.kind = kind;
        node.line = mark.line + 1;
        node.column = mark.column + 1;
        node.anchored = anchor != 0;
        return node;
    }

    void open(const YAML::Mark& mark, YamlNode::Kind kind, const std::string& tag,
              YAML::anchor_t anchor) {
        if (skipped_depth_ > 0 || static_cast<int>(open_.size()) >= k_max_depth) {
            if (skipped_depth_++ == 0)
                diagnostics_.push_back(
                    Diagnostic{location(file_, mark), "", "nesting is too deep"});
            return;
        }
        YamlNode node = leaf(mark, kind, anchor);
        node.tagged = tag != "?" && tag != "!";
        open_.push_back(std::move(node));
    }

    void close() {
        if (skipped_depth_ > 0) {
            --skipped_depth_;
            return;
        }
        YamlNode node = std::move(open_.back());
        open_.pop_back();
        add(std::move(node));
    }

    void add(YamlNode node) {
        if (skipped_depth_ > 0)
            return;
        if (open_.empty())
            root_ = std::move(node);
        else
            open_.back().items.push_back(std::move(node));
    }

    const std::string& file_;
    Diagnostics& diagnostics_;
    std::vector<YamlNode> open_;
    std::optional<YamlNode> root_;
    std::optional<YAML::Mark> document_start_;
    int skipped_depth_ = 0;
};

// Our wording for yaml-cpp's fixed messages; anything else is "invalid yaml syntax".
std::string describe_parser_error(const std::string& msg) {
    struct Known {
        const char* prefix;
        const char* ours;
    };
    static const Known known[] = {
        {YAML::ErrorMsg::UNKNOWN_ANCHOR,
         "aliases are not allowed (quote a value that starts with \"*\")"},
        {YAML::ErrorMsg::ALIAS_NOT_FOUND, "aliases are not allowed (quote a value that starts "
                                          "with \"*\")"},
        {YAML::ErrorMsg::ANCHOR_NOT_FOUND, "anchors are not allowed (quote a value that starts "
                                           "with \"&\")"},
        {YAML::ErrorMsg::TAB_IN_INDENTATION, "tabs are not allowed in indentation"},
        {YAML::ErrorMsg::UNKNOWN_TOKEN, "invalid yaml: unexpected character (quote the value)"},
        {YAML::ErrorMsg::END_OF_MAP_FLOW, "invalid yaml: \"}\" not found"},
        {YAML::ErrorMsg::END_OF_SEQ_FLOW, "invalid yaml: \"]\" not found"},
        {YAML::ErrorMsg::END_OF_MAP, "invalid yaml: end of mapping not found"},
        {YAML::ErrorMsg::END_OF_SEQ, "invalid yaml: end of sequence not found"},
        {YAML::ErrorMsg::MAP_VALUE, "invalid yaml: unexpected \":\" (check the indentation)"},
        {YAML::ErrorMsg::MAP_KEY, "invalid yaml: unexpected key (check the indentation)"},
        {YAML::ErrorMsg::BLOCK_ENTRY, "invalid yaml: unexpected \"-\" (check the indentation)"},
        {YAML::ErrorMsg::EOF_IN_SCALAR, "invalid yaml: unterminated quoted string"},
        {YAML::ErrorMsg::INVALID_ESCAPE, "invalid yaml: unknown escape sequence"},
        {YAML::ErrorMsg::MULTIPLE_TAGS, "tags are not allowed"},
        {YAML::ErrorMsg::MULTIPLE_ANCHORS, "anchors are not allowed"},
        {YAML::ErrorMsg::TAG_WITH_NO_SUFFIX, "tags are not allowed"},
        {YAML::ErrorMsg::CHAR_IN_TAG_HANDLE, "tags are not allowed"},
    };
    for (const Known& k : known) {
        if (msg.rfind(k.prefix, 0) == 0)
            return k.ours;
    }
    return "invalid yaml syntax";
}

// Parses one more document without building anything, to see whether there is one.
class Discard : public YAML::EventHandler {
public:
    std::optional<YAML::Mark> start;
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// Runs one parser step; false after an exception (already reported).
template <class Step>
bool guarded(const std::string& file, Diagnostics& diagnostics, Step step) {
    try {
        step();
        return true;
    } catch (const YAML::DeepRecursion& e) {
        // Our own, shallower limit has usually reported it already.
        const bool reported =
            std::any_of(diagnostics.begin(), diagnostics.end(),
                        [](const Diagnostic& d) { return d.message == k_too_deep; });
        if (!reported)
            diagnostics.push_back(Diagnostic{location(file, e.mark), "", k_too_deep});
    } catch (const YAML::ParserException& e) {
        diagnostics.push_back(Diagnostic{location(file, e.mark), "", describe_parser_error(e.msg)});
    } catch (const YAML::Exception& e) {
        diagnostics.push_back(Diagnostic{location(file, e.mark), "", "invalid yaml syntax"});
    } catch (const std::bad_alloc&) {
        diagnostics.push_back(Diagnostic{SourceLocation{file, 0, 0}, "", "manifest is too large"});
    }
    return false;
}

} // namespace

YamlParse parse_yaml(const std::string& text, const std::string& file_label) {
    YamlParse result;
    std::istringstream in(text);
    YAML::Parser parser(in);
    TreeBuilder builder(file_label, result.diagnostics);
    bool found = false;
    if (!guarded(file_label, result.diagnostics,
                 [&] { found = parser.HandleNextDocument(builder); }))
        return result;
    if (!found) {
        result.diagnostics.push_back(
            Diagnostic{SourceLocation{file_label, 0, 0}, "", "manifest has no yaml document"});
        return result;
    }
    result.root = builder.take_root();
    Discard next;
    bool more = false;
    if (!guarded(file_label, result.diagnostics, [&] { more = parser.HandleNextDocument(next); }))
        return result;
    // yaml-cpp 0.7 reports a fresh empty document at the same place after garbage such as ","
    // without consuming anything; only a document that starts further on is a second one.
    const auto first = builder.document_start();
    if (more && next.start && first && next.start->pos > first->pos)
        result.diagnostics.push_back(Diagnostic{location(file_label, *next.start), "",
                                                "a manifest holds exactly one yaml document"});
    return result;
}

} // namespace ra::manifest_detail
