"""The network file: a Network written as JSON (structure, activations, weights, biases) and read back.

The file lists the neurons in build order (inputs, and neurons with their
activation and bias) and the synapses in build order (source, destination,
weight, name, trainable).  Floats are written with Python's shortest exact
repr, so ``Network.load(path)`` gives back bit-for-bit the same weights.

Saving first checks the name: an empty or blank name, a folder, a folder
that does not exist, a name without a suffix (``net`` rather than
``net.json``), a picture's suffix or a read-only file is refused with an
error that says so, before anything is written.  It then writes a temporary
file in the same folder and renames it over the target (``os.replace``), so
a failure part-way never leaves a half-written file in place of a good one.  Loading a missing, truncated,
malformed, newer-version or non-network file raises NetworkFileError naming
the file and the problem.

Reading builds the network with the class it is given (``Network.load`` passes
itself), so this module stands below ``network.py``; ``tinygraph.networks.saving`` offers
the same functions with tinygraph's Network filled in.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from typing import IO, TYPE_CHECKING, Any, Dict, List, Optional, Type, TypeVar, Union

from ..engine.activations import Activation, get_activation
from ..engine.checks import json_nesting
from ..errors import NetworkFileError, TinygraphError, WrongTypeError
from .scaling import Scaling

if TYPE_CHECKING:
    from .network import Network

__all__ = ["save_network", "load_network", "network_to_dict", "network_from_dict", "check_save_path", "FORMAT",
           "VERSION"]

FORMAT = "tinygraph-network"
VERSION = 1

PathLike = Union[str, "os.PathLike[str]"]
N = TypeVar("N", bound="Network")


def _activation_name(act: Activation, neuron: str) -> str:
    """The registered name of a neuron's activation (so loading can find it again)."""
    try:
        registered = get_activation(act.name)
    except ValueError:
        registered = None
    if registered is not act:
        raise NetworkFileError(
            f"neuron {neuron!r} uses an activation object {act.name!r} that is not registered by that "
            "name, so the file could not be loaded back; register it with "
            f"tinygraph.register_activation({act.name!r}, f, df) and build the neuron with that name")
    return act.name


def network_to_dict(net: Network) -> Dict[str, Any]:
    """The JSON-ready description of ``net`` that ``save_network`` writes."""
    order = {id(p): i for i, p in enumerate(net.parameters(include_fixed=True))}
    neurons: List[Dict[str, Any]] = []
    for n in net.neurons.values():
        if n.is_input:
            neurons.append({"name": n.name, "kind": "input"})
            continue
        entry: Dict[str, Any] = {"name": n.name, "kind": "neuron",
                                 "activation": _activation_name(n.activation, n.name)}
        if n.bias is None:
            entry["bias"] = None
        else:
            entry["bias"] = n.bias.value
            entry["bias_trainable"] = n.bias.trainable
            entry["param"] = order[id(n.bias)]
        neurons.append(entry)
    synapses = [{"src": s.src.name, "dst": s.dst.name, "weight": s.value, "name": s.name,
                 "trainable": s.trainable, "param": order[id(s)]} for s in net.synapses]
    doc = {"format": FORMAT, "version": VERSION, "name": net.name, "neurons": neurons, "synapses": synapses}
    scaling = getattr(net, "scaling", None)
    if scaling is not None:              # how a table's inputs were standardised (tinygraph.networks.scaling.Scaling)
        doc["scaling"] = scaling.to_dict()
    return doc


def _dumps(x: Any) -> str:
    """One JSON value; floats by repr, so they read back exactly."""
    return json.dumps(x, ensure_ascii=False, allow_nan=False)


def _write(doc: Dict[str, Any], f: IO[str]) -> None:
    """Write ``doc`` as JSON with one neuron or synapse per line (readable, diff-friendly)."""
    f.write("{\n")
    keys = list(doc)
    for k in keys:
        v = doc[k]
        end = ",\n" if k != keys[-1] else "\n"
        if isinstance(v, list):
            f.write(f" {_dumps(k)}: [")
            for j, item in enumerate(v):
                f.write(("\n  " if j == 0 else ",\n  ") + _dumps(item))
            f.write("\n ]" + end if v else "]" + end)
        else:
            f.write(f" {_dumps(k)}: {_dumps(v)}{end}")
    f.write("}\n")


