"""Saving and loading networks: exact round trips, clear errors for bad files, and no half-written files."""

import json
import math
import os
import random

import pytest

import tinygraph as tg
import tinygraph.networks.network_file as network_file
import tinygraph.networks.saving as saving


def state(net):
    """Everything a saved network must keep, with floats as exact hex."""
    neurons = [(n.name, n.is_input, None if n.is_input else n.activation.name,
                None if n.bias is None else (n.bias.value.hex(), n.bias.trainable))
               for n in net.neurons.values()]
    synapses = [(s.src.name, s.dst.name, s.name, s.value.hex(), s.trainable) for s in net.synapses]
    params = [(type(p).__name__, p.name) for p in net.parameters(include_fixed=True)]
    return net.name, neurons, synapses, params


def random_net(seed):
    rng = random.Random(seed)
    net = tg.MLP([3, 4, 2], activation="tanh", output_activation="linear", seed=seed, name=f"net{seed}")
    for p in net.parameters():
        p.value = rng.uniform(-5, 5) * 10.0 ** rng.randint(-300, 300)
    net.neuron("extra", activation="relu", bias=None)
    net.connect("x1", "extra", weight=-0.0)
    net.connect("h2", "extra", weight=math.pi, trainable=False, name="my synapse")
    net["o1"].bias.trainable = False
    return net


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round_trip_is_bit_exact(tmp_path, seed):
    net = random_net(seed)
    path = tmp_path / "net.json"
    net.save(path)
    back = tg.Network.load(path)
    assert state(back) == state(net)
    assert math.copysign(1.0, back.synapse("x1", "extra").value) == -1.0     # -0.0 kept
    x = [0.3, -0.2, 0.9]
    a, b = net.forward(x), back.forward(x)
    assert [v.value for v in a.values()] == [v.value for v in b.values()]
    back.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == path.read_text()


def test_file_is_readable_json_with_format_and_version(tmp_path):
    net = tg.MLP([2, 2, 1], seed=0)
    path = tmp_path / "xor.json"
    net.save(str(path))
    doc = json.loads(path.read_text())
    assert doc["format"] == "tinygraph-network" and doc["version"] == 1
    assert [n["name"] for n in doc["neurons"]] == ["x1", "x2", "h1", "h2", "o1"]
    assert doc["synapses"][0]["src"] == "x1" and doc["synapses"][0]["dst"] == "h1"
    assert path.read_text().count("\n") == 9 + 5 + 6   # one line per neuron and per synapse


def test_custom_activation_saved_by_name(tmp_path):
    name = "softsign_for_saving_test"
    try:
        tg.get_activation(name)
    except ValueError:
        tg.register_activation(name, lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2)
    net = tg.Network("custom")
    net.input("x")
    net.neuron("y", activation=name, bias=0.25)
    net.connect("x", "y", weight=1.5)
    path = tmp_path / "c.json"
    net.save(path)
    back = tg.Network.load(path)
    assert back["y"].activation is tg.get_activation(name)
    assert back.forward({"x": 2.0})["y"].value == net.forward({"x": 2.0})["y"].value
    # the same file, with an activation this session has never registered
    path.write_text(path.read_text().replace(name, "never_registered_act"))
    with pytest.raises(tg.NetworkFileError, match="'never_registered_act', which is not known.*register_activation"):
        tg.Network.load(path)


def test_unregistered_activation_object_is_refused_at_save(tmp_path):
    from tinygraph.engine.activations import Activation
    net = tg.Network("odd")
    net.input("x")
    net.neuron("y", activation=Activation("private_act", lambda x: x, lambda x: 1.0), bias=0.0)
    net.connect("x", "y", weight=1.0)
    path = tmp_path / "odd.json"
    with pytest.raises(tg.NetworkFileError, match="not registered"):
        net.save(path)
    assert not path.exists()


def good_text():
    return json.dumps(saving.network_to_dict(tg.MLP([2, 2, 1], seed=0)))


