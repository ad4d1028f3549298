"""One module per analytics section; `coopsec.analytics.selectors` is their public face."""
