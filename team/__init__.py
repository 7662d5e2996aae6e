"""The team and its planned work, as data and analysis; never imports Flask."""
