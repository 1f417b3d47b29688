"""Writes a rule test file (rules/tests/*.yaml) from cases built in Python: the one writer the case generators share,
so every generated file has the same layout. Imported by the make-*-cases.py scripts beside it."""
import json, pathlib

def compact(resource):
    """A FHIR resource on one line, as the test files hold them."""
    return json.dumps(resource, separators=(', ', ': '))

def write(path, header, cases):
    """cases: dicts with name, now (ISO instant), hook, resources, drafts, and optionally expect (rule, indicator
    [, incomplete]) tuples, where indicator may be None, and none (rule ids that must stay silent)."""
    out = [f"# {line}" for line in header] + ["cases:"]
    for c in cases:
        out += [f'  - name: "{c["name"]}"', f"    now: {c['now']}", f"    hook: {c['hook']}", "    resources:"]
        out += [f"      - {compact(r)}" for r in c["resources"]]
        out += ["    draftOrders:"] + [f"      - {compact(r)}" for r in c["drafts"]]
        if c.get("expect"):
            out.append("    expect:")
            for e in c["expect"]:
                parts = [f"rule: {e[0]}"] + ([f"indicator: {e[1]}"] if e[1] else []) + (["incomplete: true"] if len(e) > 2 and e[2] else [])
                out.append("      - { " + ", ".join(parts) + " }")
        if c.get("none"):
            out.append(f"    expectNone: [{', '.join(c['none'])}]")
    pathlib.Path(path).write_text("\n".join(out) + "\n")
    print(f"{len(cases)} cases written to {path}")
