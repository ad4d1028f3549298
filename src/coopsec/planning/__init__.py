"""Planning under limited resources: seat and budget allocation, baselines and explanations."""
