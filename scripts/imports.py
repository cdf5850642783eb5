#!/usr/bin/env python3
"""Reads the `use crate::…` (and `crate::x::` paths) of src/ and prints the import graph between
top-level folders of src/ and every circle in it (issue 10: dependencies point one way).
Test code (files named tests.rs, `#[cfg(test)] mod tests` blocks) is left out.
Usage: scripts/imports.py        Exit code 1 when a circle between top-level folders exists."""
import os, re, sys
from collections import defaultdict

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
ROOT_FILES = {"lib.rs", "main.rs"}  # the composition root may import anything

def top(path):
    rel = os.path.relpath(path, SRC)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first

CRATE = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
USE_GROUP = re.compile(r"use\s+crate::\{([^;]*)\};", re.S)

def edges():
    folder = defaultdict(lambda: defaultdict(list))
    for d, _, fs in os.walk(SRC):
        for f in fs:
            if not f.endswith(".rs"): continue
            p = os.path.join(d, f)
            if os.path.relpath(p, SRC) in ROOT_FILES or f == "tests.rs": continue
            text = open(p, encoding="utf-8").read()
            # Test modules may reach anywhere; drop `#[cfg(test)] mod tests { … }` tails.
            cut = text.find("#[cfg(test)]\nmod tests {")
            if cut >= 0: text = text[:cut]
            src_top = top(p)
            # `use crate::{a::x, b::y};` names several folders after one `crate::`.
            for g in USE_GROUP.finditer(text):
                for part in re.split(r",\s*(?![^{]*\})", g.group(1)):
                    t = part.strip().split("::")[0].strip("{} \n")
                    if t and t != src_top:
                        lineno = text[: g.start()].count("\n") + 1
                        folder[src_top][t].append(f"{os.path.relpath(p, SRC)}:{lineno}")
            for lineno, line in enumerate(text.splitlines(), 1):
                for m in CRATE.finditer(line):
                    t = m.group(1)
                    if t != src_top:
                        folder[src_top][t].append(f"{os.path.relpath(p, SRC)}:{lineno}")
    return folder

def sccs(graph):
    index, low, stack, on, out, i = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
        for w in graph.get(v, ()):
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in list(graph): 
        if v not in index: visit(v)
    return out

folder = edges()
graph = {a: set(b) for a, b in folder.items()}
print("imports between top-level folders of src/ (composition root lib.rs/main.rs left out):")
for a in sorted(folder):
    print(f"  {a} -> {', '.join(sorted(folder[a]))}")
circles = sccs(graph)
for c in circles:
    print("circle:", " ↔ ".join(c))
    for a in c:
        for b in c:
            if b in folder.get(a, {}):
                print(f"    {a} -> {b}: {folder[a][b][0]}" + (f" (+{len(folder[a][b]) - 1})" if len(folder[a][b]) > 1 else ""))
if not circles:
    print("no circles")
sys.exit(1 if circles else 0)
