"""Per-site and per-platform mapping files (TOML); shipped with the package so profiles load anywhere."""