@pytest.mark.parametrize("text, words", [
    ("", "the file is empty"),
    (good_text()[:57], "truncated"),
    (good_text()[:-1], "truncated"),
    ('{"format": "tinygraph-network", "version": 1, ', "truncated"),
    ("{'format': 'tinygraph-network'}", "not valid JSON"),
    ("not json at all", "not valid JSON"),
    ("[1, 2, 3]", "not a tinygraph network"),
    ('{"name": "x", "neurons": []}', "not a tinygraph network"),
    ('{"format": "tinygraph-network", "version": 2}', "format version 2, made by a newer tinygraph"),
    ('{"format": "tinygraph-network", "version": "1"}', "version"),
    (good_text().replace('"neurons"', '"neurones"'), "has no 'neurons' field"),
    (good_text().replace('"weight": ', '"weight": "abc", "w": ', 1), "'weight' should be a number, got 'abc'"),
    (good_text().replace('"dst": "h1"', '"dst": "h9"', 1), "refers to a neuron 'h9' that is not in the file"),
    (good_text().replace('"name": "h2"', '"name": "h1"', 1), "already has a neuron named 'h1'"),
    (good_text().replace('"kind": "input"', '"kind": "inptu"', 1), "'kind' should be"),
    (good_text().replace('"activation": "sigmoid"', '"activation": 3', 1), "'activation' should be a string"),
    (good_text().replace('"bias": 0.0', '"bias": true', 1), "'bias' should be"),
    (good_text().replace('"weight": ', '"weight": NaN, "w": ', 1), "'weight' should be a finite number, got nan"),
    (good_text().replace('"weight": ', '"weight": -Infinity, "w": ', 1), "'weight' should be a finite number, got -inf"),
    (good_text().replace('"weight": ', '"weight": 1' + "0" * 400 + ', "w": ', 1), "a whole number of 401 digits"),
    (good_text().replace('"bias": 0.0', '"bias": 1e400', 1), "neurons[2] ('h1'): 'bias' should be a finite number, got inf"),
])
def test_bad_files_raise_network_file_error_naming_file_and_problem(tmp_path, text, words):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(tg.NetworkFileError) as e:
        tg.Network.load(path)
    assert str(path) in str(e.value)
    assert words in str(e.value)


def test_cycle_in_file_is_refused(tmp_path):
    doc = saving.network_to_dict(tg.MLP([1, 1, 1], seed=0))
    doc["synapses"].append({"src": "o1", "dst": "h1", "weight": 1.0, "name": "back", "trainable": True})
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(tg.NetworkFileError, match="would close a cycle"):
        tg.Network.load(path)


def test_missing_file_folder_and_binary(tmp_path):
    with pytest.raises(tg.NetworkFileError, match="nope.json: no such file"):
        tg.Network.load(tmp_path / "nope.json")
    with pytest.raises(tg.NetworkFileError, match="folder"):
        tg.Network.load(tmp_path)
    (tmp_path / "bin.json").write_bytes(bytes(range(256)))
    with pytest.raises(tg.NetworkFileError, match="not a text file"):
        tg.Network.load(tmp_path / "bin.json")


def test_failed_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    tg.MLP([2, 2, 1], seed=0).save(path)
    old = path.read_bytes()
    calls = []
    real = network_file._dumps

    def failing(x):
        calls.append(x)
        if len(calls) == 8:                       # part-way through the neurons
            raise OSError(28, "No space left on device")
        return real(x)

    monkeypatch.setattr(network_file, "_dumps", failing)
    with pytest.raises(tg.NetworkFileError, match="No space left on device.*unchanged"):
        tg.MLP([2, 2, 1], seed=99).save(path)
    assert len(calls) == 8                        # it really failed mid-way
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["net.json"]   # no temporary file left behind
    monkeypatch.undo()
    assert state(tg.Network.load(path)) == state(tg.MLP([2, 2, 1], seed=0))


def test_save_errors_are_clear(tmp_path):
    net = tg.MLP([1, 1])
    with pytest.raises(tg.NetworkFileError, match="does not exist"):
        net.save(tmp_path / "no" / "such" / "dir.json")
    with pytest.raises(tg.NetworkFileError, match="that is a folder"):
        net.save(tmp_path)


