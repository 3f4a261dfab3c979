"""Load generator for guardproxy: direct vs passthrough vs default policy, in one run."""
