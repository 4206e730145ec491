"""Journeys: where a participant's days are in their repository, which count, when they were done,
and the streaks and score they earn. Pure rules; reading a repository is in `hdoc.sources`."""
