"""Operations: backup and restore of the whole platform (database and uploaded files)."""
