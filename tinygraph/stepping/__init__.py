"""The step-through: backpropagation told one step at a time.

``steps`` tells the engine's own backward walk node by node; ``formulas`` and ``deltas`` hold the
delta rule's formulas (the one home for them); ``narrative`` tells a network's forward pass, error,
deltas and updates in the delta rule's terms; ``page`` draws either as a step-player page.
"""
