"""The box table: one row per request file in a site's retry or pending box, kept live."""