def test_overwrite_keeps_permissions(tmp_path):
    path = tmp_path / "p.json"
    tg.MLP([1, 1]).save(path)
    os.chmod(path, 0o640)
    tg.MLP([1, 1], seed=3).save(path)
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_deeply_nested_json_is_a_network_file_error(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text("[" * 100000)
    with pytest.raises(tg.NetworkFileError, match="nested far too deeply"):
        tg.Network.load(p)


def test_a_file_with_a_utf8_byte_order_mark_loads(tmp_path):
    net = tg.MLP([2, 2, 1], seed=4)
    p = tmp_path / "net.json"
    net.save(p)
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert state(tg.Network.load(p)) == state(net)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf", ".gv", ".dot", ".jpg", ".PNG"])
def test_save_refuses_a_picture_name_and_points_to_draw_network(tmp_path, suffix):
    p = tmp_path / ("net" + suffix)
    with pytest.raises(ValueError, match=r"tg\.draw_network\(net\)\.save\(.*\.json"):
        tg.MLP([2, 1]).save(p)
    assert not p.exists()


def test_save_to_none_is_a_clear_type_error():
    with pytest.raises(TypeError, match="file name such as"):
        tg.MLP([2, 1]).save(None)


# -- file names that cannot be right: each refused before anything is written -------------------

def listing(folder):
    """Every file under folder with its bytes: what a failed save must leave exactly as it was."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def saved(tmp_path, monkeypatch):
    """A folder work/ (the current folder) inside tmp_path, holding a saved network net.json."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    tg.MLP([2, 2, 1], seed=0).save("net.json")
    return tmp_path


@pytest.mark.parametrize("name, words", [("", "the file name is empty"),
                                         ("   ", "the file name is blank"),
                                         ("\t\n", "the file name is blank")])
def test_an_empty_or_blank_name_is_refused_and_no_file_is_made(saved, name, words):
    before = listing(saved)
    for call in (lambda: tg.MLP([2, 1]).save(name), lambda: tg.Network.load(name)):
        with pytest.raises(tg.NetworkFileError) as e:
            call()
        assert words in str(e.value) and repr(name) in str(e.value) and "net.json" in str(e.value)
    assert listing(saved) == before          # no temporary file in the parent folder (or anywhere)


def test_a_folder_is_refused_and_its_files_kept(saved):
    before = listing(saved)
    for folder in [saved / "work", saved / "work" / ".", "../work", str(saved / "new") + os.sep, ".", ".."]:
        with pytest.raises(tg.NetworkFileError, match="that is a folder; give a file name such as"):
            tg.MLP([2, 1]).save(folder)
    with pytest.raises(tg.NetworkFileError, match="it is a folder, not a file"):
        tg.Network.load(saved / "work")
    with pytest.raises(tg.NetworkFileError, match="ends in a separator, so it names a folder"):
        tg.Network.load(str(saved / "new") + os.sep)
    assert listing(saved) == before and not (saved / "new").exists()


def test_a_missing_folder_is_named_and_not_created(saved):
    before = listing(saved)
    target = saved / "no" / "such" / "net.json"
    with pytest.raises(tg.NetworkFileError) as e:
        tg.MLP([2, 1]).save(target)
    assert f"the folder {saved / 'no' / 'such'} does not exist" in str(e.value) and "os.makedirs" in str(e.value)
    with pytest.raises(tg.NetworkFileError, match="no such file .the folder .* does not exist"):
        tg.Network.load(target)
    with pytest.raises(tg.NetworkFileError, match=f"{saved / 'work' / 'net.json'} is a file, not a folder"):
        tg.MLP([2, 1]).save(saved / "work" / "net.json" / "inner.json")
    with pytest.raises(tg.NetworkFileError, match="net.json is a file, not a folder"):
        tg.Network.load(saved / "work" / "net.json" / "inner.json")
    assert listing(saved) == before


@pytest.mark.parametrize("name", ["net", "net.", "my weights"])
def test_a_name_without_a_suffix_is_refused_with_the_json_name(saved, name):
    (saved / "work" / name.rstrip(".")).write_text("someone else's file")     # must stay as it is
    before = listing(saved)
    with pytest.raises(tg.NetworkFileError) as e:
        tg.MLP([2, 1]).save(name)
    assert "has no suffix" in str(e.value) and repr(name.rstrip(".") + ".json") in str(e.value)
    assert listing(saved) == before


def test_loading_a_name_without_its_suffix_points_to_the_json_file(saved):
    with pytest.raises(tg.NetworkFileError, match=r"no such file; the name has no suffix: did you mean 'net\.json'\?"):
        tg.Network.load("net")
    with pytest.raises(tg.NetworkFileError, match=r"no such file; the name has no suffix \(network files"):
        tg.Network.load("other")
    tg.MLP([2, 1]).save("plain.json")
    os.rename("plain.json", "plain")          # a network file renamed by hand still loads
    assert state(tg.Network.load("plain")) == state(tg.MLP([2, 1]))


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_read_only_file_is_not_overwritten(saved, monkeypatch):
    path = saved / "work" / "net.json"
    os.chmod(path, 0o444)
    if os.geteuid() == 0:                     # root may write anything: ask as a user would be answered
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real(p, mode))
    before = listing(saved)
    with pytest.raises(tg.NetworkFileError, match="read-only"):
        tg.MLP([2, 1], seed=5).save(path)
    assert listing(saved) == before


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_saving_through_a_link_updates_the_linked_file_and_keeps_the_link(saved):
    real, link = saved / "work" / "net.json", saved / "link.json"
    link.symlink_to(real)
    tg.MLP([2, 1], seed=5).save(link)
    assert link.is_symlink() and state(tg.Network.load(real)) == state(tg.MLP([2, 1], seed=5))


