"""The HTML step player, in a real headless Chromium (tests/chromium.py drives it over the DevTools
protocol).  The page's checks that need no browser come first."""

import time

import pytest

from tinygraph.stepping.page import write_html
from tinygraph.stepping.narrative import network_steps
from tinygraph.demos import worked_example

from chromium import browser_test


def test_player_refuses_svg_that_could_run_code(steps_json):
    from tinygraph.draw.player import player_html as page
    from tinygraph.errors import RenderError
    ok = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g><text>hi</text></g></svg>'
    for evil in ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 '<svg xmlns="http://www.w3.org/2000/svg"><g onload="alert(1)"/></svg>',
                 '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
                 '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
                 "<svg><unclosed></svg>"):
        with pytest.raises(RenderError):
            page([evil], [{"text": "x"}])
    html = page([ok, ok, ok], [{"text": "a"}, {"text": "b"}, {"text": "c"}])
    assert html.count('class="frame"') == 1               # identical frames stored once
    assert [d["frame"] for d in steps_json(html)] == [0, 1, 2]     # three frames, one picture
    with pytest.raises(ValueError):
        page([ok], [])
    with pytest.raises(ValueError, match="frame"):
        page([ok], [{"text": "a", "frame": 3}])


def test_frames_are_plain_svg_parts_each_stored_once():
    from tinygraph.draw.player import player_html as page
    a = ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" viewBox="0 0 10 10"><g id="graph0">'
         '<g id="n1"><text font-family="Helvetica" text-anchor="start">a &amp; b</text></g>'
         '<g id="n2"><text>two</text></g></g></svg>')
    b = a.replace("two", "three")
    html = page([a, b], [{"text": "1"}, {"text": "2"}])
    assert html.count("a &amp; b") == 1                   # the shared part is stored once
    assert html.count("<use ") == 4 and "three" in html and "two" in html
    assert 'text-anchor="start"' not in html and ".tgf0{font-family:Helvetica}" in html


STATE = """(() => {
  const shown = [...document.querySelectorAll('#frames > .frame')].filter(f => !f.hidden);
  const svg = shown.length ? shown[0].querySelector('svg') : null;
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const g = svg ? svg.querySelector('g') : null;
  return {shown: shown.map(f => f.dataset.layout + ':' + [...f.querySelectorAll('use')].map(u => u.getAttribute('href')).join(',')),
          line: document.getElementById('line').textContent,
          counter: document.getElementById('counter').textContent,
          width: box.width, height: box.height, drawn: g ? g.getBBox().width : 0,
          step: window.player ? window.player.step() : null};
})()"""


def state(b):
    return b.js(STATE)


def open_demo_page(browser, tmp_path, demo):
    """The steps of a demo network (a module with build()), written as a page open in the browser."""
    net, inputs, targets = demo.build()
    steps = network_steps(net, inputs, targets)
    page = tmp_path / "steps.html"
    write_html(page, steps)
    browser.open(page)
    return steps


@browser_test
def test_player_steps_with_buttons_and_keys(browser, tmp_path):
    steps = open_demo_page(browser, tmp_path, worked_example)
    n = len(steps)

    s1 = state(browser)
    assert s1["counter"] == f"step 1 of {n}"
    assert s1["line"] == str(steps[0])
    assert len(s1["shown"]) == 1 and s1["width"] > 100 and s1["height"] > 100
    assert s1["drawn"] > 100                               # the <use> parts really draw

    browser.js("document.getElementById('next').click()")
    s2 = state(browser)
    assert s2["counter"] == f"step 2 of {n}" and s2["line"] == str(steps[1])
    assert s2["shown"] != s1["shown"] and len(s2["shown"]) == 1

    browser.key("ArrowRight", "ArrowRight", 39)
    s3 = state(browser)
    assert s3["step"] == 3 and s3["line"] == str(steps[2]) and s3["shown"] != s2["shown"]

    browser.key("n", "KeyN", 78, text="n")
    assert state(browser)["line"] == str(steps[3])
    browser.key("ArrowLeft", "ArrowLeft", 37)
    browser.key("p", "KeyP", 80, text="p")
    assert state(browser)["line"] == str(steps[1])

    browser.key("End", "End", 35)
    last = state(browser)
    assert last["counter"] == f"step {n} of {n}" and last["line"] == str(steps[-1])
    assert browser.js("document.getElementById('next').disabled") is True
    browser.js("document.getElementById('next').click()")   # past the end: stays
    assert state(browser)["step"] == n

    browser.key("Home", "Home", 36)
    assert state(browser)["counter"] == f"step 1 of {n}"
    browser.js("document.getElementById('last').click()")
    assert state(browser)["step"] == n
    browser.js("document.getElementById('first').click()")
    browser.js("document.getElementById('prev').click()")   # before the start: stays
    assert state(browser)["step"] == 1
    browser.js("document.getElementById('next').click(); document.getElementById('next').click();"
               "document.getElementById('prev').click()")
    assert state(browser)["line"] == str(steps[1])

    delta = next(i for i, s in enumerate(steps) if s.kind == "output delta")
    browser.js(f"window.player.show({delta + 1})")
    assert state(browser)["line"] == str(steps[delta]) and "δ_o1" in str(steps[delta])