_PICTURES = (".png", ".svg", ".pdf", ".gv", ".dot", ".jpg", ".jpeg")


def _file_name(path: object, action: str) -> str:
    """``path`` as a str, or a clear error if it cannot name a file at all (not a path, empty, blank).

    ``action`` is "save" or "load".
    """
    if isinstance(path, (str, os.PathLike)) and not isinstance(path, bytes):
        path = os.fspath(path)
    if not isinstance(path, str):
        shown = repr(path) if len(repr(path)) <= 60 else repr(path)[:55] + " ...>"
        call = "net.save(path)" if action == "save" else "Network.load(path)"
        raise WrongTypeError(f"{call} needs a file name such as \"net.json\" for path, got {type(path).__name__} "
                             f"{shown}")
    doing = _DOING[action]
    if not path.strip():
        what = "empty" if not path else "blank (only spaces)"
        raise NetworkFileError(f"cannot {doing} {path!r}: the file name is {what}; give a name such as \"net.json\"")
    if "\0" in path:
        raise NetworkFileError(f"cannot {doing} {path!r}: a file name cannot contain the NUL character \\0")
    return path


_DOING = {"save": "save network to", "load": "load network from"}


def _not_a_folder(folder: str) -> Optional[str]:
    """If a folder on the way to ``folder`` is really a file, that file's path (else None)."""
    up = folder
    while not os.path.exists(up) and os.path.dirname(up) != up:
        up = os.path.dirname(up)
    return up if os.path.exists(up) and not os.path.isdir(up) else None


def _ends_in_separator(path: str) -> bool:
    return path.endswith(os.sep) or (os.altsep is not None and path.endswith(os.altsep))


