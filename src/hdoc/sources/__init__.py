"""Where journeys are read from: a local git checkout here, GitHub for the statistics parser."""
