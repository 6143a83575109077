"""The processed-data contract: schemas, the store that publishes them, paths and errors."""