@browser_test
def test_a_script_tag_for_a_name_shows_as_text_and_runs_nothing(browser, tmp_path, script_tag_network):
    bad = "<script>alert(1)</script>"
    net, h, steps = script_tag_network("<img src=x onerror=alert(3)></script><script>alert(2)</script>")
    assert h.name == bad
    page = tmp_path / "evil.html"
    write_html(page, steps, title=net.name)
    browser.open(page)

    assert browser.js("window.__alerts.length") == 0
    assert browser.js("document.scripts.length") == 3       # the JSON data and the player itself
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.querySelector('h1').textContent") == net.name
    shown_in_svg = browser.js("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
    assert bad in shown_in_svg                              # the name, drawn literally
    forward = next(i for i, s in enumerate(steps) if s.kind == "forward" and s.subject is h)
    browser.js(f"window.player.show({forward + 1})")
    line = state(browser)["line"]
    assert bad in line and line == str(steps[forward])
    for _ in range(len(steps)):                             # every frame, still nothing runs
        browser.key("ArrowRight", "ArrowRight", 39)
    assert browser.js("window.__alerts.length") == 0
    assert browser.js("document.scripts.length") == 3


def test_parts_keep_their_ids_as_data_and_highlights_as_a_class():
    from tinygraph.draw.player import player_html as page
    a = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="2000pt" '
         'viewBox="0 0 10 10"><g id="graph0">'
         '<g id="neuron-h1" class="node highlight"><defs><linearGradient id="grad"/></defs>'
         '<ellipse fill="url(#grad)"/><a xlink:href="#grad"><text font-family="x;}&lt;/style&gt;">h1</text></a></g>'
         '<g id="neuron-h2" class="node"><text>h2</text></g></g></svg>')
    html = page([a, a.replace("node highlight", "node")], [{"text": "1"}, {"text": "2"}])
    assert 'data-id="neuron-h1"' in html and ' id="neuron-h1"' not in html     # ids stay unique in the page
    assert html.count('data-id="neuron-h1"') == 2 and html.count('data-id="neuron-h2"') == 1
    assert 'id="tgp0-grad"' in html and 'url(#tgp0-grad)' in html and 'xlink:href="#tgp0-grad"' in html
    assert html.count('class="highlight"/>') == 1                            # the <use> of the lit part
    assert "</style>" not in html.split("<body")[1].split("<script")[0]       # an odd font is not in the CSS
    assert 'font-family="x;}&lt;/style&gt;"' in html
    assert html.count('class="frame"') == 2                                    # two layouts: two pictures


def test_frames_keep_the_size_they_were_drawn():
    from tinygraph.draw.player import player_html as page
    def frame(w, h, word):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
                f'viewBox="0.00 0.00 {w - 0.2} {h - 0.2}"><g id="graph0"><text>{word}</text></g></svg>')
    html = page([frame(644, 443, "a"), frame(710, 443, "b")], [{"text": "1"}, {"text": "2"}])
    assert 'width="644pt" height="443pt" viewBox="0.00 0.00 643.8 442.8"' in html
    assert 'width="710pt" height="443pt" viewBox="0.00 0.00 709.8 442.8"' in html


NODE_CENTRES = """(() => {
  const f = [...document.querySelectorAll('#frames > .frame')].find(f => !f.hidden);
  const out = {};
  for (const u of f.querySelectorAll('use')) {
    const node = document.getElementById(u.getAttribute('href').slice(1)).querySelector('[data-id^="neuron-"]');
    if (node) { const r = u.getBoundingClientRect();
                out[node.dataset.id] = [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)]; }
  }
  return out;
})()"""


