"""Many books and many editions: editions of one book, shelves of books, a Dask cluster.

editions (the [editions.NAME] tables and presets) -> alleditions (one book, every edition) ->
books (one book of a shelf, and its result) -> shelf (every book, on this machine's CPUs) or
cluster (on a Dask scheduler's workers, each book sent as a bundle: bundles).
"""
