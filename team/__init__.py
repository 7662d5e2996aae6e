"""The team and its planned work, as data and analysis; never imports Flask."""

# Every flush that changes an input of the forecast is recorded for its history, whichever
# path wrote it: the listener is registered on import, so it is on wherever the models are.
from team import history as _history  # noqa: F401
