"""Date formats for the interface languages, read through FORMAT_MODULE_PATH; anything not
set here comes from Django's own locale formats."""
