"""The state database's tables (see sqlite.StateStore) and the upgrade of older files."""

from __future__ import annotations

from analyzer.store.tally import MINUTE_NS

SCHEMA_VERSION = 2  # 2: per-minute pieces (runs over overlapping windows count once)

# Version 2: the parts of minutes each input's runs covered (see tally); a version 1 file's
# minutes become whole-minute pieces of an unnamed input.
PIECES = """
CREATE TABLE pieces (
  incident_id TEXT NOT NULL REFERENCES incidents(id), inputs TEXT NOT NULL,
  minute INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (incident_id, inputs, minute, lo)
) WITHOUT ROWID;
"""
TO_VERSION_2 = PIECES + f"""; INSERT INTO pieces SELECT incident_id, '', minute,
  minute * {MINUTE_NS}, (minute + 1) * {MINUTE_NS}, count FROM minutes
"""

SCHEMA = """
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at INTEGER NOT NULL, finished_at INTEGER,
  window_start INTEGER, window_end INTEGER,
  sources TEXT NOT NULL, host TEXT, pid INTEGER,
  lines INTEGER, records INTEGER, incidents INTEGER
);
CREATE TABLE incidents (
  id TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,
  first_seen INTEGER, last_seen INTEGER,
  total INTEGER NOT NULL, runs_seen INTEGER NOT NULL,
  first_run INTEGER NOT NULL REFERENCES runs(id), last_run INTEGER NOT NULL REFERENCES runs(id),
  status TEXT NOT NULL, snapshot TEXT NOT NULL
);
CREATE TABLE sightings (
  run_id INTEGER NOT NULL REFERENCES runs(id), incident_id TEXT NOT NULL REFERENCES incidents(id),
  status TEXT NOT NULL, count INTEGER NOT NULL, first_seen INTEGER, last_seen INTEGER,
  PRIMARY KEY (run_id, incident_id)
);
CREATE TABLE minutes (
  incident_id TEXT NOT NULL REFERENCES incidents(id), minute INTEGER NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (incident_id, minute)
) WITHOUT ROWID;
""" + PIECES