@browser_test
def test_neurons_stay_at_the_same_place_from_step_to_step(browser, tmp_path):
    from tinygraph.demos import xor
    steps = open_demo_page(browser, tmp_path, xor)
    first = size = None
    for k in range(1, len(steps) + 1):
        browser.js(f"window.player.show({k})")
        centres = browser.js(NODE_CENTRES)
        s = state(browser)
        assert len(centres) == 5 and s["step"] == k, centres
        first = first or centres
        size = size or (s["width"], s["height"])
        assert centres == first, (k, centres, first)              # every neuron at the same pixel
        assert (s["width"], s["height"]) == size, k                # and the picture the same size


# -- the page as a viewer sees it ------------------------------------------------------

SEEN = """(() => {
  const f = [...document.querySelectorAll('#frames > .frame')].find(f => !f.hidden);
  return [...f.querySelectorAll('use')].map(u => {
    const part = document.getElementById(u.getAttribute('href').slice(1)).firstElementChild;
    return [part.getAttribute('data-id') || '', u.classList.contains('highlight'),
            [...part.querySelectorAll('text')].map(t => [t.textContent, t.getAttribute('x'), t.getAttribute('y')])];
  });
})()"""


def alone(svg):
    """What a frame drawn alone by Graphviz shows, in the form of SEEN: per part its id, whether it is
    lit, and its texts with their places."""
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(svg)
    out = []
    for child in root:
        for el in (list(child) if child.tag == ns + "g" and len(child) else [child]):
            if el.tag == ns + "title":
                continue
            out.append([el.get("id") or "", "highlight" in el.get("class", "").split(),
                        [[t.text or "", t.get("x"), t.get("y")] for t in el.iter(ns + "text")]])
    return out


@browser_test
def test_each_frame_as_the_page_shows_it_is_the_frame_drawn_alone(browser, tmp_path):
    """One layout, many frames: every step of the worked example, as the page puts it together from
    shared parts, shows the same texts in the same places and the same highlighted ids as that
    step's frame drawn alone by Graphviz."""
    from tinygraph.stepping.page import _svgs
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    page = tmp_path / "steps.html"
    write_html(page, steps)
    drawn = _svgs(steps)
    browser.open(page)
    assert browser.js("document.querySelectorAll('#frames > .frame').length") == 1    # one layout
    for k, svg in enumerate(drawn, 1):
        browser.js(f"window.player.show({k})")
        assert browser.js(SEEN) == alone(svg), k


def viewport(b, width, height):
    b.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)


ON_SCREEN = """(() => {
  const out = {};
  for (const id of ['prev', 'next', 'play', 'scrub', 'line', 'counter', 'view']) {
    const r = document.getElementById(id).getBoundingClientRect();
    out[id] = r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 &&
              r.bottom <= window.innerHeight + 0.5 && r.right <= window.innerWidth + 0.5;
  }
  const svg = [...document.querySelectorAll('#frames > .frame')].find(f => !f.hidden).querySelector('svg');
  const r = svg.getBoundingClientRect();
  out.picture = [Math.round(r.width), Math.round(r.height)];
  out.lineFont = parseFloat(getComputedStyle(document.getElementById('line')).fontSize);
  out.scrollWidth = document.documentElement.scrollWidth <= window.innerWidth + 1;
  return out;
})()"""


@browser_test
@pytest.mark.parametrize("size", [(1366, 768), (400, 800)])
def test_controls_and_formula_are_on_screen(browser, tmp_path, size):
    from tinygraph.demos import multiplier
    steps = open_demo_page(browser, tmp_path, multiplier)
    viewport(browser, *size)
    try:
        longest = max(range(len(steps)), key=lambda i: len(str(steps[i])))
        for k in (1, longest + 1, len(steps)):
            browser.js(f"window.player.show({k})")
            seen = browser.js(ON_SCREEN)
            assert all(seen[i] for i in ('prev', 'next', 'play', 'scrub', 'line', 'counter')), (k, seen)
            assert seen["scrollWidth"] and seen["lineFont"] >= 14, seen        # nothing sideways, text readable
            assert min(seen["picture"]) >= 200, seen                             # and a picture to look at
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")


