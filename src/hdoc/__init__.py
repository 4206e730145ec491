"""hdoc — the serverless backend of the #100DaysOfCloud community website."""

__version__ = "0.1.0"
