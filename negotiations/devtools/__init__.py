"""Operations tools for development and CI only: benchmarks, the load test, the database
fault drill and synthetic data. Production settings do not install this app."""
