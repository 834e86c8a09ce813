"""The demos: the article made runnable.  ``tinygraph demo NAME`` runs one."""
