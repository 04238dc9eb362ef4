"""Project tooling that runs beside the application: checks run by `make lint`."""
