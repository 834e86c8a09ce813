"""The 'famous model' of ±1 threshold neurons (Hopfield's) as memory: store 5x5 letters in a Hopfield network, recall them from noise.

Each pixel is a neuron with state +1 (ink) or -1 (paper).  The letters are
stored by the Hebbian rule W = (1/n) sum_p p p^T (zero diagonal); a corrupted
letter is then updated one neuron at a time, s_i <- sign(sum_j W_ij s_j), with
sign(0) = +1, until nothing changes.  The energy E = -1/2 s^T W s falls at
every flip, and the state settles in the nearest stored letter.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, List, Union

from ..networks.hopfield import Hopfield
from .output import can_print, out_paths, pyplot, report_files, save_figure

NAME = "hopfield"
SUMMARY = "store 5x5 letters in a Hopfield network and recall them from noisy copies"

LETTERS: Dict[str, List[str]] = {
    "T": ["#####",
          "..#..",
          "..#..",
          "..#..",
          "..#.."],
    "X": ["#...#",
          ".#.#.",
          "..#..",
          ".#.#.",
          "#...#"],
    "E": ["#####",
          "#....",
          "####.",
          "#....",
          "#####"],
    "V": ["#...#",
          "#...#",
          ".#.#.",
          ".#.#.",
          "..#.."],
}
SIZE = 5
FLIPS = 4          # pixels flipped in each corrupted copy (16 %)
SEED = 1


def to_state(picture: List[str]) -> List[int]:
    """A picture ('#' ink, '.' paper) as a +-1 state vector, row by row."""
    return [1 if c == "#" else -1 for row in picture for c in row]


def grid(state: List[int], ink: str = "██", paper: str = " ·") -> List[str]:
    """A +-1 state as 5 text rows, two characters a pixel so it looks square."""
    return ["".join(ink if state[r * SIZE + c] > 0 else paper for c in range(SIZE)) for r in range(SIZE)]


def corrupt(state: List[int], k: int, rng: random.Random) -> List[int]:
    """A copy with k distinct pixels flipped."""
    s = list(state)
    for i in rng.sample(range(len(s)), k):
        s[i] = -s[i]
    return s


def run(out: Union[str, Path, None] = None, fast: bool = False) -> dict:
    """Store the letters, corrupt each, recall asynchronously; print the grids side by side."""
    folder, main = out_paths(out, "hopfield.png", plot=True)
    files: List[Path] = []
    rng = random.Random(SEED)
    names = list(LETTERS)
    patterns = [to_state(LETTERS[n]) for n in names]
    net = Hopfield(patterns)
    print(f"A Hopfield network of {net.n} ±1 neurons (one per pixel) stores {len(names)} letters by the "
          "Hebbian rule")
    print("W = (1/n) Σ p pᵀ with a zero diagonal (W_ii = 0: no neuron feeds itself). "
          f"Each letter gets {FLIPS} pixels flipped,")
    print("then neurons update one at a time, s_i ← sign(Σ_j W_ij s_j) (sign(0) = +1), until nothing changes.")
    print("The energy E = −½ sᵀ W s never rises at a flip; a sweep updates every neuron once.")
    fixed = all(net.is_fixed_point(p) for p in patterns)
    symmetric = net.symmetric                      # W = Wᵀ (and zero diagonal), from the couplings in use
    zero_diagonal = all(net.weights[i][i] == 0.0 for i in range(net.n))
    print(f"Every stored letter is a fixed point: {'yes' if fixed else 'NO'}. "
          f"W = Wᵀ: {'yes' if symmetric else 'NO'}; zero diagonal: {'yes' if zero_diagonal else 'NO'}.")
    print()
    results = []
    for name, p in zip(names, patterns):
        noisy = corrupt(p, FLIPS, rng)
        traj = net.run(noisy, mode="async", rng=rng)
        final = traj[-1]
        sync = net.run(noisy, mode="sync", max_steps=50)
        results.append({"letter": name, "stored": p, "noisy": noisy, "recalled": final,
                        "ok": final == p, "sweeps": len(traj) - 1,
                        "energy": [net.energy(s) for s in traj],
                        "wrong_before": sum(a != b for a, b in zip(noisy, p)),
                        "wrong_after": sum(a != b for a, b in zip(final, p)),
                        "sync_ok": sync[-1] == p})
    # print the letters side by side: stored | corrupted | recalled
    cols = ["stored", f"{FLIPS} flipped", "recalled"]
    ink, paper = ("██", " ·") if can_print("██ ·") else ("##", " .")
    head = "   ".join(c.ljust(2 * SIZE) for c in cols)
    for r in results:
        grids = [grid(r[k], ink, paper) for k in ("stored", "noisy", "recalled")]
        print((f"Letter {r['letter']}:   " + head).rstrip())
        for row in range(SIZE):
            print(" " * 12 + "   ".join(g[row] for g in grids))
        e = r["energy"]
        sweeps = f"{r['sweeps']} sweep" + ("" if r["sweeps"] == 1 else "s")
        print(f"  energy E {e[0]:.2f} → {e[-1]:.2f} in {sweeps}; wrong pixels "
              f"{r['wrong_before']} → {r['wrong_after']}: " + ("recalled." if r["ok"] else "NOT recalled.")
              + ("" if r["sync_ok"] else "  (Synchronous updates from the same start do not recall it.)"))
        print()
    recalled = sum(r["ok"] for r in results)
    print(f"Recalled {recalled} of {len(results)} letters.")

    plt = pyplot()
    if plt is not None:
        fig, axes = plt.subplots(len(results), 3, figsize=(4.2, 1.45 * len(results)))
        for i, r in enumerate(results):
            for j, key in enumerate(("stored", "noisy", "recalled")):
                ax = axes[i][j]
                img = [[r[key][y * SIZE + x] for x in range(SIZE)] for y in range(SIZE)]
                ax.imshow(img, cmap="Greys", vmin=-1, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if i == 0:
                    ax.set_title(cols[j], fontsize=9)
        fig.suptitle("Hopfield recall (asynchronous)", fontsize=10)
        save_figure(fig, main, files)
    report_files(files, folder)
    return {"letters": names, "results": results, "fixed_points": fixed, "symmetric": symmetric,
            "zero_diagonal": zero_diagonal, "recalled": recalled,
            "files": files, "out": folder}
