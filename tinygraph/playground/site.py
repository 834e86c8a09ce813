"""``tinygraph site --out DIR``: a static site where the playground and the step player run in the browser.

The folder holds everything the pages need, so any static host (or ``python -m http.server``) serves
it and the pages load nothing from another host:

- ``index.html``, and ``play.html`` (the playground page with ``assets/site.js`` as its transport: the
  engine runs in the page; ``?net=worked-example`` or ``?net=moons``; its step player is drawn in the page);
- ``tinygraph.zip``: this installed tinygraph (pure Python; numpy is not needed, the node engine runs);
- ``pyodide/``: Pyodide's core (CPython compiled to WebAssembly), from the npm package ``pyodide``;
- ``viz/viz-global.js``: Graphviz compiled to WebAssembly, from the npm package ``@viz-js/viz``.

The npm packages are pinned (version and sha512 integrity, :data:`PACKAGES`) and fetched at build time
with the standard library (no node or npm needed) from ``$npm_config_registry`` or the public registry,
then kept in a cache folder (``--cache``, default ``~/.cache/tinygraph/npm``) so the next build is offline.
A tarball whose hash differs from the pin is refused, fetched or cached.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import os
import shutil
import string
import tarfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Union

from ..draw.packaged import asset
from .errors import PlayError, SiteError

__all__ = ["build_site", "SiteReport", "PACKAGES", "Package", "default_cache", "registry", "MARKER", "check_out"]

DEFAULT_REGISTRY = "https://registry.npmjs.org"
#: the file that marks a folder as a site built here (a later build may replace it)
MARKER = "tinygraph-site.json"
FETCH_SECONDS = 120.0


@dataclass(frozen=True)
class Package:
    """A pinned npm package and which of its files the site copies (path in the tarball -> path in the site)."""

    name: str
    version: str
    integrity: str
    files: Dict[str, str] = field(default_factory=dict)
    license: str = ""

    @property
    def tarball(self) -> str:
        return f"{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"

    def url(self, registry_url: str) -> str:
        return f"{registry_url.rstrip('/')}/{self.name}/-/{self.tarball}"


PACKAGES = (
    Package("pyodide", "314.0.8",
            "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSVUpHsoarLQ==",
            {f"package/{f}": f"pyodide/{f}" for f in ("pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm",
                                                      "python_stdlib.zip", "pyodide-lock.json")},
            "MPL-2.0, https://github.com/pyodide/pyodide"),
    Package("@viz-js/viz", "3.31.0",
            "sha512-r7zlQdRvcwvIpjHGgs+KNWHeE/P5/Dq7k8ZAKaMCbZqomxCBJV78gVuQYaHzFVca+kB0mX0fMW9UFevCOBG50A==",
            {"package/dist/viz-global.js": "viz/viz-global.js"},
            "MIT (Graphviz itself: EPL-1.0), https://github.com/mdaines/viz-js"),
)


def default_cache() -> Path:
    """Where fetched tarballs are kept: $XDG_CACHE_HOME/tinygraph/npm, or ~/.cache/tinygraph/npm."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tinygraph" / "npm"


def registry() -> str:
    """The npm registry to fetch from: $npm_config_registry (as npm itself reads it), else the public one."""
    return (os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY") or DEFAULT_REGISTRY).strip()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _tarball(pkg: Package, cache: Path, registry_url: str) -> bytes:
    """The package's tarball, from the cache if it is there and whole, else fetched (and then cached)."""
    kept = cache / pkg.tarball
    if kept.is_file():
        data = kept.read_bytes()
        if _integrity(data) == pkg.integrity:
            return data
    url = pkg.url(registry_url)
    try:
        with urllib.request.urlopen(url, timeout=FETCH_SECONDS) as r:
            data = r.read()
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as e:   # e.g. IncompleteRead
        why = getattr(e, "reason", None) or e
        raise SiteError(f"could not fetch {pkg.name} {pkg.version} from {url}: {why}. The site needs it once: "
                        f"connect to the network, set npm_config_registry to a registry you can reach, or put "
                        f"{pkg.tarball} (npm pack {pkg.name}@{pkg.version}) in the cache folder {cache} "
                        f"(--cache)") from None
    if _integrity(data) != pkg.integrity:
        raise SiteError(f"{url} sent a file whose sha512 is not the pinned one for {pkg.name} {pkg.version} "
                        f"({len(data)} bytes): refused. Try again, or another registry (npm_config_registry)")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{pkg.tarball}.{os.urandom(4).hex()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, kept)
    except OSError:
        pass                            # no cache: this build still works, the next one fetches again
    return data


def _unpack(pkg: Package, data: bytes, out: Path) -> List[Path]:
    """Copy the package's chosen files from its tarball into the site."""
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for inside, there in pkg.files.items():
            try:
                member = tar.getmember(inside)
                src = tar.extractfile(member)
            except KeyError:
                src = None
            if src is None:
                raise SiteError(f"{pkg.name} {pkg.version} has no file {inside}: the pin in tinygraph is wrong")
            dest = out / there
            dest.parent.mkdir(parents=True, exist_ok=True)
            with src, open(dest, "wb") as f:
                shutil.copyfileobj(src, f)
            written.append(dest)
    return written


def _package_zip() -> bytes:
    """This installed tinygraph as a zip (its Python files and package data; no caches), the same bytes
    for the same files (fixed dates), for Pyodide to unpack in the page."""
    root = Path(__file__).resolve().parent.parent
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root.parent)
            if path.is_dir() or "__pycache__" in rel.parts or path.suffix in (".pyc", ".pyo") or path.name.startswith("."):
                continue
            info = zipfile.ZipInfo(rel.as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return buf.getvalue()


#: the site's pages load only from the site itself (the browser enforces it); WebAssembly may be compiled, and
#: the scripts are inline (the playground's, and the step player's in its frame, which inherits this policy)
SITE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
            "frame-src 'self' about:; object-src 'none'; base-uri 'none'; form-action 'none'")
