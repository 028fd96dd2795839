"""Fail when an app reaches a higher app without importing it: by name at run time, or from its templates.

lint-imports checks the imports (pyproject.toml [tool.importlinter]); it cannot see these other ways in,
so this script checks them against the same layers:
- `apps.get_model("label", ...)`, `import_module("sapsmed.x...")`, `import_string(...)`, `__import__(...)`
  naming another app in a literal;
- in an app's templates, `{% load lib %}` of another app's template tags, and `{% include %}` or
  `{% extends %}` of another app's template.
An app may reach a lower layer, never a higher one nor a sibling of its own layer. A model field's lazy
reference ("plan.StrategicGoal") is not a way in: it names a table, and imports no code.
"""

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "sapsmed"
BY_NAME = {"get_model", "import_module", "import_string", "__import__"}
TAG = re.compile(r"{%\s*(load|include|extends)\s+(.+?)\s*%}")


def layers() -> dict[str, tuple[int, bool]]:
    """Each app's layer (0 the highest) and whether the siblings of that layer are independent."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers" and c.get("containers") == ["sapsmed"])
    rank = {}
    for index, layer in enumerate(contract["layers"]):
        for app in re.split(r"[|:]", layer):
            rank[app.strip()] = (index, ":" not in layer)
    return rank


def may_reach(rank, source: str, target: str) -> bool:
    if source == target or source not in rank or target not in rank:
        return True
    (low, independent), (high, _) = rank[source], rank[target]
    return high > low or (high == low and not independent)


def named_app(text: str) -> str | None:
    """The app a literal names: "reviews", "reviews.Review", "sapsmed.reviews.models" give "reviews"."""
    parts = text.split(".")
    return parts[1] if parts[0] == "sapsmed" and len(parts) > 1 else parts[0]


def python_ways_in(app: str, path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        first = node.args[0]
        if name in BY_NAME and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield node.lineno, f"{name}({first.value!r})", named_app(first.value)


def template_ways_in(path: Path, tag_libraries: dict[str, str], template_apps: dict[str, str]):
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        for kind, argument in TAG.findall(line):
            if kind == "load":
                for library in argument.split():
                    yield lineno, f"{{% load {library} %}}", tag_libraries.get(library)
            else:
                quoted = re.match(r"[\"']([^\"']+)[\"']", argument)
                if quoted:
                    yield lineno, f"{{% {kind} {quoted.group(0)} %}}", template_apps.get(quoted.group(1))


def main() -> int:
    rank = layers()
    tag_libraries = {p.stem: p.parent.parent.name for p in APPS.glob("*/templatetags/*.py") if p.stem != "__init__"}
    template_apps = {}  # "kpis/_nav.html" -> "kpis"
    for path in APPS.glob("*/templates/**/*.html"):
        app, _templates, *name = path.relative_to(APPS).parts
        template_apps["/".join(name)] = app
    broken = []
    for path in sorted(APPS.rglob("*")):
        parts = path.relative_to(APPS).parts
        app = parts[0]
        if path.suffix == ".py" and "migrations" not in parts:
            found = python_ways_in(app, path)
        elif path.suffix == ".html" and "templates" in parts:
            found = template_ways_in(path, tag_libraries, template_apps)
        else:
            continue
        for lineno, what, target in found:
            if target and not may_reach(rank, app, target):
                broken.append(f"{path.relative_to(ROOT)}:{lineno}: {what} reaches {target} from {app}")
    for line in broken:
        print(line)
    print(f"Back doors between the apps: {len(broken)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
