"""The docs' own helpers.

As a Sphinx extension (``extensions = [..., "tgdocs"]``):

* ``.. tinygraph-cli::`` writes the command-line reference from the argparse parser
  ``tinygraph.cli`` really uses (so it cannot drift from ``tinygraph --help``);
* before the tutorials run, ``TINYGRAPH_DOCS_PAGES`` names the folder ``_pages`` inside the
  build's output, where the executed notebooks put the pages they make.

In a notebook (the kernel finds this module through PYTHONPATH, set in conf.py):
``embed("steps.html")`` copies a page a cell wrote into that folder and shows it in an iframe;
``sh("tinygraph data")`` runs a command line and shows what it prints.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any, List

PAGES_ENV = "TINYGRAPH_DOCS_PAGES"


# --- used by the notebooks ------------------------------------------------------------------

def pages_folder() -> Path:
    """Where the built site keeps generated pages (the build's _pages, or ./_pages by hand)."""
    folder = Path(os.environ.get(PAGES_ENV, "_pages"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def publish(path: str, name: str = "") -> str:
    """Copy the file ``path`` into the site's _pages folder; its address relative to _pages."""
    name = name or Path(path).name
    target = pages_folder() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return name


def embed(path: str, height: int = 640, up: str = "../", title: str = "") -> Any:
    """Show the page ``path`` (written by a cell) in the built site, working, in an iframe."""
    from html import escape

    from IPython.display import HTML
    name = publish(path)
    src = f"{up}_pages/{name}"
    title = escape(title or Path(path).stem)
    return HTML(f'<iframe class="tg-page" src="{src}" title="{title}" height="{int(height)}" '
                f'loading="lazy"></iframe>\n'
                f'<p><a href="{src}" target="_blank" rel="noopener">Open {title} in its own tab</a>'
                f' (one self-contained file; it works offline).</p>')


def image(path: str, up: str = "", alt: str = "", name: str = "") -> str:
    """An <img> of the picture ``path``, copied into the site's _pages folder."""
    from html import escape
    name = publish(path, name)
    return f'<img src="{up}_pages/{name}" alt="{escape(alt or Path(path).stem)}" loading="lazy">'


def sh(command: str) -> None:
    """Run the command line ``tinygraph ...`` as a learner types it, in the notebook's folder, and
    print what it prints; a command that fails fails the build (so the docs' commands stay true)."""
    import shlex
    import subprocess
    import sys
    argv = shlex.split(command, comments=True)
    if not argv or argv[0] != "tinygraph":
        raise ValueError(f"tgdocs.sh runs tinygraph's own commands only, not {command!r}")
    print("$", command)
    run = subprocess.run([sys.executable, "-m", "tinygraph"] + argv[1:], capture_output=True,
                         text=True, timeout=600)
    print((run.stdout + run.stderr).rstrip())
    if run.returncode:
        raise RuntimeError(f"{command!r} failed (exit code {run.returncode})")


def browser_site(up: str = "") -> Any:
    """Build ``tinygraph site`` into the built docs (``_pages/site``) and link to its pages; where the
    pinned npm packages cannot be had (no network, no cache), say so instead of failing the build."""
    from html import escape

    from IPython.display import HTML

    from tinygraph.playground.errors import SiteError
    from tinygraph.playground.site import build_site
    try:
        report = build_site(pages_folder() / "site")
    except SiteError as e:
        return HTML(f"<p><em>This build of the documentation could not include the site: {escape(str(e))}</em></p>")
    base = f"{up}_pages/site/"
    return HTML(f'<ul><li><a href="{base}play.html?net=worked-example">the worked example</a> (Backward, '
                f'SGD steps, the step player)</li><li><a href="{base}play.html?net=moons">moons</a> (press Play)'
                f'</li><li><a href="{base}index.html">the site\'s own front page</a></li></ul>'
                f"<p>{len(report.files)} files, {report.size / 1e6:.1f} MB, built with this documentation.</p>")


def demo(name: str) -> Any:
    """Run the demo ``name`` as ``tinygraph demo NAME --out FOLDER`` does (its printout shows in
    the cell), and show every picture it drew and, for a network one can step through, its step
    player; all written during the build."""
    from IPython.display import HTML

    import tinygraph as tg
    from tinygraph.demos import build_for_steps, run_demo, step_networks
    from tinygraph.stepping.page import StepPlayer
    folder = Path("tinygraph-out") / name        # in the notebook's own temporary folder
    folder.mkdir(parents=True, exist_ok=True)
    run_demo(name, out=folder)
    parts = ['<div class="tg-gallery">']
    for picture in sorted(folder.rglob("*")):
        if picture.suffix.lower() in (".svg", ".png"):
            parts.append(f"<figure>{image(str(picture), alt=f'{name}: {picture.stem}', name=f'gallery/{name}/{picture.name}')}"
                         f"<figcaption><code>{picture.name}</code></figcaption></figure>")
    if name in step_networks():
        key, net, inputs, targets, lr = build_for_steps(name)
        steps = tg.network_steps(net, inputs, targets, lr=lr)
        page = folder / f"{name}-steps.html"
        StepPlayer(steps, title=f"{name}: backprop step by step").save(str(page))
        src = f"_pages/{publish(str(page), f'gallery/{name}/{page.name}')}"
        parts.append(f'<p>The step player of this network ({len(steps)} steps, as '
                     f'<code>tinygraph step {name} --html {page.name}</code> writes it): '
                     f'<a href="{src}" target="_blank" rel="noopener">{page.name}</a>.</p>')
    parts.append("</div>")
    return HTML("\n".join(parts))


# --- the Sphinx extension -------------------------------------------------------------------

def _cli_rst() -> List[str]:
    from tinygraph import cli
    parser = cli._parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    lines: List[str] = []
    helps = {c.dest: (c.help or "") for sub in subs for c in sub._choices_actions}
    for sub in subs:
        for name, p in sub.choices.items():
            prog = f"tinygraph {name}"
            title = f"``{prog}``"
            lines += [title, "-" * len(title), ""]
            text = helps.get(name, "") or (p.description or "")
            if text:
                lines += [_rst_text(text[:1].upper() + text[1:]) + ("" if text.endswith(".") else "."), ""]
            if p.description and p.description != text:
                lines += [_rst_text(p.description), ""]
            lines += [".. code-block:: text", ""]
            lines += ["   " + u for u in p.format_usage().strip().splitlines()]
            lines += ["", f".. program:: {prog}", ""]
            for action in p._actions:
                if isinstance(action, argparse._HelpAction):
                    continue
                if action.option_strings:
                    metavar = ""
                    if action.nargs != 0:
                        metavar = " " + (action.metavar or action.dest.upper())
                        if action.nargs in ("*", "+"):
                            metavar += " ..."
                    spelled = ", ".join(o + metavar for o in action.option_strings)
                else:
                    spelled = action.metavar or action.dest
                lines += [f".. option:: {spelled}", ""]
                if action.help and action.help != argparse.SUPPRESS:
                    h = action.help % {"default": action.default} if "%(" in action.help else action.help
                    lines += ["   " + _rst_text(h), ""]
                if action.choices and not isinstance(action.choices, dict):
                    lines += ["   Choices: " + ", ".join(f"``{c}``" for c in action.choices) + ".", ""]
            if p.epilog:
                lines += ["", _rst_text(p.epilog), ""]
    return lines


def _rst_text(text: str) -> str:
    """Plain help text as one reST paragraph: characters reST would read as markup escaped."""
    import re
    text = " ".join(text.split())
    for ch in "\\*`|_[":
        text = text.replace(ch, "\\" + ch)
    # options as literals, so that --html stays two hyphens (not a typographic dash)
    return re.sub(r"(?<![\w`])(--?[A-Za-z][\w-]*)", r"``\1``", text)


def setup(app: Any) -> dict:
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective
    from sphinx.util.nodes import nested_parse_with_titles
    from docutils import nodes

    class CliDirective(SphinxDirective):
        """``.. tinygraph-cli::``: every command of ``tinygraph``, from its argparse parser."""

        def run(self):
            node = nodes.section()
            node.document = self.state.document
            nested_parse_with_titles(self.state, StringList(_cli_rst(), source="tinygraph.cli"), node)
            return node.children

    def pages_env(app: Any) -> None:
        folder = Path(app.outdir) / "_pages"
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[PAGES_ENV] = str(folder)

    def public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
        """A reference to tinygraph.engine.node.Node (where a name is defined) finds tinygraph.Node."""
        import tinygraph
        target = node.get("reftarget", "")
        if node.get("refdomain") != "py" or not target.startswith("tinygraph."):
            return None
        name = target.rsplit(".", 1)[1]
        if name not in tinygraph.__all__ or target == f"tinygraph.{name}":
            return None
        domain = env.get_domain("py")
        for role in ("class", "func", "exc", "obj"):
            found = domain.resolve_xref(env, node["refdoc"], app.builder, role, f"tinygraph.{name}",
                                        node, contnode)
            if found is not None:
                return found
        return None

    def mathml(self: Any, node: Any, display: bool) -> None:
        """Math as MathML, which browsers render themselves: no MathJax, nothing from the network."""
        from latex2mathml.converter import convert
        latex = node.astext()
        html = convert(latex, display="block" if display else "inline")
        if display:
            self.body.append(f'<div class="math tg-math" title="{escape_attr(latex)}">{html}</div>')
        else:
            self.body.append(f'<span class="math tg-math">{html}</span>')
        raise nodes.SkipNode

    def escape_attr(text: str) -> str:
        from html import escape
        return escape(" ".join(text.split()))

    app.add_html_math_renderer("mathml", (lambda self, node: mathml(self, node, False), None),
                               (lambda self, node: mathml(self, node, True), None))
    app.add_directive("tinygraph-cli", CliDirective)
    app.connect("missing-reference", public_name)
    app.connect("builder-inited", pages_env)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
