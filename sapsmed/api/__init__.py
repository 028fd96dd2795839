"""The open REST API over the platform's apps (DRF), with its OpenAPI schema."""