@browser_test
def test_play_pause_scrubber_space_and_deep_links(browser, tmp_path):
    steps = open_demo_page(browser, tmp_path, worked_example)
    n = len(steps)
    page = tmp_path / "steps.html"
    browser.call("Page.navigate", url="about:blank")
    browser.wait_event("Page.loadEventFired")
    browser.events.clear()
    browser.call("Page.navigate", url=page.resolve().as_uri() + "#step=12")
    browser.wait_event("Page.loadEventFired")
    s = state(browser)
    assert s["step"] == 12 and s["line"] == str(steps[11])
    browser.js("window.player.next()")
    assert browser.js("location.hash") == "#step=13"                  # the address follows the step
    browser.js("location.hash = '#step=5'")
    time.sleep(0.2)
    assert state(browser)["step"] == 5

    # the scrubber
    browser.js("const r = document.getElementById('scrub'); r.value = '20';"
               "r.dispatchEvent(new Event('input', {bubbles: true}))")
    assert state(browser)["step"] == 20 and browser.js("document.getElementById('scrub').max") == str(n)

    # play at the fastest speed, then pause with the space bar
    browser.js("document.getElementById('speed').value = '4'")
    browser.js("document.getElementById('play').click()")
    assert browser.js("window.player.playing()") is True
    time.sleep(1.5)
    moved = state(browser)["step"]
    assert moved > 20
    browser.js("document.activeElement.blur()")
    browser.key(" ", "Space", 32, text=" ")
    assert browser.js("window.player.playing()") is False
    time.sleep(0.8)
    assert state(browser)["step"] == moved == int(browser.js("document.getElementById('scrub').value"))
    browser.key(" ", "Space", 32, text=" ")
    assert browser.js("window.player.playing()") is True
    browser.key("ArrowLeft", "ArrowLeft", 37)                          # stepping by hand stops the play
    assert browser.js("window.player.playing()") is False

    # the walk: a network step that came from a walk step links to it
    delta = next(i for i, st in enumerate(steps) if st.walk_index is not None)
    browser.js(f"window.player.show({delta + 1})")
    assert browser.js("document.getElementById('walklink').hidden") is False
    browser.js("document.getElementById('walklink').click()")
    assert browser.js("document.getElementById('walkbox').open") is True
    assert browser.js("document.querySelector('#walk li.current').id") == f"walk-{steps[delta].walk_index}"
    assert browser.js("document.querySelectorAll('#walk li').length") == steps[0].walk_total
    assert "everything computed from it has sent its gradient back" in browser.js(
        "document.getElementById('why').textContent")


@browser_test
def test_quiz_asks_checks_reveals_and_keeps_score(browser, tmp_path):
    from tinygraph.draw.dot import number
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    page = tmp_path / "quiz.html"
    write_html(page, steps, quiz=True)
    browser.open(page)
    k = next(i for i, st in enumerate(steps) if st.kind == "output delta")
    browser.js(f"window.player.show({k + 1})")
    st = steps[k]
    shown = number(st.number)
    seen = browser.js("[document.getElementById('line').textContent, document.getElementById('quiz').hidden,"
                      "[...document.querySelectorAll('#frames > .frame:not([hidden]) use')].map(u =>"
                      " document.getElementById(u.getAttribute('href').slice(1)).textContent).join(' ')]")
    assert seen[0].endswith("= ?") and str(st.number) not in seen[0] and seen[1] is False
    assert f"δ {shown}" not in seen[2] and "δ ?" in seen[2]             # the picture does not give it away
    # a wrong answer: another try with a hint, the number not given away, the field not locked
    browser.js("document.getElementById('answer').value = '0.5';"
               "document.getElementById('check').click()")
    assert browser.js("window.player.score()") == {"right": 0, "answered": 1}
    verdict = browser.js("document.getElementById('verdict').textContent")
    assert "not yet" in verdict and "Hint:" in verdict and "too large" in verdict and shown not in verdict
    assert state(browser)["line"].endswith("= ?") and not browser.js("document.getElementById('answer').disabled")
    score = browser.js("[document.getElementById('score').textContent, "
                       "getComputedStyle(document.getElementById('score')).color]")
    assert score[0] == "score 0 of 1" and score[1] != "rgb(0, 170, 85)"   # 0 of 1 is not green
    browser.js("document.getElementById('answer').value = '-0.5';"
               "document.getElementById('check').click()")
    assert "sign" in browser.js("document.getElementById('verdict').textContent")
    # the second try right: shown, but it does not count as right first time
    browser.js(f"document.getElementById('answer').value = '{st.number}';"
               "document.getElementById('check').click()")
    assert browser.js("window.player.score()") == {"right": 0, "answered": 1}
    verdict = browser.js("document.getElementById('verdict').textContent")
    assert "right on try 3" in verdict and shown in verdict
    assert state(browser)["line"] == str(st)                           # revealed: how it was computed
    # a right one, typed with a learner's rounding (within 1%)
    browser.js("window.player.next()")
    nxt = steps[k + 1]
    assert state(browser)["line"].endswith("= ?")
    browser.js(f"document.getElementById('answer').value = '{nxt.number * 1.004:.5g}';"
               "document.getElementById('check').click()")
    assert browser.js("window.player.score()") == {"right": 1, "answered": 2}
    assert "right" in browser.js("document.getElementById('verdict').textContent")
    assert browser.js("document.getElementById('score').className") == "some"
    assert f"δ {number(nxt.number)}" in browser.js(
        "[...document.querySelectorAll('#frames > .frame:not([hidden]) use')].map(u =>"
        " document.getElementById(u.getAttribute('href').slice(1)).textContent).join(' ')")
    # going back shows an answered step revealed, and does not ask again
    browser.js("window.player.prev()")
    assert state(browser)["line"] == str(st) and browser.js("document.getElementById('answer').disabled")
    # an update: its new weight is hidden until answered
    u = next(i for i, s in enumerate(steps) if s.kind == "update")
    browser.js(f"window.player.show({u + 1})")
    assert number(steps[u].number) not in browser.js(
        "[...document.querySelectorAll('#frames > .frame:not([hidden]) use')].map(u =>"
        " document.getElementById(u.getAttribute('href').slice(1)).textContent).join(' ')")


