"""The engine, the ground floor: scalar nodes, their ops and the backward walk.

``node`` holds Node, each op as its value and its local slopes, and the one walk that
``backward()`` and the step-through share; ``activations`` each activation once;
``checks`` the operand checks at the one door every op goes through; ``diagnosis`` what
is said when an op fails (run only on failure); ``gradcheck`` backward() against central
differences.  Nothing here imports anything above it (tests/test_imports.py).
"""
