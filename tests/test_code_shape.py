"""No function in the app code is above cyclomatic complexity 15 (radon), so each one can be
read, and tested, as one decision (issue 16). A function that grows past it is split the way
the annual report's audit questions are: one small part per criterion."""

from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "governance",
    "policies",
    "revision",
    "reports",
    "search",
    "kvittens",
    "importing",
    "operations",
    "styrdok",
)
MAX_COMPLEXITY = 15


def app_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def functions(blocks):
    """Every function and method, nested ones included. radon lists a class's methods both on
    their own and under the class, and nested functions only under their parent."""
    seen = set()
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, Class):
            stack += [*block.methods, *block.inner_classes]
            continue
        stack += block.closures
        if (block.lineno, block.col_offset) not in seen:
            seen.add((block.lineno, block.col_offset))
            yield block


def test_app_files_are_found():
    files = {path.relative_to(ROOT).as_posix() for path in app_files()}
    assert "reports/annual_report.py" in files
    assert not any("/migrations/" in path for path in files)


def test_no_function_is_above_the_complexity_limit():
    too_complex = [
        f"{path.relative_to(ROOT)}:{function.lineno} {function.fullname} ({function.complexity})"
        for path in app_files()
        for function in sorted(
            functions(cc_visit(path.read_text(encoding="utf-8"))), key=lambda f: f.lineno
        )
        if function.complexity > MAX_COMPLEXITY
    ]
    assert not too_complex, (
        f"Cyclomatic complexity above {MAX_COMPLEXITY} (split them up):\n" + "\n".join(too_complex)
    )
