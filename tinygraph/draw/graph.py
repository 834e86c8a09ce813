def draw_graph(*a, **k): raise NotImplementedError
