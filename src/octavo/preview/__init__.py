"""`octavo watch`: rebuild on save (watcher) and show the book on a local page (server, snapshot,
spreads)."""
