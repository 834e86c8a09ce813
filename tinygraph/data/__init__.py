"""Data: the shipped data sets and the computed ones (``datasets``: digits, breast-cancer, iris,
wine as gzipped CSV files beside this file; moons, circle, spiral made on demand), and a learner's
own CSV read, checked, scaled, trained and predicted (``tables``)."""
