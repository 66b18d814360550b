"""The sandbox's simulated site server, run from the Tools menu."""
