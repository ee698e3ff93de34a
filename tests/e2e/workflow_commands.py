"""Reading what `--format github` and `validate --format json` print, for the e2e tests.

GitHub workflow commands are "::NAME key=value,key=value::message" lines (docs: "Workflow commands
for GitHub Actions"); message and values are percent-escaped as actions/toolkit's command.ts
escapes them. Standard library only.
"""
import json
import re

COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def unescape_data(text):
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text):
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def commands(stdout):
    """The workflow commands of an output, in order: [{"level", "properties", "message"}]."""
    out = []
    for line in stdout.splitlines():
        m = COMMAND.match(line)
        if not m:
            continue
        properties = {}
        for item in (m.group(2) or "").split(","):
            if item:
                key, _, value = item.partition("=")
                properties[key] = unescape_property(value)
        out.append({"level": m.group(1), "properties": properties,
                    "message": unescape_data(m.group(3))})
    return out


def place(file, line, column):
    """"FILE:LINE:COL: " as the text format writes a diagnostic's place (unknown parts left out)."""
    text = ""
    if file:
        text += file + ":"
    if line:
        text += "%d:" % line
        if column:
            text += "%d:" % column
    return text + " " if text else ""


def diagnostics_from_github(stdout):
    """The ::error commands of an output as the text format's diagnostic lines."""
    out = []
    for c in commands(stdout):
        if c["level"] != "error":
            continue
        p = c["properties"]
        out.append(place(p.get("file"), int(p.get("line", 0)), int(p.get("col", 0))) +
                   c["message"])
    return out


def escape_controls(text):
    """Control characters as the tool's messages show them ("\\u001b")."""
    return "".join("\\u%04x" % ord(ch) if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f else ch
                   for ch in text)


def diagnostics_from_json(stdout):
    """The diagnostics of a `validate --format json` document as the text format's lines."""
    out = []
    for d in json.loads(stdout)["diagnostics"]:
        text = place(d["file"], d["line"], d["column"])
        if d["path"]:
            text += d["path"] + ": "
        out.append(escape_controls(text + d["message"]))
    return out


def diagnostics_from_text(stderr):
    """The diagnostic lines of the text format's stderr."""
    prefix = "rossum-accounts: error: "
    return [line[len(prefix):] for line in stderr.splitlines() if line.startswith(prefix)]
