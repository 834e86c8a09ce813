"""Learning: the errors a network is trained on (``losses``, one registry for the node engine and
batch mode), SGD and the training loop (``training``), and a built Network compiled to numpy
for fast epochs (``batch``)."""