@browser_test
def test_the_jump_to_the_trained_weights_is_labelled(browser, tmp_path):
    steps = open_demo_page(browser, tmp_path, worked_example)
    caption = "[document.getElementById('caption').hidden, document.getElementById('caption').textContent]"
    browser.js("window.player.show(2)")
    assert browser.js(caption)[0] is True                                 # this step's own network: no label
    browser.js(f"window.player.show({len(steps)})")
    hidden, text = browser.js(caption)
    epochs = steps[-1].history.epochs
    assert not hidden and f"after {epochs} epochs" in text and "train()" in text
    new = next(i for i, s in enumerate(steps) if s.kind == "new forward")
    browser.js(f"window.player.show({new + 1})")
    assert "after this one update" in browser.js(caption)[1]


@browser_test
def test_a_walk_link_keeps_the_formula_and_controls_in_view(browser, tmp_path):
    steps = open_demo_page(browser, tmp_path, worked_example)
    viewport(browser, 1366, 768)
    try:
        first = min((i for i, s in enumerate(steps) if s.walk_index), key=lambda i: steps[i].walk_index)
        last = max(range(len(steps)), key=lambda i: steps[i].walk_index or 0)      # far down the walk's list
        for k in (last, first, last):
            browser.js(f"window.player.show({k + 1}); document.getElementById('walklink').click()")
            seen = browser.js(ON_SCREEN)
            assert all(seen[i] for i in ('prev', 'next', 'play', 'scrub', 'line', 'counter')), (k, seen)
            shown = browser.js("""(() => { const p = document.getElementById('panel').getBoundingClientRect();
              return ['line', 'prev', 'next', 'counter'].every(id => {
                const r = document.getElementById(id).getBoundingClientRect();
                return r.top >= p.top - 0.5 && r.bottom <= p.bottom + 0.5; }); })()""")
            assert shown, k                                                   # not scrolled out of the panel
            inside = browser.js("""(() => { const l = document.getElementById('walk').getBoundingClientRect(),
              i = document.querySelector('#walk li.current').getBoundingClientRect();
              return i.top >= l.top - 0.5 && i.bottom <= l.bottom + 0.5; })()""")
            assert inside, k                                                  # and the walk's line is shown
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")


@browser_test
def test_a_phone_shows_the_inputs_and_the_legend(browser, tmp_path):
    steps = open_demo_page(browser, tmp_path, worked_example)
    browser.call("Emulation.setDeviceMetricsOverride", width=400, height=800, deviceScaleFactor=2, mobile=True)
    try:
        browser.open(tmp_path / "steps.html")
        for k in (2, 5, len(steps)):                                          # steps that highlight parts
            browser.js(f"window.player.show({k})")
            cut = browser.js("""(() => { const v = document.getElementById('view').getBoundingClientRect();
              const f = [...document.querySelectorAll('#frames > .frame')].find(f => !f.hidden);
              const out = [];
              for (const u of f.querySelectorAll('use')) {
                const r = u.getBoundingClientRect();
                if (!r.width) { continue; }
                if (r.left < v.left - 1 || r.right > v.right + 1 || r.top < v.top - 1 || r.bottom > v.bottom + 1) {
                  out.push(u.getAttribute('href'));
                }
              }
              return [out.length, document.documentElement.scrollWidth <= window.innerWidth + 1]; })()""")
            assert cut == [0, True], (k, cut)
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
