"""Architecture and documentation checks: the core stays UI-free, every command is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dashboard.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_core_and_cli_load_without_streamlit() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import dashboard, dashboard.ingest, dashboard.engine, dashboard.payouts, dashboard.cli\n"
        "for pkg in (dashboard.ingest, dashboard.engine, dashboard.payouts):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
        "dashboard.cli.build_parser()\n"
        "import dashboard.sample\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"python -m dashboard {name}" in readme, f"command '{name}' is not in README.md"


def test_every_command_has_help(capsys) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        text = p.format_help()
        assert "usage:" in text and len(text) > 80, name


def test_every_uploader_goes_through_the_translated_wrapper() -> None:
    # Streamlit's own uploader texts are English (dashboard/ui/uploader.py): a page that calls
    # st.file_uploader directly shows them on a Chinese page.
    direct = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "dashboard").rglob("*.py"))
        if p.name != "uploader.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "st.file_uploader(" in line and not line.lstrip().startswith(("#", '"'))
    ]
    assert not direct, direct
