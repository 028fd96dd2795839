"""Pure rules and numbers: no Django import here, so they are fast and tested directly."""
