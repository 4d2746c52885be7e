#!/usr/bin/env python3
"""Writes packd(1) in roff from `packd --experimental-dump-help` (ArgumentParser's
description of every command, option and example), so that the man page says
exactly what `packd help` says.

    packd --experimental-dump-help | scripts/man-page.py --version 0.1.0 > packd.1
"""
import argparse
import json
import sys


def roff(text):
    """Text as roff reads it literally: backslashes and leading dots escaped."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def synopsis(argument):
    name = argument.get("preferredName") or (argument.get("names") or [{}])[0]
    flag = ("--" if name.get("kind") == "long" else "-") + name.get("name", "") if name else ""
    kind = argument.get("kind")
    if kind == "positional":
        text = "<" + argument.get("valueName", "value") + ">"
    elif kind == "flag":
        text = flag
    else:
        text = flag + " <" + argument.get("valueName", "value") + ">"
    if argument.get("isRepeating"):
        text += " ..."
    return "[" + text + "]" if argument.get("isOptional") else text


def names(argument):
    spelled = []
    for name in argument.get("names") or []:
        spelled.append(("--" if name["kind"] == "long" else "-") + name["name"])
    if argument.get("kind") == "positional":
        return "<" + argument.get("valueName", "value") + ">"
    value = "" if argument.get("kind") == "flag" else " <" + argument.get("valueName", "value") + ">"
    return ", ".join(spelled) + value


def discussion(text, out):
    """Paragraphs filled; indented lines (examples) kept as they are."""
    literal = False
    for line in text.split("\n"):
        indented = line.startswith(" ")
        if indented and not literal:
            out.append(".PP")
            out.append(".nf")
            literal = True
        elif not indented and literal:
            out.append(".fi")
            literal = False
        if not line.strip():
            continue
        if not indented:
            out.append(".PP")
        out.append(roff(line))
    if literal:
        out.append(".fi")


def command_section(command, path, out):
    full = " ".join(path)
    arguments = [a for a in command.get("arguments") or [] if a.get("shouldDisplay", True)]
    out.append(".SS " + roff(full))
    if command.get("abstract"):
        out.append(roff(command["abstract"]))
    out.append(".PP")
    out.append(".B " + roff(full))
    if arguments:
        out.append(roff(" ".join(synopsis(a) for a in arguments)))
    if command.get("discussion"):
        discussion(command["discussion"], out)
    for argument in arguments:
        out.append(".TP")
        out.append(".B " + roff(names(argument)))
        text = argument.get("abstract", "")
        if argument.get("defaultValue") not in (None, ""):
            text += " (default: " + str(argument["defaultValue"]) + ")"
        out.append(roff(text))
    for sub in command.get("subcommands") or []:
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            command_section(sub, path + [sub["commandName"]], out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True)
    parser.add_argument("--date", default="2026-11-27")
    options = parser.parse_args()
    root = json.load(sys.stdin)["command"]
    name = root["commandName"]
    out = [
        '.TH %s 1 "%s" "%s %s" "User Commands"' % (name.upper(), options.date, name, options.version),
        ".SH NAME",
        roff(name) + " \\- " + roff(root.get("abstract", "")),
        ".SH SYNOPSIS",
        ".B " + roff(name),
        roff("<subcommand> [options]"),
        ".SH DESCRIPTION",
        roff("Each subcommand below has its own options; `%s help <subcommand>` shows the same text." % name),
        ".SH COMMANDS",
    ]
    for sub in root.get("subcommands") or []:
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            command_section(sub, [name, sub["commandName"]], out)
    out += [
        ".SH FILES",
        ".TP",
        ".I /etc/packd/packd.toml",
        roff("The configuration (packd config check checks it)."),
        ".TP",
        ".I /var/lib/packd",
        roff("The journal and the API and display tokens."),
        ".SH SEE ALSO",
        roff("systemctl(1), journalctl(1), lpstat(1); /usr/share/doc/packd/"),
    ]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
