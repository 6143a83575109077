"""ETL: the publishers' files in ``data/raw``, read by one module per format, checked and built."""