def check_save_path(path: str) -> str:
    """The folder to save ``path`` into, or an error saying what is wrong with the name (nothing is written)."""
    base = os.path.basename(path)
    if base in ("", ".", "..") or _ends_in_separator(path) or os.path.isdir(path):
        raise NetworkFileError(f"cannot save network to {path}: that is a folder; give a file name "
                               f"such as {os.path.join(path, 'net.json')}")
    stem, suffix = os.path.splitext(base)
    if suffix.lower() in _PICTURES:
        raise NetworkFileError(f"save writes the network as JSON, not a picture: {path!r} ends in {suffix}. "
                               f"To draw it use tg.draw_network(net).save({path!r}); to save it, use a .json "
                               f"name such as {os.path.splitext(path)[0] + '.json'!r}")
    if suffix in ("", "."):
        raise NetworkFileError(f"cannot save network to {path}: the name has no suffix; a network file is "
                               f"JSON, so name it {path.rstrip('.') + '.json'!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        up = _not_a_folder(folder)
        if up is not None:
            raise NetworkFileError(f"cannot save network to {path}: {up} is a file, not a folder")
        raise NetworkFileError(f"cannot save network to {path}: the folder {folder} does not exist; "
                               f"create it first (os.makedirs({folder!r})) or save elsewhere")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise NetworkFileError(f"cannot save network to {path}: that file is read-only, so it is left "
                               "as it is; save under another name, or make it writable first")
    return folder


def save_network(net: Network, path: PathLike) -> None:
    """Write ``net`` to ``path`` as JSON, atomically: the old file stays intact if anything fails.

    The name must end in a suffix (``net.json``), in a folder that exists; an
    empty name, a folder, a missing folder, a read-only file or a picture's
    suffix is refused before anything is written.
    """
    path = _file_name(path, "save")
    if os.path.islink(path):                           # write through the link: keep the link, update its file
        path = os.path.realpath(path)
    folder = check_save_path(path)
    doc = network_to_dict(net)
    try:
        # a short prefix: the temporary name must fit where a long target name just fits
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path)[:40] + ".", suffix=".tmp")
    except OSError as e:
        raise NetworkFileError(f"cannot save network to {path}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            _write(doc, f)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = os.stat(path).st_mode & 0o777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, (OSError, ValueError, TypeError)) and not isinstance(e, TinygraphError):
            detail = e.strerror if isinstance(e, OSError) and e.strerror else e
            raise NetworkFileError(f"cannot save network to {path}: {detail}; "
                                   "any file that was there is unchanged") from e
        raise


def _missing_hint(path: str) -> str:
    """Why a file to load may be missing: its folder is, or its name lacks the suffix."""
    if _ends_in_separator(path):
        return " or folder (the name ends in a separator, so it names a folder; a network file is NAME.json)"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f" (the folder {folder} does not exist)"
    if os.path.splitext(os.path.basename(path))[1] in ("", "."):
        named = path.rstrip(".") + ".json"
        if os.path.isfile(named):
            return f"; the name has no suffix: did you mean {named!r}?"
        return "; the name has no suffix (network files are saved as NAME.json)"
    return ""


def _fail(path: str, problem: str) -> NetworkFileError:
    return NetworkFileError(f"cannot load network from {path}: {problem}")


def load_network(path: PathLike, network_class: Type[N]) -> N:
    """Read a network saved by ``save_network`` (or ``net.save``) as a ``network_class`` (a Network or a
    subclass); raise NetworkFileError if the file is bad."""
    path = _file_name(path, "load")
    try:
        with open(path, "r", encoding="utf-8-sig") as f:   # -sig: a byte-order mark some editors add is fine
            text = f.read()
    except FileNotFoundError:
        raise _fail(path, "no such file" + _missing_hint(path)) from None
    except IsADirectoryError:
        raise _fail(path, "it is a folder, not a file") from None
    except NotADirectoryError:
        up = _not_a_folder(os.path.dirname(os.path.abspath(path)))
        raise _fail(path, f"{up} is a file, not a folder" if up else "part of the path is not a folder") from None
    except UnicodeDecodeError:
        raise _fail(path, "it is not a text file (a tinygraph network file is JSON)") from None
    except OSError as e:
        raise _fail(path, e.strerror or str(e)) from None
    if not text.strip():
        raise _fail(path, "the file is empty")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise _fail(path, "its JSON is nested far too deeply to be a tinygraph network file") from None
    except json.JSONDecodeError as e:
        if _unclosed(text):
            problem = (f"the JSON stops before its end, at line {text.count(chr(10)) + 1} (the file looks "
                       "truncated, e.g. by an interrupted copy or save)")
        else:
            problem = f"it is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        raise _fail(path, problem) from None
    return network_from_dict(doc, network_class, path)


def network_from_dict(doc: Any, network_class: Type[N], path: str = "<dict>") -> N:
    """Build a ``network_class`` (a Network or a subclass) from the description ``network_to_dict`` makes,
    checking every field."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _fail(path, f"it is JSON but not a tinygraph network (no \"format\": \"{FORMAT}\" field)")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _fail(path, f"its \"version\" should be a whole number, got {version!r}")
    if version > VERSION:
        raise _fail(path, f"it has format version {version}, made by a newer tinygraph; this one reads "
                          f"version {VERSION}: upgrade tinygraph (pip install -U tinygraph)")
    if version < 1:
        raise _fail(path, f"unknown format version {version}")

    def field(entry: Dict[str, Any], key: str, types: Any, where: str, default: Any = ...) -> Any:
        if key not in entry:
            if default is not ...:
                return default
            raise _fail(path, f"{where} has no {key!r} field")
        v = entry[key]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in (types if isinstance(types, tuple)
                                                                            else (types,))):
            raise _fail(path, f"{where}: {key!r} should be {_type_words(types)}, got {v!r}")
        return v

    def finite(v: Any, key: str, where: str) -> float:
        """A weight or bias read from the file as a finite float (JSON may hold NaN, Infinity, 1e400)."""
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            shown = repr(v) if len(repr(v)) <= 30 else f"a whole number of {len(str(abs(v)))} digits"
            raise _fail(path, f"{where}: {key!r} should be a finite number, got {shown}")
        return f

    name = field(doc, "name", str, "the network")
    neurons = field(doc, "neurons", list, "the network")
    synapses = field(doc, "synapses", list, "the network")
    for i, e in enumerate(neurons):
        if not isinstance(e, dict):
            raise _fail(path, f"neurons[{i}] should be an object, got {e!r}")
    for i, e in enumerate(synapses):
        if not isinstance(e, dict):
            raise _fail(path, f"synapses[{i}] should be an object, got {e!r}")

    # The order of net.parameters(): each bias and synapse carries its index "param".
    steps = []  # (param index, kind, entry index)
    for i, e in enumerate(neurons):
        if e.get("kind") == "neuron" and e.get("bias") is not None and "param" in e:
            steps.append((field(e, "param", int, f"neurons[{i}]"), "bias", i))
    for i, e in enumerate(synapses):
        if "param" in e:
            steps.append((field(e, "param", int, f"synapses[{i}]"), "synapse", i))
    if sorted(s[0] for s in steps) != list(range(len(steps))):
        steps = []  # not a consistent order: fall back to biases, then synapses (still a valid network)
    steps.sort()

    net = network_class(name)
    made = 0  # neurons[:made] exist

    def make_neurons(upto: int) -> None:
        nonlocal made
        while made <= upto:
            i = made
            e = neurons[i]
            where = f"neurons[{i}]"
            nm = field(e, "name", str, where)
            kind = field(e, "kind", str, where + f" ({nm!r})")
            try:
                if kind == "input":
                    net.input(nm)
                elif kind == "neuron":
                    act = field(e, "activation", str, where + f" ({nm!r})")
                    try:
                        get_activation(act)
                    except ValueError:
                        raise _fail(path, f"neuron {nm!r} uses the activation {act!r}, which is not known "
                                          "in this Python session; if it is your own, register it first with "
                                          f"tinygraph.register_activation({act!r}, f, df), then load") from None
                    bias = field(e, "bias", (int, float, type(None)), where + f" ({nm!r})")
                    bias = None if bias is None else finite(bias, "bias", where + f" ({nm!r})")
                    trainable = field(e, "bias_trainable", bool, where + f" ({nm!r})", True)
                    net.neuron(nm, activation=act, bias=bias,
                               train_bias=trainable)
                else:
                    raise _fail(path, f"{where} ({nm!r}): 'kind' should be \"input\" or \"neuron\", got {kind!r}")
            except NetworkFileError:
                raise
            except (TinygraphError, ValueError, TypeError, KeyError) as err:
                raise _fail(path, f"{where} ({nm!r}): {err}") from None
            made += 1

    index = {}
    for i, e in enumerate(neurons):
        nm = field(e, "name", str, f"neurons[{i}]")
        index.setdefault(nm, i)

    def connect(i: int) -> None:
        e = synapses[i]
        where = f"synapses[{i}]"
        src = field(e, "src", str, where)
        dst = field(e, "dst", str, where)
        for end in (src, dst):
            if end not in index:
                raise _fail(path, f"{where} ({src} -> {dst}) refers to a neuron {end!r} that is not in the file")
        make_neurons(max(index[src], index[dst]))
        weight = finite(field(e, "weight", (int, float), where + f" ({src} -> {dst})"), "weight",
                        where + f" ({src} -> {dst})")
        sname = field(e, "name", (str, type(None)), where, None)
        trainable = field(e, "trainable", bool, where, True)
        try:
            net.connect(src, dst, weight=weight, name=sname, trainable=trainable)
        except (TinygraphError, ValueError, TypeError, KeyError) as err:
            raise _fail(path, f"{where} ({src} -> {dst}): {err}") from None

    done = set()
    for _, kind, i in steps:
        if kind == "bias":
            make_neurons(i)
        else:
            connect(i)
            done.add(i)
    make_neurons(len(neurons) - 1)
    for i in range(len(synapses)):
        if i not in done:
            connect(i)
    if doc.get("scaling") is not None:   # optional: files without it (and older ones) load as before
        try:
            net.scaling = Scaling.from_dict(doc["scaling"])
        except ValueError as e:
            raise _fail(path, str(e)) from None
        ins = [n.name for n in net.inputs]
        if sorted(net.scaling.names) != sorted(ins) or len(set(net.scaling.names)) != len(ins):
            raise _fail(path, f"\"scaling\" is for the inputs {', '.join(map(repr, net.scaling.names))} but the "
                              f"network's inputs are {', '.join(map(repr, ins))}: the file was edited or put "
                              "together from two networks; train the network again (tinygraph train ... --save)")
    return net


def _unclosed(text: str) -> bool:
    """True if the JSON text stops inside a string or with brackets still open: a truncated JSON file."""
    depth, _, in_string = json_nesting(text)
    return in_string or depth > 0


def _type_words(types: Any) -> str:
    words = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list", type(None): "null", dict: "an object"}
    if not isinstance(types, tuple):
        types = (types,)
    if float in types:
        types = tuple(t for t in types if t is not int)
    return " or ".join(words.get(t, t.__name__) for t in types)