_REFERRER = '<meta name="referrer" content="no-referrer">'


def _play_page() -> str:
    """The playground's page (the same template as the local server's) with the in-page transport."""
    page = string.Template(asset(__package__, "playground.html")).substitute(
        title="tinygraph in the browser", token="", nonce="", style=asset(__package__, "playground.css"),
        script=asset(__package__, "site.js") + "\n" + asset(__package__, "playground.js"))
    if _REFERRER not in page:
        raise SiteError("assets/playground.html has no referrer <meta> to put the site's policy after")
    return page.replace(_REFERRER, f'{_REFERRER}\n<meta http-equiv="Content-Security-Policy" content="{SITE_CSP}">', 1)


def check_out(path: Union[str, os.PathLike]) -> Path:
    """``path`` if a site may be built there: a new folder, an empty one, or one holding an earlier site."""
    text = os.fspath(path)
    if not text.strip():
        raise PlayError("--out has no name: give a folder for the site, e.g. --out site")
    out = Path(os.path.expanduser(text))
    if out.exists() and not out.is_dir():
        raise PlayError(f"--out {text}: that is a file; the site is a folder (e.g. --out site)")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise PlayError(f"--out {text}: that folder holds other files; give a new or empty folder (a folder "
                        f"holding a site built before is replaced)")
    up = out.absolute()
    while not up.exists():
        up = up.parent
    if not up.is_dir():
        raise PlayError(f"--out {text}: {up} is a file, so no folder can be made there")
    from ..draw.files import try_folder
    try_folder(up / "index.html", "--out site")
    return out


@dataclass
class SiteReport:
    """What was built: the folder, its files and their size, and the pinned packages."""

    out: Path
    files: List[Path]
    packages: List[Package]

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.files)

    def __str__(self) -> str:
        pins = ", ".join(f"{p.name} {p.version}" for p in self.packages)
        index = self.out / "index.html"
        return (f"wrote the site to {self.out}: {len(self.files)} files, {self.size / 1e6:.1f} MB ({pins}).\n"
                f"Serve the folder with any static web server, e.g.\n"
                f"  python -m http.server --directory {self.out} 8000\n"
                f"and open http://127.0.0.1:8000/ ({index.name}; opened as a file, browsers refuse to load "
                f"WebAssembly).")


def build_site(out: Union[str, os.PathLike], cache: Union[str, os.PathLike, None] = None,
               registry_url: Optional[str] = None) -> SiteReport:
    """Write the static site to ``out`` (see the module docstring) and say what was written.

    ``cache``: the folder for the npm tarballs (default :func:`default_cache`); ``registry_url``: the npm
    registry (default :func:`registry`).  A tarball that cannot be had raises :class:`SiteError`.
    """
    folder = check_out(out)
    store = Path(os.path.expanduser(os.fspath(cache))) if cache is not None else default_cache()
    where = registry_url or registry()
    tarballs = [(p, _tarball(p, store, where)) for p in PACKAGES]     # everything fetched before writing
    folder.mkdir(parents=True, exist_ok=True)
    files: List[Path] = []
    for pkg, data in tarballs:
        files += _unpack(pkg, data, folder)
    from .. import __version__
    pages = {
        "tinygraph.zip": _package_zip(),
        "play.html": _play_page().encode(),
        "index.html": string.Template(asset(__package__, "site-index.html")).substitute(
            version=__version__, pins=", ".join(f"{p.name} {p.version}" for p in PACKAGES)).encode(),
        MARKER: (json.dumps({"tinygraph": __version__, "npm": {p.name: {"version": p.version, "integrity": p.integrity,
                                                                         "license": p.license}
                                                                for p in PACKAGES}}, indent=1) + "\n").encode(),
    }
    for name, data in pages.items():
        (folder / name).write_bytes(data)
        files.append(folder / name)
    return SiteReport(folder, files, list(PACKAGES))
