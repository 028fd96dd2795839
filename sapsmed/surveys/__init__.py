"""Evidence: national MSME definitions, survey designs, microdata uploads and estimates."""
