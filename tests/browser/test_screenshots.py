"""scripts/screenshots.py stays true: its steps, the README's tour and docs/screenshots/ agree,
and the tour it photographs still runs in the browser against the demo.
"""

import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = BASE_DIR / "scripts" / "screenshots.py"
README = BASE_DIR / "README.md"
PICTURES = BASE_DIR / "docs" / "screenshots"
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(docs/screenshots/(?P<name>[^)]+)\)")


def load_script():
    spec = importlib.util.spec_from_file_location("styrdok_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


screenshots = load_script()


def tour_section():
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## En rundtur\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_help_lists_the_steps_in_order():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    positions = [result.stdout.index(step.filename) for step in screenshots.STEPS]
    assert positions == sorted(positions)


def test_the_readme_tour_embeds_every_step_in_order_with_its_alt_text():
    embedded = [(m["name"], m["alt"]) for m in IMAGE.finditer(tour_section())]
    assert embedded == [(step.filename, step.alt) for step in screenshots.STEPS]


def test_the_pictures_are_the_steps_at_the_viewport_size():
    assert {path.name for path in PICTURES.glob("*.png")} == {
        step.filename for step in screenshots.STEPS
    }
    viewport = screenshots.VIEWPORT
    for step in screenshots.STEPS:
        with Image.open(PICTURES / step.filename) as image:
            assert image.size == (viewport["width"], viewport["height"]), step.filename


def test_every_step_is_a_method_of_the_tour():
    for step in screenshots.STEPS:
        assert callable(getattr(screenshots.Tour, step.method, None)), step.method


@pytest.mark.browser
def test_the_tour_runs_against_the_demo(styrdok, page, tmp_path):
    """The same steps as `make screenshots`, as the demo's people, on Django's live server."""
    call_command("load_demo", stdout=io.StringIO())

    tour = screenshots.Tour(page, styrdok, tmp_path, optimise=False)
    written = tour.run(report=lambda line: None)

    assert [path.name for path in written] == [step.filename for step in screenshots.STEPS]
    assert all(path.stat().st_size > 0 for path in written)
    assert page.js_errors == []