def test_a_network_that_cannot_be_saved_leaves_the_old_file(saved):
    from tinygraph.engine.activations import Activation
    net = tg.Network("odd")
    net.input("x")
    net.neuron("y", activation=Activation("private_act", lambda x: x, lambda x: 1.0), bias=0.0)
    net.connect("x", "y", weight=1.0)
    before = listing(saved)
    with pytest.raises(tg.NetworkFileError, match="not registered"):
        net.save("net.json")
    assert listing(saved) == before


@pytest.mark.parametrize("bad", [None, 3, b"net.json", ["net.json"]], ids=repr)
def test_a_path_that_is_not_a_name_is_a_type_error_naming_it(bad):
    from tinygraph.errors import WrongTypeError
    for call, words in ((lambda: tg.MLP([2, 1]).save(bad), "net.save(path)"),
                        (lambda: tg.Network.load(bad), "Network.load(path)")):
        with pytest.raises(WrongTypeError) as e:
            call()
        assert words in str(e.value) and repr(bad) in str(e.value)


def test_a_nul_character_in_a_name_is_refused(tmp_path):
    with pytest.raises(tg.NetworkFileError, match="NUL"):
        tg.MLP([2, 1]).save(str(tmp_path / "a\0b.json"))
    with pytest.raises(tg.NetworkFileError, match="NUL"):
        tg.Network.load(str(tmp_path / "a\0b.json"))
    assert os.listdir(tmp_path) == []


def scaled_net():
    from tinygraph.data.tables import Scaling
    net = tg.MLP([2, 1], seed=0)
    net.scaling = Scaling(["x2", "x1"], [1.0, -2.0], [0.5, 4.0], "o1", ("no", "yes"))
    return net


def test_the_input_scaling_round_trips_and_must_name_the_inputs(tmp_path):
    net = scaled_net()
    net.save(tmp_path / "n.json")
    back = tg.Network.load(tmp_path / "n.json")
    s = back.scaling
    assert (s.names, s.means, s.stds, s.target, s.labels) == (["x2", "x1"], [1.0, -2.0], [0.5, 4.0], "o1",
                                                              ("no", "yes"))
    doc = json.loads((tmp_path / "n.json").read_text())
    doc["scaling"]["inputs"] = {"a": [0.0, 1.0], "x1": [0.0, 1.0]}         # edited: another network's scaling
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(tg.NetworkFileError) as e:
        tg.Network.load(tmp_path / "bad.json")
    assert "bad.json" in str(e.value) and "'a', 'x1'" in str(e.value) and "'x1', 'x2'" in str(e.value)
    doc["scaling"]["inputs"] = {"x1": [0.0, 0.0], "x2": [0.0, 1.0]}
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(tg.NetworkFileError, match="stds finite numbers > 0"):
        tg.Network.load(tmp_path / "bad.json")
