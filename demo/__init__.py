"""The offline end-to-end demo behind `make demo`: replay sites, a mail sink, real workers."""
