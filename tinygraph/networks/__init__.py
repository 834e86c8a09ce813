"""Networks built of nodes: Neuron, Synapse, Bias, Network and MLP (``network``), the JSON file
format (``network_file``, with ``saving``'s functions), the input and target scaling a network
carries (``scaling``), and Hopfield's network of +-1 states (``hopfield``)."""
