"""The diagrams' colours: Okabe-Ito, told apart by readers with any common colour-vision deficiency.

A positive weight is blue, a negative one vermillion (an orange red: legends call it orange), zero grey; what a frame of
the step player highlights has a thick black outline on yellow.
"""

__all__ = ["POSITIVE", "NEGATIVE", "ZERO", "HIGHLIGHT", "HIGHLIGHT_FILL"]

POSITIVE = "#0072B2"       # blue
NEGATIVE = "#D55E00"       # vermillion
ZERO = "#999999"           # grey
HIGHLIGHT = "#000000"      # the current step: thick black outline ...
HIGHLIGHT_FILL = "#F0E442"  # ... on yellow
